export { createServicesService, type ServiceEvents, type ServicesService, type WithKey } from './catalog.service.js';
export { GRAFANA_SIGNATURE_HEADER, type Service, type IngestSettingsPatch } from './services.repo.js';
export type { ChangeEvent } from './changes.repo.js';
export type { MaintenanceWindow } from './maintenance.repo.js';
