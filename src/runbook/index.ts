export {
  createFunctionsService,
  TIME_WINDOWS,
  type FunctionsService,
  type RunbookFunction,
} from './functions.service.js';
export type { FunctionCall } from './log.repo.js';
export { productionMonitoring } from './production-monitoring.js';
export { databaseScalability } from './database-scalability.js';
export { createDiagnostics, type Diagnostics } from './diagnostics.js';
export { createDatabasesService, type DatabasesService } from './databases.service.js';
export type { MonitoredDatabase } from './databases.repo.js';
