// Reading alerts: lists with filters, one alert with its recent events, an incident's alerts.
import { authorize, type Actor } from '../access/index.js';
import type { Db } from '../db/database.js';
import { notFound } from '../errors.js';
import type { IncidentsService } from '../incidents/index.js';
import type { ServicesService } from '../services/index.js';
import {
  findAlert,
  findAlertsByDedupKey,
  findOpenAlerts,
  listAlerts,
  recentAlertEvents,
  type AlertStatus,
} from './alerts.repo.js';

export interface AlertsDeps {
  db: Db;
  services: ServicesService;
  incidents: IncidentsService;
}

export function createAlertsService({ db, services, incidents }: AlertsDeps) {
  return {
    async list(
      actor: Actor,
      q: {
        limit: number;
        cursor?: string | undefined;
        serviceId?: string | undefined;
        status?: AlertStatus[] | undefined;
        incidentId?: string | undefined;
      },
    ) {
      authorize(actor, 'read');
      const serviceId = q.serviceId ? (await services.load(q.serviceId)).id : undefined;
      const incidentId = q.incidentId ? (await incidents.get(actor, q.incidentId)).id : undefined;
      const rows = await listAlerts(db, {
        limit: q.limit + 1,
        before: q.cursor,
        serviceId,
        status: q.status,
        incidentId,
      });
      const data = rows.slice(0, q.limit);
      return { data, nextCursor: rows.length > q.limit ? (data.at(-1)?.id ?? null) : null };
    },

    /** The service's open alerts among these dedup keys, for Vigil's own sources deciding whether a resolve is due. */
    open: (serviceId: string, dedupKeys: string[]) => findOpenAlerts(db, serviceId, dedupKeys),

    /** Alerts an operator's reference names: the alert with that id, or those with that dedup key (open ones first). */
    async lookup(actor: Actor, ref: string) {
      authorize(actor, 'read');
      const alert = await findAlert(db, ref);
      return alert ? [alert] : findAlertsByDedupKey(db, ref);
    },

    /** One alert with its newest 100 events and the total count. */
    async get(actor: Actor, id: string) {
      authorize(actor, 'read');
      const alert = await findAlert(db, id);
      if (!alert) throw notFound('alert', id);
      const { events, total } = await recentAlertEvents(db, alert.id, 100);
      return { alert, events, totalEvents: total };
    },
  };
}

export type AlertsService = ReturnType<typeof createAlertsService>;
