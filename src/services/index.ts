export { createServicesService, type ServicesService, type WithKey } from './services.service.js';
export type { Service } from './services.repo.js';
