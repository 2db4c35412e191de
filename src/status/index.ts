export {
  COMPONENT_STATUSES,
  IMPACTS,
  MAINTENANCE_STATES,
  UPDATE_STATUSES,
  type ComponentStatus,
  type Impact,
  type MaintenanceState,
  type PublicModel,
  type StatusMap,
  type UpdateStatus,
} from './status.js';
export { createStatusService, type ComponentState, type StatusEvents, type StatusService } from './status.service.js';
export { createMaintenancesService, type MaintenanceEvents, type MaintenancesService } from './maintenances.service.js';
export { createSubscribersService, type SubscribersService } from './subscribers.service.js';
export { createStatusSnapshot, STATUS_DOCUMENTS, type StatusDocument, type StatusSnapshot } from './snapshot.js';
export { renderStatusPage, renderStatusMessage } from './page-html.js';
export type {
  Component,
  Maintenance,
  PublishedIncident,
  StatusSettings,
  StatusUpdate,
  Subscriber,
} from './status.repo.js';
