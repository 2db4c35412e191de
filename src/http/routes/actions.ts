// /api/v1/actions/* and POST /api/v1/incidents/{id}/actions: mitigation actions (docs/actions.md). Admins
// write definitions and runners; responders and admins invoke, approve (never their own), reject and
// cancel; every role reads. The runner protocol is in routes/runner.ts.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ACTION_CATEGORIES,
  APPROVAL_POLICIES,
  HTTP_METHODS,
  INVOCATION_STATES,
  PARAM_TYPES,
  fullSpec,
  invocationTopic,
  type ActionDefinition,
  type ActionSpec,
  type DefinitionInput,
  type Invocation,
  type Json,
  type OutputChunk,
  type Runner,
} from '../../actions/index.js';
import type { App } from '../../app.js';
import type * as views from '../views/index.js';
import { page } from '../present.js';
import { description, idParams, limit, ref, text } from '../schemas.js';

const tags = ['actions'];
/** Runners seen this recently are online. */
const ONLINE_MS = 60_000;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route also takes the API token as `?access_token=` (EventSource cannot send headers). */
    tokenInQuery?: boolean;
  }
}

type SpecView = z.input<typeof views.ActionInvocation>['definition'];

function specView(d: ActionSpec): SpecView {
  const t = d.target;
  return {
    name: d.name,
    category: d.category,
    description: d.description,
    enabled: d.enabled,
    service_ids: d.serviceIds,
    params: d.params.map(fullSpec),
    target:
      t.kind === 'http'
        ? {
            kind: 'http',
            method: t.method,
            url: t.url,
            headers: t.headers,
            secret_headers: Object.keys(t.secretHeaders),
            body: t.body,
          }
        : { kind: 'runner', group: t.group, command: t.command },
    dry_run: d.dryRun,
    timeout_seconds: d.timeoutSeconds,
    approval: d.approval,
  };
}

export function definitionView(d: ActionDefinition): z.input<typeof views.ActionDefinition> {
  return { id: d.id, ...specView(d), created_at: d.createdAt.toISOString(), updated_at: d.updatedAt.toISOString() };
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function invocationView(i: Invocation): z.input<typeof views.ActionInvocation> {
  return {
    id: i.id,
    incident_id: i.incidentId,
    incident_number: i.incidentNumber,
    definition_id: i.definitionId,
    name: i.name,
    category: i.definition.category,
    definition: specView(i.definition),
    params: i.params,
    dry_run: i.dryRun,
    state: i.state,
    approval_required: i.approvalRequired,
    approval_expires_at: iso(i.approvalExpiresAt),
    invoked_by: i.invokedBy,
    decided_by: i.decidedBy,
    decided_at: iso(i.decidedAt),
    reason: i.reason,
    runner: i.holder && i.holderName ? { id: i.holder, name: i.holderName } : null,
    queued_at: iso(i.queuedAt),
    started_at: iso(i.startedAt),
    finished_at: iso(i.finishedAt),
    exit_code: i.exitCode,
    signal: i.signal,
    http_status: i.httpStatus,
    output_bytes: i.outputBytes,
    output_truncated: i.outputTruncated,
    maintenance_window_ids: i.maintenanceIds,
    created_at: i.createdAt.toISOString(),
    updated_at: i.updatedAt.toISOString(),
  };
}

export const chunkView = (c: OutputChunk): z.input<typeof views.ActionOutputChunk> => ({
  seq: c.seq,
  stream: c.stream,
  data: c.data,
  at: c.at.toISOString(),
});

export function runnerView(r: Runner, now: Date): z.input<typeof views.ActionRunner> {
  return {
    id: r.id,
    name: r.name,
    group: r.group,
    hint: r.hint,
    version: r.version,
    hostname: r.hostname,
    commands: r.commands,
    last_seen_at: iso(r.lastSeenAt),
    online: !r.revokedAt && r.lastSeenAt !== null && now.getTime() - r.lastSeenAt.getTime() < ONLINE_MS,
    created_at: r.createdAt.toISOString(),
    revoked_at: iso(r.revokedAt),
  };
}

// Bodies.

const paramValue = z.union([z.string().max(4096), z.number(), z.boolean()]);
const name = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'must be 1–64 characters of a-z, 0-9, ".", "_" or "-"')
  .describe('Unique; used by the CLI and runbook steps.');
const headerMap = z.record(z.string().max(100), z.string().max(4000)).refine((h) => Object.keys(h).length <= 30, {
  message: 'at most 30 headers',
});
const json: z.ZodType<unknown> = z.unknown();

const paramSpec = z.strictObject({
  name: z.string().max(64),
  type: z.enum(PARAM_TYPES),
  description: description.optional(),
  enum: z.array(z.string().min(1).max(200)).max(100).nullable().optional(),
  pattern: z.string().max(500).nullable().optional(),
  min: z.number().int().nullable().optional(),
  max: z.number().int().nullable().optional(),
  default: paramValue.nullable().optional(),
  required: z.boolean().default(false),
});

const target = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('http'),
    method: z.enum(HTTP_METHODS).default('POST'),
    url: z.string().min(1).max(2000),
    headers: headerMap.optional(),
    secret_headers: headerMap
      .optional()
      .describe('Stored sealed with VIGIL_SECRET_KEY and never shown again; omit on a change to keep them.'),
    body: json.optional().describe('JSON with {{…}} placeholders in its strings; null for none.'),
  }),
  z.strictObject({ kind: z.literal('runner'), group: z.string().max(64), command: z.string().max(64) }),
]);

const definitionFields = {
  name,
  category: z.enum(ACTION_CATEGORIES),
  description: description.optional(),
  enabled: z.boolean().optional().describe('Default true.'),
  service_ids: z.array(ref).max(100).optional().describe('Services (ids or names) it applies to; none: all.'),
  params: z.array(paramSpec).max(30).optional(),
  target,
  dry_run: z
    .strictObject({
      supported: z.boolean(),
      param: z.string().max(64).nullable().optional(),
      flag: z.string().min(1).max(100).nullable().optional(),
    })
    .optional(),
  timeout_seconds: z.number().int().min(1).max(3600).optional().describe('Default 300.'),
  approval: z.enum(APPROVAL_POLICIES).optional().describe('Default p0_p1 for restart, rollback, failover; else none.'),
};

type DefinitionBody = {
  [K in keyof typeof definitionFields]?: z.output<(typeof definitionFields)[K]>;
};

function definitionInput(b: DefinitionBody): Partial<DefinitionInput> {
  const t = b.target;
  return {
    ...(b.name !== undefined && { name: b.name }),
    ...(b.category !== undefined && { category: b.category }),
    ...(b.description !== undefined && { description: b.description }),
    ...(b.enabled !== undefined && { enabled: b.enabled }),
    ...(b.service_ids !== undefined && { serviceIds: b.service_ids }),
    ...(b.params !== undefined && { params: b.params }),
    ...(t !== undefined && {
      target:
        t.kind === 'http'
          ? {
              kind: 'http',
              method: t.method,
              url: t.url,
              headers: t.headers,
              secretHeaders: t.secret_headers,
              body: (t.body ?? null) as Json,
            }
          : t,
    }),
    ...(b.dry_run !== undefined && { dryRun: b.dry_run }),
    ...(b.timeout_seconds !== undefined && { timeoutSeconds: b.timeout_seconds }),
    ...(b.approval !== undefined && { approval: b.approval }),
  };
}

export function actionRoutes(server: FastifyInstance, app: App, options: { maxMs?: number } = {}): void {
  const r = server.withTypeProvider<ZodTypeProvider>();
  const defs = app.actionDefinitions;

  r.post(
    '/api/v1/actions/definitions',
    {
      schema: {
        tags,
        summary: 'Define a mitigation action (admins)',
        description:
          'An HTTP target is checked against the SSRF guard when saved (422) and again on every run; ' +
          'placeholders {{params.x}}, {{incident.number}}, {{service.name}} … are escaped by position.',
        body: z.strictObject(definitionFields),
      },
    },
    async (request, reply) => {
      const created = await defs.create(request.actor, definitionInput(request.body) as DefinitionInput);
      return reply.code(201).send(definitionView(created));
    },
  );

  r.get(
    '/api/v1/actions/definitions',
    {
      schema: {
        tags,
        summary: 'Mitigation actions by name (any role)',
        querystring: z.strictObject({
          service_id: ref.optional().describe('Only those applying to this service (named, or for every service).'),
          category: z.enum(ACTION_CATEGORIES).optional(),
        }),
      },
    },
    async (request) => {
      const list = await defs.list(request.actor, {
        service: request.query.service_id,
        category: request.query.category,
      });
      return { data: list.map(definitionView), next_cursor: null };
    },
  );

  r.get(
    '/api/v1/actions/definitions/:id',
    { schema: { tags, summary: 'One mitigation action, by id or name (any role)', params: idParams } },
    async (request) => definitionView(await defs.get(request.actor, request.params.id)),
  );

  r.patch(
    '/api/v1/actions/definitions/:id',
    {
      schema: {
        tags,
        summary: 'Change a mitigation action (admins): the fields given replace the stored ones',
        params: idParams,
        body: z.strictObject(definitionFields).partial(),
      },
    },
    async (request) =>
      definitionView(await defs.update(request.actor, request.params.id, definitionInput(request.body))),
  );

  r.delete(
    '/api/v1/actions/definitions/:id',
    {
      schema: {
        tags,
        summary: 'Delete a mitigation action (admins); invocations keep their frozen copy',
        params: idParams,
      },
    },
    async (request, reply) => {
      await defs.remove(request.actor, request.params.id);
      return reply.code(204).send();
    },
  );

  r.get(
    '/api/v1/actions/offers/:change_id',
    {
      schema: {
        tags,
        summary: 'Actions offered for a change event: "roll back this deploy", its version prefilled (any role)',
        params: z.strictObject({ change_id: ref.describe('A change event id (GET /api/v1/services/{id}/changes).') }),
      },
    },
    async (request) => {
      const offers = await defs.offers(request.actor, request.params.change_id);
      return {
        data: offers.map((o): z.input<typeof views.ActionOffer> => ({
          definition_id: o.definition.id,
          name: o.definition.name,
          params: o.params,
        })),
        next_cursor: null,
      };
    },
  );

  // Invocations.

  r.post(
    '/api/v1/incidents/:id/actions',
    {
      schema: {
        tags,
        summary: 'Invoke a mitigation action on an incident (responders and admins)',
        description:
          'Parameters are checked (422 naming params.x; nothing is queued). Queued at once, or awaiting a ' +
          "second person's approval for 15 minutes when the action's approval policy and the incident's " +
          'severity call for it (dry runs never do).',
        params: idParams,
        body: z.strictObject({
          definition_id: ref.describe('The action id or name.'),
          params: z.record(z.string().max(64), paramValue.nullable()).default({}),
          dry_run: z.boolean().default(false),
        }),
      },
    },
    async (request, reply) => {
      const b = request.body;
      const inv = await app.actions.invoke(request.actor, request.params.id, {
        definition: b.definition_id,
        params: b.params,
        dryRun: b.dry_run,
      });
      return reply.code(201).send(invocationView(inv));
    },
  );

  r.get(
    '/api/v1/incidents/:id/actions',
    {
      schema: {
        tags,
        summary: "An incident's action invocations, newest first (any role)",
        params: idParams,
        querystring: z.strictObject({ limit, cursor: ref.optional() }),
      },
    },
    async (request) =>
      page(await app.actions.list(request.actor, { ...request.query, incident: request.params.id }), invocationView),
  );

  r.get(
    '/api/v1/actions/invocations',
    {
      schema: {
        tags,
        summary: 'Action invocations, newest first (any role)',
        querystring: z.strictObject({
          limit,
          cursor: ref.optional(),
          service_id: ref.optional(),
          incident_id: ref.optional(),
          status: z.enum(INVOCATION_STATES).optional(),
        }),
      },
    },
    async (request) => {
      const q = request.query;
      return page(
        await app.actions.list(request.actor, {
          limit: q.limit,
          cursor: q.cursor,
          service: q.service_id,
          incident: q.incident_id,
          state: q.status,
        }),
        invocationView,
      );
    },
  );

  r.get(
    '/api/v1/actions/invocations/:id',
    { schema: { tags, summary: 'One invocation (any role)', params: idParams } },
    async (request) => invocationView(await app.actions.get(request.actor, request.params.id)),
  );

  const decision = (move: 'approve' | 'reject' | 'cancel', summary: string) =>
    r.post(
      `/api/v1/actions/invocations/:id/${move}`,
      {
        schema: {
          tags,
          summary,
          params: idParams,
          body: z.strictObject({ reason: text(1000).optional() }).nullish(),
        },
      },
      async (request) => {
        const { actor } = request;
        const id = request.params.id;
        const inv =
          move === 'approve'
            ? await app.actions.approve(actor, id)
            : move === 'reject'
              ? await app.actions.reject(actor, id, request.body?.reason)
              : await app.actions.cancel(actor, id);
        return invocationView(inv);
      },
    );
  decision('approve', 'Approve an invocation awaiting approval: a second person, within 15 minutes');
  decision('reject', 'Reject an invocation awaiting approval (a second person)');
  decision('cancel', 'Cancel an invocation: at once unless running; a running one is asked to stop');

  const outputQuery = z.strictObject({
    after: z.coerce.number().int().min(0).default(0).describe('Only chunks after this seq.'),
    access_token: z.string().max(200).optional().describe('The API token, for EventSource clients'),
  });

  r.get(
    '/api/v1/actions/invocations/:id/output',
    {
      schema: {
        tags,
        summary: "An invocation's output after a seq, oldest first (any role); at most 64 KiB is kept",
        params: idParams,
        querystring: outputQuery.omit({ access_token: true }),
      },
    },
    async (request): Promise<z.input<typeof views.ActionOutput>> => {
      const { chunks, invocation } = await app.actions.output(request.actor, request.params.id, request.query.after);
      return { data: chunks.map(chunkView), state: invocation.state, truncated: invocation.outputTruncated };
    },
  );

  // Open output streams end before the server waits for its connections.
  const open = new Set<() => void>();
  server.addHook('preClose', async () => {
    for (const end of [...open]) end();
  });

  r.get(
    '/api/v1/actions/invocations/:id/output/stream',
    {
      exposeHeadRoute: false,
      config: { tokenInQuery: true },
      schema: {
        tags,
        summary: "An invocation's output live (text/event-stream): output, state, end",
        params: idParams,
        querystring: outputQuery,
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      let after = request.query.after;
      // Fails (404, 403) before the response is hijacked, so errors keep the API's JSON shape.
      let last = await app.actions.output(request.actor, id, after);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        'x-accel-buffering': 'no',
        connection: 'close',
      });
      let ended = false;
      let state = '';
      // Like /api/v1/stream, a stream ends after a while (15 min) and the client resumes with ?after=.
      const lifetime = setTimeout(() => end(), options.maxMs ?? 15 * 60_000);
      const end = () => {
        if (ended) return;
        ended = true;
        open.delete(end);
        off();
        clearTimeout(timer);
        clearTimeout(lifetime);
        raw.end();
      };
      open.add(end);
      raw.on('close', end);
      let wake: (() => void) | undefined;
      const off = app.actionSignals.on(invocationTopic(id), () => wake?.());
      let timer: NodeJS.Timeout | undefined;
      const send = (event: string, data: unknown) => raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      raw.write(': connected\n\n');
      for (;;) {
        for (const c of last.chunks) {
          send('output', chunkView(c));
          after = c.seq;
        }
        if (last.invocation.state !== state) {
          state = last.invocation.state;
          send('state', invocationView(last.invocation));
        }
        if (app.actions.isFinal(last.invocation.state) && last.chunks.length === 0) {
          send('end', { state });
          end();
          return;
        }
        if (ended) return;
        // Woken at once by this instance's changes; another instance's are found on the next look.
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, 1000);
        });
        clearTimeout(timer);
        if (ended) return;
        last = await app.actions.output(request.actor, id, after).catch(() => last);
      }
    },
  );

  // Runners (registration by admins; the protocol is in routes/runner.ts).

  r.post(
    '/api/v1/actions/runners',
    {
      schema: {
        tags,
        summary: 'Register a runner (admins): its token is shown once and works only on the runner routes',
        body: z.strictObject({ name: text(100), group: z.string().max(64) }),
      },
    },
    async (request, reply) => {
      const { runner, token } = await defs.createRunner(request.actor, request.body);
      const body: z.input<typeof views.CreatedActionRunner> = { runner: runnerView(runner, app.clock.now()), token };
      return reply.code(201).send(body);
    },
  );

  r.get(
    '/api/v1/actions/runners',
    { schema: { tags, summary: 'Runners with their last heartbeat, version, host and commands (any role)' } },
    async (request) => {
      const now = app.clock.now();
      return { data: (await defs.runners(request.actor)).map((x) => runnerView(x, now)), next_cursor: null };
    },
  );

  r.delete(
    '/api/v1/actions/runners/:id',
    { schema: { tags, summary: 'Revoke a runner (admins); revoking twice answers the same', params: idParams } },
    async (request) => runnerView(await defs.revokeRunner(request.actor, request.params.id), app.clock.now()),
  );
}
