// Vigil's own runner for HTTP targets. Queued HTTP invocations are claimed like a runner claims commands
// (a lease held by "vigil:<instance>", renewed while the request runs), the request is built from the
// frozen definition with every placeholder escaped by position (template.ts), sent through the guarded
// dispatcher (the SSRF guard again at connect time, no redirects), and its status line and up to 64 KiB
// of its body become the output. A refused address, a timeout or a non-2xx status fail it.
import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import { unseal } from '../access/index.js';
import { ForbiddenAddressError, guardedDispatcher, parseAllowlist } from '../net/index.js';
import { OUTPUT_MAX_BYTES, type ActionSpec } from './action.js';
import type { Invocation } from './actions.repo.js';
import type { Finish, InvocationsService } from './invocations.service.js';
import { queueTopic, type Signals } from './signals.js';
import { renderHeader, renderJson, renderUrl, type TemplateContext } from './template.js';

/** HTTP invocations one instance runs at once. */
const CONCURRENCY = 8;
const RENEW_MS = 10_000;

export interface HttpLaneDeps {
  invocations: InvocationsService;
  signals: Signals;
  secretKey: Buffer | undefined;
  outboundAllow?: string | undefined;
  /** Told when something fails outside a request (the lane goes on). */
  onError?: (error: unknown) => void;
}

/** The request an HTTP invocation makes. */
export function buildRequest(
  spec: ActionSpec,
  ctx: TemplateContext,
  secretKey: Buffer | undefined,
): { url: string; method: string; headers: Record<string, string>; body: string | undefined } {
  if (spec.target.kind !== 'http') throw new Error('not an HTTP action');
  const t = spec.target;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(t.headers)) headers[name] = renderHeader(name, value, ctx);
  for (const [name, sealed] of Object.entries(t.secretHeaders)) {
    if (!secretKey) throw new Error('VIGIL_SECRET_KEY is not set: the secret headers cannot be unsealed');
    headers[name] = renderHeader(name, unseal(secretKey, sealed), ctx);
  }
  let body: string | undefined;
  if (t.body !== null && t.method !== 'GET') {
    const rendered = renderJson(t.body, ctx);
    const type = Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '';
    if (/application\/x-www-form-urlencoded/i.test(type) && rendered && typeof rendered === 'object') {
      body = new URLSearchParams(
        Object.entries(rendered).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
      ).toString();
    } else {
      body = JSON.stringify(rendered);
      if (!type) headers['content-type'] = 'application/json';
    }
  }
  return { url: renderUrl(t.url, ctx), method: t.method, headers, body };
}

export function createHttpLane({ invocations, signals, secretKey, outboundAllow, onError }: HttpLaneDeps) {
  const allow = parseAllowlist(outboundAllow);
  const holder = { id: `vigil:${randomBytes(4).toString('hex')}`, name: 'vigil' };
  const running = new Map<string, AbortController>();
  let draining: Promise<void> | undefined;
  let again = false;

  async function run(inv: Invocation): Promise<void> {
    const abort = new AbortController();
    running.set(inv.id, abort);
    const timeoutMs = inv.definition.timeoutSeconds * 1000;
    const timer = setTimeout(() => abort.abort(new Error('timeout')), timeoutMs);
    const renewer = setInterval(() => {
      invocations.heartbeat(holder.id, inv.id).then(
        (reply) => reply.cancel && abort.abort(new Error('cancelled')),
        (error: unknown) => onError?.(error),
      );
    }, RENEW_MS);
    const dispatcher = guardedDispatcher(allow, { timeoutMs });
    let finish: Finish;
    try {
      const req = buildRequest(inv.definition, await invocations.context(inv), secretKey);
      await invocations.append(holder.id, inv.id, [{ stream: 'system', data: `${req.method} ${req.url}\n` }]);
      const res = await request(req.url, {
        method: req.method as 'POST',
        headers: req.headers,
        body: req.body,
        dispatcher,
        signal: abort.signal,
      });
      let text = '';
      let bytes = 0;
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        if (bytes < OUTPUT_MAX_BYTES + 1) text += chunk.toString('utf8');
        bytes += chunk.length;
      }
      await invocations.append(holder.id, inv.id, [
        { stream: 'system', data: `HTTP ${res.statusCode}\n` },
        { stream: 'stdout', data: text },
      ]);
      const ok = res.statusCode >= 200 && res.statusCode < 300;
      finish = {
        outcome: ok ? 'succeeded' : 'failed',
        httpStatus: res.statusCode,
        ...(!ok && { error: `the endpoint answered HTTP ${res.statusCode}` }),
      };
    } catch (error) {
      const reason = abort.signal.aborted ? (abort.signal.reason as Error | undefined)?.message : undefined;
      const cause = (error as { cause?: unknown }).cause ?? error;
      if (reason === 'timeout')
        finish = { outcome: 'timed_out', error: `no answer within ${inv.definition.timeoutSeconds} s` };
      else if (reason === 'cancelled') finish = { outcome: 'cancelled', error: 'cancelled on request' };
      else if (cause instanceof ForbiddenAddressError || error instanceof ForbiddenAddressError)
        finish = {
          outcome: 'failed',
          error: `refused: ${(cause as Error).message} (an admin lets it through with VIGIL_OUTBOUND_ALLOW)`,
        };
      else finish = { outcome: 'failed', error: `request failed: ${(cause as Error).message ?? String(cause)}` };
    } finally {
      clearTimeout(timer);
      clearInterval(renewer);
      void dispatcher.close().catch(() => undefined);
    }
    await invocations.finish(holder, inv.id, finish).catch((error: unknown) => onError?.(error));
    running.delete(inv.id);
  }

  /** Claims and starts queued HTTP invocations until none is left or CONCURRENCY run. */
  async function drain(): Promise<number> {
    let started = 0;
    while (running.size < CONCURRENCY) {
      const inv = await invocations.claim(null, holder);
      if (!inv) break;
      started += 1;
      void run(inv).catch((error: unknown) => onError?.(error));
    }
    return started;
  }

  function kick(): void {
    if (draining) {
      again = true;
      return;
    }
    draining = (async () => {
      do {
        again = false;
        await drain().catch((error: unknown) => onError?.(error));
      } while (again);
    })().finally(() => {
      draining = undefined;
    });
  }

  const off = signals.on(queueTopic(null), kick);

  return {
    holder,
    /** Started by the engine's sweep too: work queued on another instance, or whose wake-up was missed. */
    drain,
    kick,
    /** How many run on this instance now. */
    running: () => running.size,
    /** Stops listening and aborts what runs (their leases run out; the sweep fails them). */
    stop(): void {
      off();
      for (const a of running.values()) a.abort(new Error('stopped'));
    },
    /** Resolves when nothing is being claimed or run (tests). */
    async idle(): Promise<void> {
      while (draining || running.size > 0) await new Promise((r) => setTimeout(r, 10));
    },
  };
}

export type HttpLane = ReturnType<typeof createHttpLane>;
