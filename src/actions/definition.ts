// A definition's own checks, pure: the target's placeholders and address, the dry-run marker, the
// maintenance_mode duration parameter. The service adds what needs storage (its services exist).
import { AppError } from '../errors.js';
import { checkUrl, type Allowlist } from '../net/index.js';
import { MAINTENANCE_PARAM, type ActionSpec } from './action.js';
import { checkSpecs } from './params.js';
import { checkPlaceholders, originOf, placeholdersOf, stringsOf } from './template.js';

/** A runner group or command name. */
export const RUNNER_NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;

const bad = (code: string, field: string, message: string, details: Record<string, unknown> = {}) =>
  new AppError(`action.${code}`, `${field}: ${message}`, { field, ...details }, 'unprocessable');

/**
 * Throws a 422 naming the first problem of a definition. `secretHeaderNames` are the sealed headers'
 * names (their values are not looked at here).
 */
export function checkDefinition(spec: ActionSpec, allow: Allowlist): void {
  checkSpecs(spec.params);
  const { target, dryRun } = spec;
  if (target.kind === 'http') {
    const origin = originOf(target.url);
    if (!origin) throw bad('invalid_target', 'target.url', 'must be an http:// or https:// URL');
    if (placeholdersOf(origin).length > 0 || origin.includes('{{'))
      throw bad('invalid_target', 'target.url', 'the scheme, host and port may hold no placeholder');
    checkPlaceholders(target.url, spec.params, 'target.url');
    // The address as it will be called (placeholders only change the path and query).
    const verdict = checkUrl(target.url.replace(/\{\{[^}]*\}\}/g, 'x'), allow);
    if (!verdict.ok)
      throw bad(
        'forbidden_address',
        'target.url',
        `${verdict.reason} (an admin lets such addresses through with VIGIL_OUTBOUND_ALLOW)`,
      );
    const names = [...Object.keys(target.headers), ...Object.keys(target.secretHeaders)];
    const lower = new Set<string>();
    for (const name of names) {
      if (!HEADER_NAME.test(name)) throw bad('invalid_target', `target.headers.${name}`, 'not a header name');
      if (lower.has(name.toLowerCase()))
        throw bad('invalid_target', `target.headers.${name}`, 'is given twice (headers and secret_headers)');
      lower.add(name.toLowerCase());
    }
    for (const [name, value] of Object.entries(target.headers))
      checkPlaceholders(value, spec.params, `target.headers.${name}`);
    for (const text of stringsOf(target.body)) checkPlaceholders(text, spec.params, 'target.body');
  } else {
    if (!RUNNER_NAME.test(target.group))
      throw bad('invalid_target', 'target.group', 'must be 1–64 characters of a-z, 0-9, ".", "_" or "-"');
    if (!RUNNER_NAME.test(target.command))
      throw bad('invalid_target', 'target.command', 'must be 1–64 characters of a-z, 0-9, ".", "_" or "-"');
  }

  if (dryRun.param !== null) {
    const p = spec.params.find((x) => x.name === dryRun.param);
    if (!p || p.type !== 'boolean') throw bad('invalid_dry_run', 'dry_run.param', 'must name a boolean parameter');
  }
  if (dryRun.supported && dryRun.param === null) {
    if (target.kind === 'runner' && dryRun.flag === null)
      throw bad('invalid_dry_run', 'dry_run', 'a dry run needs a param (a boolean parameter) or a flag for the argv');
    if (target.kind === 'http' && !usesDryRun(spec))
      throw bad(
        'invalid_dry_run',
        'dry_run',
        'an HTTP action marks a dry run by a boolean param or a {{dry_run}} placeholder in its request',
      );
  }
  if (target.kind === 'http' && dryRun.flag !== null)
    throw bad('invalid_dry_run', 'dry_run.flag', 'a flag is appended to a runner command; HTTP actions use a param');
  if (spec.category === 'maintenance_mode') {
    const p = spec.params.find((x) => x.name === MAINTENANCE_PARAM);
    if (!p || p.type !== 'integer' || !(p.required || p.default != null))
      throw bad(
        'invalid_param',
        'params',
        `a maintenance_mode action declares an integer "${MAINTENANCE_PARAM}" parameter (required or with a ` +
          "default): Vigil's own maintenance window lasts that long",
      );
  }
}

function usesDryRun(spec: ActionSpec): boolean {
  if (spec.target.kind !== 'http') return false;
  const texts = [spec.target.url, ...Object.values(spec.target.headers), ...stringsOf(spec.target.body)];
  return texts.some((t) => placeholdersOf(t).includes('dry_run'));
}
