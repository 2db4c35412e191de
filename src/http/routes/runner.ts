// /api/v1/runner/*: the protocol `vigil runner` speaks (docs/actions.md, "Protocol"). These routes take a
// runner token (vgr_…) and nothing else — an API token or session is refused here, and a runner token is
// refused everywhere else (it is no API token). A runner long-polls for its group's queued invocations,
// claims one with a lease, posts output and heartbeats that renew the lease, and finishes it.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LEASE_MS, OUTPUT_STREAMS, type Invocation, type LeaseReply, type Runner } from '../../actions/index.js';
import type { App } from '../../app.js';
import { AppError } from '../../errors.js';
import { idParams, ref } from '../schemas.js';

const tags = ['runner'];

declare module 'fastify' {
  interface FastifyRequest {
    runner?: Runner;
  }
}

const leaseReply = (r: LeaseReply) => ({ cancel: r.cancel, lease_expires_at: r.leaseExpiresAt.toISOString() });

export interface RunnerOptions {
  /** The longest a claim waits for work, whatever the runner asks (default 30 s). */
  maxWaitSeconds?: number;
}

/** A body of output chunks may be this large (a runner batches up to 16 KiB of output per post). */
export const RUNNER_OUTPUT_BODY_LIMIT = 1024 * 1024;

export function runnerRoutes(server: FastifyInstance, app: App, options: RunnerOptions = {}): void {
  const r = server.withTypeProvider<ZodTypeProvider>();
  const LEASE_SECONDS = LEASE_MS / 1000;
  const maxWait = options.maxWaitSeconds ?? 30;

  async function runnerOf(request: FastifyRequest): Promise<Runner> {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    const runner = m?.[1] ? await app.actionDefinitions.authenticateRunner(m[1]) : undefined;
    if (!runner)
      throw new AppError(
        'auth.unauthorized',
        'runner routes take a runner token ("Authorization: Bearer vgr_…"): unknown, revoked, or not a runner token',
      );
    return runner;
  }

  async function claimed(inv: Invocation) {
    const ctx = await app.actions.context(inv);
    const t = inv.definition.target;
    return {
      id: inv.id,
      name: inv.name,
      command: t.kind === 'runner' ? t.command : '',
      params: inv.params,
      param_specs: inv.definition.params,
      dry_run: inv.dryRun,
      dry_run_flag: inv.dryRun ? inv.definition.dryRun.flag : null,
      timeout_seconds: inv.definition.timeoutSeconds,
      incident: ctx.incident,
      service: ctx.service,
    };
  }

  r.post(
    '/api/v1/runner/claim',
    {
      schema: {
        tags,
        summary: "Long-poll for a queued invocation of the runner's group and claim it with a lease (runner token)",
        body: z.strictObject({
          version: z.string().max(100).nullable().optional(),
          hostname: z.string().max(255).nullable().optional(),
          commands: z.array(z.string().max(64)).max(500).default([]),
          wait_seconds: z.number().int().min(0).max(30).default(25),
        }),
      },
    },
    async (request, reply) => {
      const runner = await runnerOf(request);
      const b = request.body;
      await app.actionDefinitions.seen(runner, {
        version: b.version ?? null,
        hostname: b.hostname ?? null,
        commands: b.commands,
      });
      // A runner that hangs up stops waiting here too. (The request's own 'close' fires once its body is read;
      // the response closing before it was written is the client going away.)
      const gone = new AbortController();
      const hungUp = () => {
        if (!reply.raw.writableFinished) gone.abort();
      };
      reply.raw.on('close', hungUp);
      const inv = await app.actions
        .claimWaiting(runner, Math.min(b.wait_seconds, maxWait) * 1000, gone.signal)
        .finally(() => reply.raw.off('close', hungUp));
      if (!inv) return reply.code(204).send();
      return { invocation: await claimed(inv), lease_seconds: LEASE_SECONDS };
    },
  );

  r.post(
    '/api/v1/runner/invocations/:id/output',
    {
      schema: {
        tags,
        summary: 'Append output to a claimed invocation and renew its lease (runner token)',
        params: idParams,
        body: z.strictObject({
          chunks: z
            .array(z.strictObject({ stream: z.enum(OUTPUT_STREAMS).exclude(['system']), data: z.string().max(70_000) }))
            .max(100),
        }),
      },
      bodyLimit: RUNNER_OUTPUT_BODY_LIMIT,
    },
    async (request) => {
      const runner = await runnerOf(request);
      return leaseReply(await app.actions.append(runner.id, request.params.id, request.body.chunks));
    },
  );

  r.post(
    '/api/v1/runner/invocations/:id/heartbeat',
    {
      schema: {
        tags,
        summary: 'Renew the lease of a claimed invocation; cancel: true asks the runner to stop (runner token)',
        params: idParams,
        body: z.strictObject({}).optional(),
      },
    },
    async (request) => {
      const runner = await runnerOf(request);
      return leaseReply(await app.actions.heartbeat(runner.id, request.params.id));
    },
  );

  r.post(
    '/api/v1/runner/invocations/:id/finish',
    {
      schema: {
        tags,
        summary: 'Finish a claimed invocation (runner token)',
        params: idParams,
        body: z.strictObject({
          outcome: z.enum(['succeeded', 'failed', 'timed_out', 'cancelled']),
          exit_code: z.number().int().nullable().optional(),
          signal: ref.nullable().optional(),
          error: z.string().max(2000).nullable().optional(),
        }),
      },
    },
    async (request) => {
      const runner = await runnerOf(request);
      const b = request.body;
      const inv = await app.actions.finish({ id: runner.id, name: runner.name }, request.params.id, {
        outcome: b.outcome,
        exitCode: b.exit_code ?? null,
        signal: b.signal ?? null,
        error: b.error ?? null,
      });
      return { id: inv.id, state: inv.state };
    },
  );
}
