export { createServicesService, type ServicesService, type WithKey } from './services.service.js';
export type { Service, IngestSettingsPatch } from './services.repo.js';
export type { ChangeEvent } from './changes.repo.js';
