// Reading alerts: lists with filters, one alert with its recent events, an incident's alerts; and
// resolving an incident's open alerts when the incident is resolved.
import { authorize, type Actor } from '../access/index.js';
import type { Db } from '../db/database.js';
import { lockKeys } from '../db/lease.js';
import { notFound } from '../errors.js';
import type { Incident } from '../incident.js';
import { newId } from '../ids.js';
import type { IncidentsService } from '../incidents/index.js';
import type { ServicesService } from '../services/index.js';
import {
  findAlert,
  findAlertsByDedupKey,
  findOpenAlerts,
  findOpenAlertsOfIncident,
  insertAlertEvents,
  listAlerts,
  recentAlertEvents,
  updateAlerts,
  type AlertStatus,
} from './alerts.repo.js';
import { ingestLockKey } from './ingest-batch.js';

/** How many alert ids one "alerts resolved" timeline entry lists (its count covers them all). */
const LISTED_ALERTS = 100;

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

    /**
     * Resolves the incident's open (triggered or acknowledged) alerts, in the transaction that is
     * resolving the incident, as PagerDuty does: the alerts are over with it, and a later trigger of
     * one of their dedup keys opens a new alert and a new incident that pages again. Writes a
     * "resolve" event on each alert and one `alerts_resolved` entry on the incident's timeline (none
     * when no alert was open, as when the incident resolved because its last alert did).
     *
     * Runs before the incident's row is updated, and first takes its service's ingest lock: an ingest
     * batch holds that lock, then writes alerts, then may update an incident (raise, acknowledge,
     * resolve); taking the lock before touching either keeps the same order, so the two never wait
     * for each other in a circle on PostgreSQL, and the alerts read here are the committed ones.
     */
    async resolveWithIncident(
      trx: Db,
      incident: Pick<Incident, 'id' | 'number' | 'serviceId'>,
      actor: Actor,
      at: Date,
    ): Promise<void> {
      if (incident.serviceId) await lockKeys(trx, [ingestLockKey(incident.serviceId)]);
      const open = await findOpenAlertsOfIncident(trx, incident.id);
      if (open.length === 0) return;
      await updateAlerts(
        trx,
        open.map((a) => ({ ...a, status: 'resolved' as const, resolvedAt: at })),
      );
      const reason = { reason: 'its incident was resolved', incident: incident.number, by: actor.name };
      await insertAlertEvents(
        trx,
        open.map((a) => ({ id: newId('aev', at), alertId: a.id, at, action: 'resolve', data: reason })),
      );
      const data = { count: open.length, alert_ids: open.slice(0, LISTED_ALERTS).map((a) => a.id) };
      await incidents.within(trx).record(incident, actor, 'alerts_resolved', data, at);
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
