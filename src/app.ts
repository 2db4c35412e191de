// The composition root. Every part of Vigil is made here, in the order its dependencies allow, each
// from a factory that names what it needs; then, in one place, who reacts to what (the bus
// subscriptions) and the engine's sweeps in the order they run. Features never import this file:
// serve.ts and the tests start here, and http/ and the engine get the parts it made.
import {
  createDefinitionsService,
  createHttpLane,
  createInvocationsService,
  createSignals,
  type ActionEvents,
} from './actions/index.js';
import { createAlertsService, createIngestService } from './alerts/index.js';
import { createAuditService } from './audit/index.js';
import { createBus } from './bus.js';
import { createChecklistsService } from './checklists/index.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import { createSessionsService, createTokensService } from './credentials/index.js';
import type { Database, Db } from './db/database.js';
import { openEventChannel } from './db/event-channel.js';
import { createEngine, type Sweep } from './engine/index.js';
import { createErrorsService, errorAnalytics } from './error-tracking/index.js';
import {
  BREACH_SUBJECT,
  createBreachesService,
  createConsentsService,
  createPurposesService,
  createReminderSweep,
  createReportService,
  createRequestsService,
  gdprCompliance,
  REQUEST_SUBJECT,
} from './gdpr/index.js';
import {
  createEscalationService,
  createPoliciesService,
  loadPolicy,
  type EscalationEvents,
} from './escalation/index.js';
import { createFollowUpsService } from './follow-ups/index.js';
import { createAnalyticsService } from './analytics/index.js';
import { createIncidentsService, type IncidentEvents } from './incidents/index.js';
import { createMonitorsService, ENHANCED_FOR_MS, monitorStats } from './monitors/index.js';
import {
  createChannels,
  createDispatcher,
  createNotifyService,
  type Channels,
  type DeliveryEvents,
} from './notify/index.js';
import { createPerformanceService } from './performance/index.js';
import { createPostmortemsService, postmortemMeetingAt, type PostmortemEvents } from './postmortems/index.js';
import {
  createDatabasesService,
  createDiagnostics,
  createFunctionsService,
  databaseScalability,
  productionMonitoring,
} from './runbook/index.js';
import { createSchedulesService } from './schedules/index.js';
import { createServicesService, type ServiceEvents } from './services/index.js';
import {
  createMaintenancesService,
  createStatusService,
  createStatusSnapshot,
  createSubscribersService,
  type MaintenanceEvents,
  type StatusEvents,
} from './status/index.js';
import { createStreamService } from './stream/index.js';
import { createTeamsService } from './teams/index.js';
import { createUsersService } from './users/index.js';
import { createVerifyService } from './verify/index.js';

/** Everything the features publish on the bus. */
export interface Events
  extends
    IncidentEvents,
    EscalationEvents,
    ServiceEvents,
    DeliveryEvents,
    PostmortemEvents,
    StatusEvents,
    MaintenanceEvents,
    ActionEvents {}

/** Vigil's parts over one database and clock, wired. */
export type App = ReturnType<typeof createApp>;

/** `channels` replaces the delivery channels the config describes (tests hand in their own). */
export function createApp(config: Config, database: Database, clock: Clock, channels?: Channels) {
  const { db } = database;
  const bus = createBus<Events>();
  const { publish } = bus;
  const { publicUrl, outboundAllow } = config.notify;

  // People, and what they sign in with.
  const audit = createAuditService({ db });
  const users = createUsersService({ db, clock });
  const tokens = createTokensService({ db, clock, users });
  const sessions = createSessionsService({ db, clock, users, tokens });

  // On-call: schedules, teams, services, and the escalation policies they name.
  const policyId = async (ref: string, q: Db) => (await loadPolicy(q, ref)).id;
  const schedules = createSchedulesService({ db, clock, users });
  const teams = createTeamsService({ db, clock, users, policyId });
  const services = createServicesService({ db, clock, policyId, publish });
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

  // Incidents, the alerts that open them, and their escalation.
  const incidents = createIncidentsService({
    db,
    clock,
    responseTargets: config.responseTargets,
    users,
    services,
    publish,
  });
  const alerts = createAlertsService({ db, services, incidents });
  const ingest = createIngestService({ db, clock, services, incidents, options: config.ingest });
  const escalation = createEscalationService({
    db,
    clock,
    incidents,
    services,
    policies,
    schedules,
    teams,
    users,
    publish,
  });

  // Telling people: pages and runbook notifications into the outbox, its delivery, live updates.
  const notify = createNotifyService({
    db,
    clock,
    users,
    incidents,
    publicUrl,
    outboundAllow,
    postMortemAt: postmortemMeetingAt,
  });
  const dispatcher = createDispatcher({
    db,
    clock,
    channels: channels ?? createChannels(config.notify, clock),
    incidents,
    users,
    publish,
    options: {
      ...(config.notify.pageIntervalMs !== undefined && { pageIntervalMs: config.notify.pageIntervalMs }),
      ...(config.notify.clockToleranceMs !== undefined && { clockToleranceMs: config.notify.clockToleranceMs }),
    },
  });
  const stream = createStreamService({
    channel: openEventChannel(database),
    load: (ids) => incidents.within(db).loadMany(ids),
  });

  // Watching: monitors, error tracking, response times, token verification.
  const monitors = createMonitorsService({ db, clock, services, ingest, outboundAllow, secretKey: config.secretKey });
  const errorTracking = createErrorsService({ db, clock, services, ingest, publicUrl, options: config.ingest });
  const performance = createPerformanceService({
    clock,
    ingest,
    services: () => services.all(),
    monitors: () => monitors.all(),
    stats: (q) => monitorStats(db, q),
    isOpen: async (serviceId, dedupKey) => (await alerts.open(serviceId, [dedupKey])).length > 0,
  });
  const verifier = createVerifyService({ jwt: config.jwt, outboundAllow, clock });

  // GDPR: records of processing and the consent ledger, the breach register with its 72-hour clock,
  // data-subject requests; the clock's reminders are swept by subject type.
  const purposes = createPurposesService({ db, clock });
  const consents = createConsentsService({ db, clock, secretKey: config.secretKey });
  const tell = { topic: notify.toTopic, admins: notify.toAdmins };
  const breaches = createBreachesService({ db, clock, incidents, tell, publicUrl });
  const gdprRequests = createRequestsService({
    db,
    clock,
    tellTopic: tell.topic,
    eraseSubject: async (trx, subjectId, actor, at) => void (await consents.eraseSubject(trx, subjectId, actor, at)),
    publicUrl,
  });
  const gdprReport = createReportService({ db, clock, purposes, consents, breaches });
  const gdprClock = createReminderSweep({
    db,
    clock,
    handlers: { [BREACH_SUBJECT]: breaches.remind, [REQUEST_SUBJECT]: gdprRequests.remind },
  });

  // Follow-ups: the action items after an incident; their owners' reminders are rows the engine sweeps.
  const followUps = createFollowUpsService({ db, clock, incidents, users, tellUser: notify.toUser, publicUrl });
  // Post-mortems: drafted when an incident resolves; their owners' reminders are rows the engine sweeps.
  const postmortems = createPostmortemsService({
    db,
    clock,
    incidents,
    users,
    services,
    followUps,
    tellUser: notify.toUser,
    publish,
    autoSeverities: config.postmortemSeverities,
    publicUrl,
  });

  // Runbooks and each incident's checklist, fixed when it opens; steps complete themselves on the events
  // wired below (postmortem.meeting_scheduled among them).
  const checklists = createChecklistsService({ db, clock, incidents, services, enhancedForMs: ENHANCED_FOR_MS });

  // Response analytics over incidents, pages and follow-ups (read-only).
  const analytics = createAnalyticsService({ db, clock, responseTargets: config.responseTargets, services, teams });

  // The public status page: components following their services, what responders publish, scheduled
  // maintenance, subscribers; served from an in-memory snapshot rebuilt when something public changes.
  // Without VIGIL_PUBLIC_URL, links point at the address served (a port picked at listen time is not known here).
  const serverUrl = publicUrl ?? (config.port ? `http://${config.host}:${config.port}` : '');
  const statusPageUrl = `${serverUrl.replace(/\/+$/, '')}${config.statusPage.prefix}`;
  const status = createStatusService({
    db,
    clock,
    incidents,
    services,
    monitorIds: async () => (await monitors.all()).map((m) => m.id),
    notify,
    publish,
  });
  const maintenances = createMaintenancesService({ db, clock, services, settingsIn: status.settingsIn, publish });
  const subscribers = createSubscribersService({
    db,
    clock,
    notify,
    settingsIn: status.settingsIn,
    pageUrl: statusPageUrl,
    outboundAllow,
  });
  const statusSnapshot = createStatusSnapshot({
    clock,
    build: () => status.publicModel(db, clock.now(), statusPageUrl),
    prefix: config.statusPage.prefix,
    subscribe: true,
  });

  // Mitigation actions: definitions and runners, invocations on incidents (approved by a second person where
  // the severity calls for it), run by a `vigil runner` (commands) or by this instance's HTTP lane.
  const actionSignals = createSignals();
  const actionDefinitions = createDefinitionsService({
    db,
    clock,
    services,
    secretKey: config.secretKey,
    outboundAllow,
  });
  const actions = createInvocationsService({
    db,
    clock,
    incidents,
    services,
    definitions: actionDefinitions,
    signals: actionSignals,
    publish,
  });
  const httpLane = createHttpLane({
    invocations: actions,
    signals: actionSignals,
    secretKey: config.secretKey,
    outboundAllow,
  });

  // The runbook's functions (POST /functions/v1/{function}), and the diagnostics that run them for
  // new P0/P1 incidents.
  const databases = createDatabasesService({ db, clock, secretKey: config.secretKey });
  const runbook = createFunctionsService({
    db,
    clock,
    functions: {
      'production-monitoring': productionMonitoring({
        clock,
        database,
        alerts,
        incidents,
        users,
        services,
        monitors,
        performance,
        ingest,
        escalation,
        delivery: dispatcher,
      }),
      'database-scalability': databaseScalability({ database, databases }),
      'error-tracking': errorAnalytics({ db, clock, services }),
      'gdpr-compliance': gdprCompliance({ consents, report: gdprReport }),
    },
  });
  const diagnostics = createDiagnostics({ db, clock, functions: runbook, incidents });

  // The engine's sweeps, in the order they run each tick; the outbox is delivered in a lane of its own.
  const always = () => true;
  const sweeps: Sweep[] = [
    {
      name: 'escalations',
      due: always,
      run: () => escalation.sweep(),
      moved: 'escalations moved on',
      delivers: true,
      nextDue: () => escalation.nextDue(),
    },
    { name: 'response-targets', due: always, run: () => incidents.recordBreaches(), moved: 'response targets missed' },
    {
      name: 'diagnostics',
      due: diagnostics.due,
      run: () => diagnostics.sweep(),
      moved: 'new P0/P1 incidents diagnosed',
    },
    {
      name: 'performance',
      due: performance.due,
      run: () => performance.sweep(),
      moved: 'performance degradation alerts raised or resolved',
    },
    {
      name: 'error-spikes',
      due: errorTracking.due,
      run: () => errorTracking.sweep(),
      moved: 'error spikes closed or their alerts retried',
    },
    {
      name: 'update-reminders',
      due: always,
      run: () => notify.remindOverdueUpdates(),
      moved: 'status updates overdue',
      delivers: true,
    },
    {
      name: 'gdpr-clock',
      due: always,
      run: () => gdprClock.run(),
      moved: 'GDPR reminders sent',
      delivers: true,
      nextDue: () => gdprClock.nextDue(),
    },
    {
      name: 'follow-up-reminders',
      due: always,
      run: () => followUps.sweepReminders(),
      moved: 'follow-up reminders sent',
      delivers: true,
      nextDue: () => followUps.nextReminderAt(),
    },
    {
      name: 'checklist-windows',
      due: always,
      run: () => checklists.sweepWindows(),
      moved: 'checklist steps completed at the end of enhanced monitoring',
    },
    {
      name: 'postmortem-reminders',
      due: always,
      run: () => postmortems.sweepReminders(),
      moved: 'post-mortem reminders sent',
      delivers: true,
      nextDue: () => postmortems.nextReminderAt(),
    },
    {
      name: 'status-maintenance',
      due: always,
      run: () => maintenances.sweep(),
      moved: 'scheduled maintenances moved on',
      delivers: true,
    },
    {
      name: 'status-auto-publish',
      due: always,
      run: () => status.sweepAutoPublish(),
      moved: 'unanswered P0 incidents published on the status page',
      delivers: true,
    },
    {
      // Approval requests nobody answered, holders that stopped renewing their lease; HTTP work queued elsewhere.
      name: 'actions',
      due: always,
      run: async () => (await actions.sweep()) + (await httpLane.drain()),
      moved: 'action invocations moved on (expired approvals, lost runners, HTTP actions started)',
      nextDue: () => actions.nextDueAt(),
    },
    {
      // What other instances changed, and what time alone changes (a window starting, a new day's bar).
      name: 'status-snapshot',
      due: (now) => statusSnapshot.staleAt(now, 5_000),
      run: async () => {
        await statusSnapshot.refresh();
        return 0;
      },
      moved: 'status page rebuilt',
    },
  ];
  const engine = createEngine({ clock, sweeps, deliver: () => dispatcher.sweep(), loops: [monitors.runner] });

  // Who reacts to what. Inside the transaction of the change, in this order, so what a reaction
  // writes commits or rolls back with it:
  bus.on('incident.opened', 'its escalation starts', (e) => escalation.start(e.trx, e.incidents, e.at));
  bus.on('incident.opened', 'its checklist is fixed from the runbook that applies', (e) =>
    checklists.incidentsOpened(e.trx, e.incidents, e.at),
  );
  bus.on('incident.opened', 'its first status update falls due; P0/P1 stakeholders are told', (e) =>
    notify.opened(e.trx, e.incidents, e.at),
  );
  bus.on('incident.opened', 'a gdpr_violation, security_breach or data_loss incident opens a breach', (e) =>
    breaches.incidentsOpened(e.trx, e.incidents, e.categories, e.at),
  );
  bus.on('incident.alerts_joined', 'a gdpr_violation, … alert joining an incident with no breach opens one', (e) =>
    breaches.alertsJoined(e.trx, e.categories, e.at),
  );
  bus.on('incident.acknowledged', 'its escalation stops if the policy says so', (e) =>
    escalation.stopIf(e.trx, e.incidentId, 'acknowledged', e.at),
  );
  bus.on(
    'incident.acknowledged',
    'checklist steps waiting for the acknowledge complete',
    async (e) => void (await checklists.completeOn(e.trx, e.incidentId, 'incident.acknowledged', e.at)),
  );
  bus.on(
    'incident.phase_changed',
    'checklist steps waiting for this phase (or an earlier one) complete',
    async (e) => void (await checklists.phaseReached(e.trx, e.incidentId, e.phase, e.at)),
  );
  bus.on('incident.resolving', "its open alerts resolve with it (under its service's ingest lock)", (e) =>
    alerts.resolveWithIncident(e.trx, e.incident, e.actor, e.at),
  );
  bus.on('incident.resolved', 'its escalation stops', (e) => escalation.stopIf(e.trx, e.incidentId, 'resolved', e.at));
  bus.on('incident.resolved', 'update reminders end; stakeholders get the resolution notification', (e) =>
    notify.changed(e.trx, e.incidentId, 'resolved', e.at),
  );
  bus.on('incident.resolved', 'checklist steps waiting for the resolve complete; the monitoring window starts', (e) =>
    checklists.incidentResolved(e.trx, e.incidentId, e.at),
  );
  bus.on('incident.resolved', 'a P0/P1 incident (VIGIL_POSTMORTEM_SEVERITIES) gets its post-mortem', (e) =>
    postmortems.incidentResolved(e.trx, e.incidentId, e.at),
  );
  bus.on('incident.reopened', 'its escalation starts again as a new run', (e) =>
    escalation.restart(e.trx, e.incidentId, e.at),
  );
  bus.on('incident.reopened', 'status updates fall due again', (e) =>
    notify.changed(e.trx, e.incidentId, 'reopened', e.at),
  );
  bus.on('incident.reopened', "the checklist's enhanced-monitoring window stops", (e) =>
    checklists.incidentReopened(e.trx, e.incidentId),
  );
  bus.on(
    'postmortem.meeting_scheduled',
    'the checklist step "Schedule post-mortem meeting" completes',
    async (e) => void (await checklists.completeOn(e.trx, e.incidentId, 'postmortem.meeting_scheduled', e.at)),
  );
  bus.on('incident.severity_changed', 'its escalation follows the policy of the new severity', (e) =>
    escalation.followSeverity(e.trx, e.incidentId, e.at),
  );
  bus.on('incident.severity_changed', 'the status update cadence follows the new severity', (e) =>
    notify.changed(e.trx, e.incidentId, 'severity_changed', e.at),
  );
  bus.on('escalation.paged', "each page becomes outbox messages by the person's rules", (e) =>
    notify.enqueuePages(e.trx, e.pages),
  );
  bus.on('notification.delivered', 'a delivered resolution notification completes its checklist steps', async (e) => {
    for (const n of e.notifications)
      if (n.kind === 'resolution' && n.incidentId)
        await checklists.completeOn(e.trx, n.incidentId, 'notification.resolution_delivered', e.at);
  });
  bus.on('incident.resolved', 'its published incident on the status page resolves too', (e) =>
    status.incidentResolved(e.trx, e.incidentId, e.at),
  );
  bus.on(
    'status.update_published',
    "the update's subscribers are told through the outbox",
    async (e) => void (await subscribers.updatePublished(e.trx, e.incident, e.update, e.at)),
  );
  bus.on(
    'status.maintenance_changed',
    'subscribers hear of maintenance announced, started, completed',
    async (e) => void (await subscribers.maintenanceChanged(e.trx, e.maintenance, e.at)),
  );
  bus.on(
    'action.succeeded',
    'checklist steps that run the action complete',
    async (e) => void (await checklists.actionSucceeded(e.trx, e.incidentId, e.name, e.at)),
  );
  // After the commit:
  bus.on('incident.entries_committed', 'live updates go out on /api/v1/stream', (e) => stream.committed(e.entries));
  bus.on('escalation.due', 'the engine sweeps now instead of at its next tick', () => engine.wake());
  bus.on('service.changed', 'ingestion forgets its cached rate limit', (e) => ingest.forgetService(e.serviceId));
  bus.on('incident.entries_committed', 'the status page is rebuilt (components follow open incidents)', () =>
    statusSnapshot.changed(),
  );
  bus.on('status.changed', 'the status page is rebuilt', () => statusSnapshot.changed());

  return {
    config,
    clock,
    database,
    audit,
    users,
    tokens,
    /** Passwords, sign-in and browser sessions. */
    sessions,
    schedules,
    teams,
    services,
    policies,
    incidents,
    alerts,
    ingest,
    escalation,
    notify,
    dispatcher,
    /** Live updates of incidents (GET /api/v1/stream), across instances through the database's event channel. */
    stream,
    /** HTTP, TCP, PostgreSQL, auth and heartbeat monitors; their checks run in the engine's monitor loop. */
    monitors,
    /** Error tracking: Sentry-compatible ingest, error groups, their alerts. */
    errorTracking,
    /** Response times against their baseline: the performance report and degradation alerts. */
    performance,
    /** JWT checks for POST /verify against the configured issuer. */
    verifier,
    /** PostgreSQL databases registered for database-scalability. */
    databases,
    /** Purposes of processing (Art. 30 records) and their policy versions. */
    purposes,
    /** The append-only, hash-chained consent ledger. */
    consents,
    /** The breach register (Art. 33/34) with its 72-hour clock. */
    breaches,
    /** Data-subject requests (Arts. 15–21) and their Art. 12(3) deadlines. */
    gdprRequests,
    /** The compliance report (and its documents) and the counts-only GDPR overview. */
    gdprReport,
    /** The GDPR clock: due reminders of breaches and requests, swept as 'gdpr-clock'. */
    gdprClock,
    /** Follow-ups of incidents and their owners' reminders (swept as 'follow-up-reminders'). */
    followUps,
    /** Runbooks and incidents' checklists (enhanced-monitoring windows swept as 'checklist-windows'). */
    checklists,
    /** Post-mortems of incidents, their share links and owners' reminders (swept as 'postmortem-reminders'). */
    postmortems,
    /** Response analytics: MTTA, MTTR, breaches, escalations, pages, interruptions, follow-ups. */
    analytics,
    /** The status page: settings, components, published updates (swept as 'status-auto-publish'). */
    status,
    /** Scheduled maintenance on the status page (swept as 'status-maintenance'). */
    maintenances,
    /** Status-page subscribers: double opt-in, unsubscribe links, the fan-out of updates. */
    subscribers,
    /** The public status page's absolute URL (VIGIL_PUBLIC_URL, else this server, + VIGIL_STATUS_PREFIX). */
    statusPageUrl,
    /** The public page's documents in memory, rebuilt on change (swept as 'status-snapshot'). */
    statusSnapshot,
    /** Mitigation action definitions and runners. */
    actionDefinitions,
    /** Invocations of mitigation actions and the runner protocol (swept as 'actions'). */
    actions,
    /** This instance's runner of HTTP actions. */
    httpLane,
    /** In-process wake-ups of runners' long polls and output streams. */
    actionSignals,
    /** The runbook's functions (POST /functions/v1/{function}). */
    runbook,
    /** The automatic diagnostics of new P0/P1 incidents (swept by the engine). */
    diagnostics,
    /** Runs the sweeps and the outbox's delivery once started (serve.ts starts it; tests drive it). */
    engine,
    /** Every reaction wired above, in order, as "event: reaction". */
    reactions: () => bus.reactions(),
  };
}
