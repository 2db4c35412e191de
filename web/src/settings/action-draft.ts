// An action's definition as the settings form edits it, pure: numbers and JSON kept as the text typed, rows of
// parameters and headers with keys of their own, and the request body made from it (POST for a new action,
// PATCH for one that exists). Secret header values are write-only: an existing action's are known by name,
// kept unless removed, and sent only when something about them changed. The server checks everything again
// (names, patterns, the URL's SSRF guard) and names what it refuses.
import { defaultApproval, type ActionCategory, type ApprovalPolicy, type ParamValue } from '../shared/action-words.ts';
import type { DefinitionInput, ParamInput, TargetInput } from '../shared/actions-api.ts';
import type { ActionDefinition, ActionParam } from '../shared/api.ts';

export type ParamType = ActionParam['type'];
export const PARAM_TYPES: readonly ParamType[] = ['string', 'integer', 'boolean', 'enum'];
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

export interface ParamDraft {
  key: number;
  name: string;
  type: ParamType;
  description: string;
  /** An enum's values, comma-separated. */
  values: string;
  pattern: string;
  min: string;
  max: string;
  /** The default as typed ('' for none; 'true'/'false' for a boolean). */
  default: string;
  required: boolean;
}

export interface HeaderDraft {
  key: number;
  name: string;
  value: string;
}

export interface ActionDraft {
  name: string;
  category: ActionCategory;
  description: string;
  enabled: boolean;
  serviceIds: string[];
  params: ParamDraft[];
  kind: 'http' | 'runner';
  method: string;
  url: string;
  headers: HeaderDraft[];
  /** Secret headers stored already (names only); removing one drops it on save. */
  storedSecrets: string[];
  /** New secret headers, or new values for stored ones. */
  secrets: HeaderDraft[];
  /** The JSON body as typed; empty for none. */
  body: string;
  group: string;
  command: string;
  dryRunSupported: boolean;
  dryRunParam: string;
  dryRunFlag: string;
  timeoutSeconds: string;
  approval: ApprovalPolicy;
}

let nextKey = 1;
/** A key for a new row, unique in this page's life. */
export const rowKey = () => nextKey++;

export const blankParam = (): ParamDraft => ({
  key: rowKey(),
  name: '',
  type: 'string',
  description: '',
  values: '',
  pattern: '',
  min: '',
  max: '',
  default: '',
  required: false,
});
export const blankHeader = (): HeaderDraft => ({ key: rowKey(), name: '', value: '' });

const text = (v: string | number | null | undefined) => (v == null ? '' : String(v));

/** The form's starting point: the action's definition, or a blank custom HTTP action. */
export function draftOf(action?: ActionDefinition): ActionDraft {
  const target = action?.target;
  return {
    name: action?.name ?? '',
    category: action?.category ?? 'custom',
    description: action?.description ?? '',
    enabled: action?.enabled ?? true,
    serviceIds: action?.service_ids ?? [],
    params: (action?.params ?? []).map((p) => ({
      key: rowKey(),
      name: p.name,
      type: p.type,
      description: text(p.description),
      values: (p.enum ?? []).join(', '),
      pattern: text(p.pattern),
      min: text(p.min),
      max: text(p.max),
      default: p.default == null ? '' : String(p.default),
      required: p.required,
    })),
    kind: target?.kind ?? 'http',
    method: target?.kind === 'http' ? target.method : 'POST',
    url: target?.kind === 'http' ? target.url : '',
    headers:
      target?.kind === 'http'
        ? Object.entries(target.headers).map(([name, value]) => ({ key: rowKey(), name, value }))
        : [],
    storedSecrets: target?.kind === 'http' ? target.secret_headers : [],
    secrets: [],
    body: target?.kind === 'http' && target.body != null ? JSON.stringify(target.body, null, 2) : '',
    group: target?.kind === 'runner' ? target.group : '',
    command: target?.kind === 'runner' ? target.command : '',
    dryRunSupported: action?.dry_run.supported ?? false,
    dryRunParam: text(action?.dry_run.param),
    dryRunFlag: text(action?.dry_run.flag),
    timeoutSeconds: String(action?.timeout_seconds ?? 300),
    approval: action?.approval ?? defaultApproval('custom'),
  };
}

/** A refusal of the form before it is sent, naming the field. */
export class DraftError extends Error {}

function number(value: string, field: string): number | null {
  if (value.trim() === '') return null;
  const n = Number(value.trim());
  if (!Number.isInteger(n)) throw new DraftError(`${field}: a whole number`);
  return n;
}

function defaultOf(p: ParamDraft, field: string): ParamValue | null {
  if (p.default === '') return null;
  if (p.type === 'boolean') return p.default === 'true';
  if (p.type === 'integer') return number(p.default, field);
  return p.default;
}

function paramOf(p: ParamDraft, i: number): ParamInput {
  const at = `Parameter ${i + 1}${p.name ? ` (${p.name})` : ''}`;
  const name = p.name.trim();
  if (!name) throw new DraftError(`${at}: a name`);
  const ranged = p.type === 'integer' || p.type === 'string';
  return {
    name,
    type: p.type,
    description: p.description.trim() || null,
    enum:
      p.type === 'enum'
        ? p.values
            .split(',')
            .map((v) => v.trim())
            .filter(Boolean)
        : null,
    pattern: p.type === 'string' && p.pattern.trim() ? p.pattern.trim() : null,
    min: ranged ? number(p.min, `${at}, min`) : null,
    max: ranged ? number(p.max, `${at}, max`) : null,
    default: defaultOf(p, `${at}, default`),
    required: p.required,
  };
}

function headersOf(rows: readonly HeaderDraft[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of rows) if (h.name.trim()) out[h.name.trim()] = h.value;
  return out;
}

function bodyJson(body: string): unknown {
  if (body.trim() === '') return null;
  try {
    return JSON.parse(body) as unknown;
  } catch (error) {
    throw new DraftError(`Body: not JSON (${(error as Error).message})`);
  }
}

/**
 * The target as sent. An HTTP action's secret headers are sent only when they change: a new one or a new value,
 * or a stored one removed (then the server is given every stored one it keeps by name, with no value, which is
 * not possible — so removing one asks for the values of the rest again; see `secretsNeedRetyping`).
 */
function targetOf(draft: ActionDraft, stored: readonly string[]): TargetInput {
  if (draft.kind === 'runner') {
    if (!draft.group.trim() || !draft.command.trim()) throw new DraftError('Runner: a group and a command');
    return { kind: 'runner', group: draft.group.trim(), command: draft.command.trim() };
  }
  if (!draft.url.trim()) throw new DraftError('URL: the address Vigil calls');
  const secrets = headersOf(draft.secrets);
  const removed = stored.some((name) => !draft.storedSecrets.includes(name));
  const changed = Object.keys(secrets).length > 0 || removed;
  return {
    kind: 'http',
    method: draft.method,
    url: draft.url.trim(),
    headers: headersOf(draft.headers),
    ...(changed ? { secret_headers: secrets } : {}),
    body: bodyJson(draft.body),
  };
}

/**
 * Stored secret headers whose values must be typed again for a save: once any secret header changes, the server
 * is sent the whole set, and it never gives a stored value back.
 */
export function secretsNeedRetyping(draft: ActionDraft, stored: readonly string[]): string[] {
  const typed = new Set(draft.secrets.filter((h) => h.name.trim()).map((h) => h.name.trim()));
  const removed = stored.some((name) => !draft.storedSecrets.includes(name));
  if (typed.size === 0 && !removed) return [];
  return draft.storedSecrets.filter((name) => !typed.has(name));
}

/** The request body for the draft; throws a DraftError naming the first field that cannot be sent. */
export function bodyOf(draft: ActionDraft, stored: readonly string[] = []): DefinitionInput {
  const name = draft.name.trim();
  if (!name) throw new DraftError('Name: the action needs one');
  const missing = secretsNeedRetyping(draft, stored);
  if (missing.length > 0)
    throw new DraftError(`Secret headers: type the value of ${missing.join(', ')} again, or remove it`);
  const timeout = number(draft.timeoutSeconds, 'Timeout');
  return {
    name,
    category: draft.category,
    description: draft.description.trim() || null,
    enabled: draft.enabled,
    service_ids: draft.serviceIds,
    params: draft.params.map(paramOf),
    target: targetOf(draft, stored),
    dry_run: {
      supported: draft.dryRunSupported,
      param: draft.dryRunSupported && draft.dryRunParam.trim() ? draft.dryRunParam.trim() : null,
      flag:
        draft.dryRunSupported && draft.kind === 'runner' && draft.dryRunFlag.trim() ? draft.dryRunFlag.trim() : null,
    },
    timeout_seconds: timeout ?? 300,
    approval: draft.approval,
  };
}
