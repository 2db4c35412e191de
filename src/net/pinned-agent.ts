// The pinned-address agent: an undici dispatcher for every outbound HTTP request of Vigil (webhooks,
// chat, SMS gateways, JWKS), whose connections go only to addresses the guard (guard.ts) has just
// checked, with a timeout on each step.
import { isIP } from 'node:net';
import { Agent, buildConnector, type Dispatcher } from 'undici';
import { within } from './deadline.js';
import { bare, normalName, resolveAndCheck, type Allowlist, type Lookup, type Refusal } from './guard.js';

/**
 * Thrown into undici when the guard refuses a connection; its message starts "forbidden address:", which channels
 * treat as permanent.
 */
export class ForbiddenAddressError extends Error {
  override name = 'ForbiddenAddressError';
  readonly code = 'outbound.refused_address';
}

/**
 * An undici dispatcher whose every connection passes resolveAndCheck and goes to the checked
 * address, with TLS still verifying (and sending SNI for) the original host name. The check wraps
 * the whole connector rather than only its DNS lookup, because Node skips the lookup for IP-literal
 * hosts. Redirects are never followed (undici does not unless asked); resolving, connecting, headers
 * and body each have `timeoutMs` (default 5000). A refusal fails with ForbiddenAddressError; a name
 * that does not resolve with a plain Error, since DNS trouble may pass.
 */
export function guardedDispatcher(allow: Allowlist, options: { timeoutMs?: number; lookup?: Lookup } = {}): Dispatcher {
  const timeoutMs = options.timeoutMs ?? 5000;
  const connectTo = buildConnector({ timeout: timeoutMs });
  const connect: buildConnector.connector = (opts, callback) => {
    const late = (): Refusal => ({
      ok: false,
      reason: `could not resolve ${opts.hostname} within ${timeoutMs} ms`,
      temporary: true,
    });
    within(resolveAndCheck(opts.hostname, allow, options.lookup), timeoutMs, late).then(
      (verdict) => {
        if (!verdict.ok) {
          callback(
            verdict.temporary
              ? new Error(verdict.reason)
              : new ForbiddenAddressError(`forbidden address: ${verdict.reason}`),
            null,
          );
          return;
        }
        const servername = isIP(bare(opts.hostname)) ? undefined : normalName(bare(opts.hostname));
        connectTo({ ...opts, hostname: verdict.address, ...(servername && { servername }) }, callback);
      },
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), null),
    );
  };
  return new Agent({ connect, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
}
