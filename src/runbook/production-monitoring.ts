// production-monitoring: the runbook's Phase 1 acknowledgement, Phase 2 health check and performance report.
import { z } from 'zod';
import type { Actor } from '../access/index.js';
import type { AlertsService, IngestService } from '../alerts/index.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import { databaseHealth } from '../db/diagnostics.js';
import { AppError } from '../errors.js';
import type { EscalationService } from '../escalation/index.js';
import type { Incident } from '../incident.js';
import { incidentJson, type IncidentsService } from '../incidents/index.js';
import type { MonitorsService } from '../monitors/index.js';
import type { Dispatcher } from '../notify/index.js';
import type { PerformanceService } from '../performance/index.js';
import type { ServicesService } from '../services/index.js';
import type { UsersService } from '../users/index.js';
import { TIME_WINDOWS, timeWindow, type RunbookFunction } from './functions.service.js';

/** What production-monitoring reads and does, each through the feature that owns it. */
export interface ProductionMonitoringDeps {
  clock: Clock;
  database: Database;
  alerts: Pick<AlertsService, 'lookup'>;
  incidents: Pick<IncidentsService, 'get' | 'acknowledge' | 'openCounts'>;
  users: Pick<UsersService, 'identify'>;
  services: Pick<ServicesService, 'list' | 'activeMaintenance'>;
  monitors: Pick<MonitorsService, 'all'>;
  performance: Pick<PerformanceService, 'report'>;
  ingest: Pick<IngestService, 'backlog'>;
  escalation: Pick<EscalationService, 'overdue'>;
  delivery: Pick<Dispatcher, 'backlog'>;
}

/** Escalations overdue by more than this, or deliveries waiting longer, make Vigil itself degraded. */
const ENGINE_LAG_DEGRADED_S = 60;
const OUTBOX_AGE_DEGRADED_S = 300;

type Status = 'healthy' | 'degraded' | 'down';

export function productionMonitoring(deps: ProductionMonitoringDeps): RunbookFunction {
  const { clock, database: vigilDb, alerts, incidents, users, services, monitors, performance } = deps;
  const { db } = vigilDb;

  /** The incident an operator's reference names: an alert id or dedup key, or an incident id or number. */
  async function incidentFor(actor: Actor, ref: string): Promise<Incident> {
    const found = await alerts.lookup(actor, ref);
    if (found.length > 0) {
      const open = found.filter((a) => a.status !== 'resolved');
      const candidates = open.length > 0 ? open : found.slice(0, 1);
      const incidentIds = [...new Set(candidates.map((a) => a.incidentId).filter((id): id is string => id !== null))];
      if (incidentIds.length > 1)
        throw new AppError(
          'function.invalid',
          `alert_id: the dedup key ${JSON.stringify(ref)} is open on ${incidentIds.length} incidents; ` +
            'give an alert id or an incident number',
          { field: 'alert_id', incidents: incidentIds },
        );
      const [incidentId] = incidentIds;
      if (!incidentId)
        throw new AppError(
          'alert.conflict',
          `alert ${candidates[0]?.id} opened no incident (info alerts are only recorded), ` +
            'so there is nothing to acknowledge',
          { alert_id: candidates[0]?.id },
        );
      return incidents.get(actor, incidentId);
    }
    return incidents.get(actor, ref).catch((error: unknown) => {
      if (error instanceof AppError && error.kind === 'not_found')
        throw new AppError(
          'alert.not_found',
          `alert_id: no alert has the id or dedup key ${JSON.stringify(ref)}, and no incident has that id or number`,
          { field: 'alert_id', alert_id: ref },
        );
      throw error;
    });
  }

  return {
    acknowledge_alert: {
      summary: 'Acknowledge an alert (id or dedup key) or incident (id or number) as the engineer named',
      permission: 'incident.write',
      params: z.object({ alert_id: z.string().trim().min(1).max(255), engineer: z.string().trim().min(1).max(200) }),
      async run(actor, params) {
        const { alert_id: ref, engineer } = params as { alert_id: string; engineer: string };
        const person = await users.identify(engineer).catch((error: unknown) => {
          if (error instanceof AppError)
            throw new AppError(
              error.code === 'user.not_found' ? 'engineer.not_found' : 'function.invalid',
              `engineer: ${error.message}`,
              { field: 'engineer', ...(error.details as object) },
            );
          throw error;
        });
        if (person.deactivatedAt)
          throw new AppError('function.invalid', `engineer: ${person.handle} is deactivated`, { field: 'engineer' });
        const incident = await incidentFor(actor, ref);
        // On the timeline as the engineer; the caller's token and request stay on the audit row and in the
        // function log.
        const as: Actor = { ...actor, type: 'user', id: person.id, name: person.handle };
        const acknowledged = await incidents.acknowledge(as, incident.id);
        return {
          acknowledged: true,
          alert_id: ref,
          engineer: { id: person.id, handle: person.handle, name: person.name },
          incident: incidentJson(acknowledged, clock.now()),
        };
      },
    },

    health_check: {
      summary: 'Every service with its state, and Vigil’s own health (database, escalation engine, outbox)',
      permission: 'read',
      params: z.object({}),
      async run(actor) {
        const now = clock.now();
        const database = await databaseHealth(vigilDb);
        const openBy = new Map<string, Record<string, number>>();
        for (const r of await incidents.openCounts())
          openBy.set(r.serviceId ?? '', { ...openBy.get(r.serviceId ?? ''), [r.severity]: r.count });
        const monitorList = await monitors.all();
        const nameOf = new Map<string, string>();
        const rows = [];
        for (let cursor: string | undefined, more = true; more;) {
          const page = await services.list(actor, { limit: 100, cursor });
          for (const s of page.data) {
            const counts = openBy.get(s.id) ?? {};
            const maintenance = await services.activeMaintenance(db, s.id, now);
            nameOf.set(s.id, s.name);
            const own = monitorList.filter((m) => m.serviceId === s.id);
            const monitorDown = own.some((m) => m.state === 'down' && !m.paused);
            const lastCheck = own.reduce<Date | null>(
              (a, m) => (m.lastCheckAt && (!a || m.lastCheckAt > a) ? m.lastCheckAt : a),
              null,
            );
            const status = maintenance
              ? 'maintenance'
              : counts.P0
                ? 'down'
                : counts.P1 || counts.P2 || monitorDown
                  ? 'degraded'
                  : 'operational';
            rows.push({
              id: s.id,
              name: s.name,
              status,
              open_incidents: counts,
              maintenance_until: maintenance?.end.toISOString() ?? null,
              last_check: lastCheck?.toISOString() ?? null,
            });
          }
          cursor = page.nextCursor ?? undefined;
          more = page.nextCursor !== null;
        }
        const overdue = await deps.escalation.overdue(now);
        const outbox = await deps.delivery.backlog(now, new Date(now.getTime() - 86_400_000));
        const age = (at: Date | null) => (at ? Math.max(0, Math.round((now.getTime() - at.getTime()) / 1000)) : 0);
        const engineLag = age(overdue.oldest);
        const outboxAge = age(outbox.oldest);
        const problems: string[] = [];
        if (!database.reachable) problems.push('the database does not answer');
        if (engineLag > ENGINE_LAG_DEGRADED_S) problems.push(`escalations are ${engineLag} s overdue`);
        if (outboxAge > OUTBOX_AGE_DEGRADED_S)
          problems.push(`notifications have waited ${outboxAge} s to be delivered`);
        const down = rows.filter((s) => s.status === 'down').map((s) => s.name);
        const degraded = rows.filter((s) => s.status === 'degraded').map((s) => s.name);
        if (down.length) problems.push(`down (open P0): ${down.join(', ')}`);
        if (degraded.length) problems.push(`degraded (open P1/P2 or a monitor down): ${degraded.join(', ')}`);
        const status: Status =
          !database.reachable || down.length > 0 ? 'down' : problems.length > 0 ? 'degraded' : 'healthy';
        return {
          status,
          problems,
          services: rows,
          monitors: monitorList.map((m) => ({
            id: m.id,
            name: m.name,
            service_id: m.serviceId,
            service: nameOf.get(m.serviceId) ?? null,
            kind: m.kind,
            state: m.state,
            paused: m.paused,
            last_check: m.lastCheckAt?.toISOString() ?? null,
            last_latency_ms: m.lastLatencyMs,
            enhanced_until: m.enhancedUntil && m.enhancedUntil > now ? m.enhancedUntil.toISOString() : null,
          })),
          vigil: {
            database: { engine: database.engine, reachable: database.reachable, latency_ms: database.latency_ms },
            escalation_engine: { overdue_escalations: overdue.count, lag_seconds: engineLag },
            outbox: { due: outbox.due, oldest_due_seconds: outboxAge, dead_last_24h: outbox.dead },
            ingest_queue: deps.ingest.backlog(),
          },
        };
      },
    },

    performance_report: {
      summary:
        'Per service and monitor: checks, error rate, p50/p95/p99 response time and degradation ' +
        'against the same window over the previous 7 days',
      permission: 'read',
      params: z.object({ time_window: timeWindow.default('1h') }),
      run: (actor, params) =>
        performance
          .report(actor, TIME_WINDOWS[params.time_window as keyof typeof TIME_WINDOWS])
          .then((report) => ({ time_window: params.time_window, ...report })),
    },
  };
}
