// Wires the features together over one database and clock. main.ts and the tests both start here.
import { createAlertsService, createIngestService } from './alerts/index.js';
import { createAuditService } from './audit/index.js';
import { createSessionsService, createTokensService, type SessionsService } from './credentials/index.js';
import { createVerifyService, type VerifyService } from './verify/index.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Database, Db } from './db/database.js';
import { createErrorsService, errorTracking, type ErrorsService } from './error-tracking/index.js';
import { createEscalationService, createPoliciesService, type PoliciesService } from './escalation/index.js';
import {
  createDatabasesService,
  createDiagnostics,
  createFunctionsService,
  databaseScalability,
  productionMonitoring,
  type DatabasesService,
  type Diagnostics,
  type FunctionsService,
} from './runbook/index.js';
import { createIncidentsService } from './incidents/index.js';
import { createMonitorsService, monitorStats, type MonitorsService } from './monitors/index.js';
import { createPerformanceService, type PerformanceService } from './performance/index.js';
import { createChannels, createDispatcher, createNotifyService, type Channels } from './notify/index.js';
import { createSchedulesService } from './schedules/index.js';
import { createServicesService } from './services/index.js';
import { openEventChannel } from './db/event-channel.js';
import { createStreamService, type StreamService } from './stream/index.js';
import { createTeamsService } from './teams/index.js';
import { createUsersService } from './users/index.js';

export interface App {
  config: Config;
  clock: Clock;
  database: Database;
  users: ReturnType<typeof createUsersService>;
  tokens: ReturnType<typeof createTokensService>;
  /** Passwords, sign-in and browser sessions. */
  sessions: SessionsService;
  services: ReturnType<typeof createServicesService>;
  incidents: ReturnType<typeof createIncidentsService>;
  alerts: ReturnType<typeof createAlertsService>;
  ingest: ReturnType<typeof createIngestService>;
  audit: ReturnType<typeof createAuditService>;
  schedules: ReturnType<typeof createSchedulesService>;
  teams: ReturnType<typeof createTeamsService>;
  policies: PoliciesService;
  escalation: ReturnType<typeof createEscalationService>;
  notify: ReturnType<typeof createNotifyService>;
  dispatcher: ReturnType<typeof createDispatcher>;
  /** The runbook's functions (POST /functions/v1/{function}). */
  functions: FunctionsService;
  /** The automatic diagnostics of new P0/P1 incidents (swept by the engine). */
  diagnostics: Diagnostics;
  /** PostgreSQL databases registered for database-scalability. */
  databases: DatabasesService;
  /** Error tracking: Sentry-compatible ingest, error groups, their alerts. */
  errors: ErrorsService;
  /** JWT checks for POST /verify against the configured issuer. */
  verifier: VerifyService;
  /** HTTP, TCP, PostgreSQL, auth and heartbeat monitors; their checks run in the engine's monitor loop. */
  monitors: MonitorsService;
  /** Response times against their baseline: the performance report and degradation alerts. */
  performance: PerformanceService;
  /** Live updates of incidents (GET /api/v1/stream), across instances through the database's event channel. */
  stream: StreamService;
}

/** `channels` replaces the delivery channels the config describes (tests hand in their own). */
export function createServices(config: Config, database: Database, clock: Clock, channels?: Channels): App {
  const { db } = database;
  const users = createUsersService({ db, clock });
  const tokens = createTokensService({ db, clock, users });
  // Services and teams name policies, and policies target teams: the policy lookup is bound late.
  const late: { policies?: PoliciesService } = {};
  const policyId = async (ref: string, q: Db) => (await (late.policies as PoliciesService).load(ref, q)).id;
  const services = createServicesService({ db, clock, policyId });
  const schedules = createSchedulesService({ db, clock, users });
  const teams = createTeamsService({ db, clock, users, policyId });
  const policies = createPoliciesService({
    db,
    clock,
    resolveTarget: async (q, target) => {
      if (target.type === 'user') return (await users.find(target.id, q))?.id;
      const found = target.type === 'schedule' ? schedules.load(target.id, q) : teams.load(target.id, q);
      return found.then(
        (x) => x.id,
        () => undefined,
      );
    },
  });
  const incidents = createIncidentsService({ db, clock, responseTargets: config.responseTargets, users, services });
  const alerts = createAlertsService({ db, services, incidents });
  const stream = createStreamService({
    channel: openEventChannel(database),
    load: (ids) => incidents.within(db).loadMany(ids),
  });
  incidents.onCommitted((entries) => void stream.committed(entries));
  const ingest = createIngestService({ db, clock, services, incidents, options: config.ingest });
  late.policies = policies;
  const audit = createAuditService({ db });
  const escalation = createEscalationService({ db, clock, incidents, services, policies, schedules, teams, users });
  const notify = createNotifyService({
    db,
    clock,
    users,
    incidents,
    publicUrl: config.notify.publicUrl,
    outboundAllow: config.notify.outboundAllow,
  });
  escalation.onPages((trx, pages) => notify.enqueuePages(trx, pages));
  const dispatcher = createDispatcher({
    db,
    clock,
    channels: channels ?? createChannels(config.notify, clock),
    incidents,
    users,
    ...(config.notify.pageIntervalMs !== undefined && { options: { pageIntervalMs: config.notify.pageIntervalMs } }),
  });
  const errors = createErrorsService({
    db,
    clock,
    services,
    ingest,
    publicUrl: config.notify.publicUrl,
    options: config.ingest,
  });
  const sessions = createSessionsService({ db, clock, users, tokens });
  const app: App = {
    config,
    clock,
    database,
    users,
    tokens,
    sessions,
    services,
    incidents,
    alerts,
    ingest,
    audit,
    schedules,
    teams,
    policies,
    escalation,
    notify,
    dispatcher,
    functions: undefined as unknown as FunctionsService,
    diagnostics: undefined as unknown as Diagnostics,
    errors,
    databases: createDatabasesService({ db, clock, secretKey: config.secretKey }),
    verifier: createVerifyService({ jwt: config.jwt, outboundAllow: config.notify.outboundAllow, clock }),
    monitors: createMonitorsService({
      db,
      clock,
      services,
      ingest,
      outboundAllow: config.notify.outboundAllow,
      secretKey: config.secretKey,
    }),
    performance: undefined as unknown as PerformanceService,
    stream,
  };
  app.performance = createPerformanceService({
    clock,
    ingest,
    services: () => services.all(),
    monitors: () => app.monitors.all(),
    stats: (q) => monitorStats(db, q),
    isOpen: async (serviceId, dedupKey) => (await alerts.open(serviceId, [dedupKey])).length > 0,
  });
  // The functions read across every feature, so they are built over the app itself.
  app.functions = createFunctionsService({
    db,
    clock,
    functions: {
      'production-monitoring': productionMonitoring(app),
      'database-scalability': databaseScalability(app, app.databases),
      'error-tracking': errorTracking({ db, clock, services }),
    },
  });
  app.diagnostics = createDiagnostics({ db, clock, functions: app.functions, incidents });
  return app;
}
