export {
  createIncidentsService,
  type IncidentsService,
  type NewIncident,
  type IncidentListQuery,
  type IncidentEvents,
  type IncidentChange,
  type CommittedEntry,
  type Opening,
  type TimelineEntry,
} from './incidents.service.js';
export type { TimelineEvent, IncidentState } from './incidents.repo.js';
export { incidentJson, type IncidentJson } from './incident-json.js';
