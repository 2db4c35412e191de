// Placeholders in an action's target, pure: `{{params.x}}`, `{{incident.number}}`, `{{service.name}}` and
// their kin, substituted by position and never spliced raw.
//
//   argv element  → the value as one literal argument (execFile, no shell: nothing is split or expanded)
//   URL           → percent-encoded (encodeURIComponent); the scheme, host and port hold no placeholder,
//                   so the address checked when the definition is saved is the one called
//   header value  → the value, refused when it holds a line break (no header injection)
//   JSON body     → a string that is exactly one placeholder becomes the typed value (a number stays a
//                   number); placeholders inside a longer string are interpolated and the whole string
//                   is JSON-escaped when the body is serialized
//   form body     → each field's value interpolated, then form-encoded
import { AppError } from '../errors.js';
import type { ParamSpec, ParamValue } from './params.js';

export interface TemplateContext {
  params: Readonly<Record<string, ParamValue>>;
  incident: { id: string; number: string; title: string; severity: string };
  service: { id: string; name: string } | null;
  invocation: { id: string };
  dryRun: boolean;
}

/** The names a placeholder may use besides `params.<name>`. */
export const CONTEXT_NAMES = [
  'incident.id',
  'incident.number',
  'incident.title',
  'incident.severity',
  'service.id',
  'service.name',
  'invocation.id',
  'dry_run',
] as const;

const PLACEHOLDER = /\{\{\s*([a-z_][a-z0-9_.]*)\s*\}\}/g;
const WHOLE = /^\{\{\s*([a-z_][a-z0-9_.]*)\s*\}\}$/;

/** The names used in a text, in order of appearance. */
export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1] as string);
}

/** Refuses (422 naming the field) a placeholder that names neither a declared parameter nor a context value. */
export function checkPlaceholders(text: string, specs: readonly ParamSpec[], field: string): void {
  for (const name of placeholdersOf(text)) {
    const known = name.startsWith('params.')
      ? specs.some((s) => `params.${s.name}` === name)
      : (CONTEXT_NAMES as readonly string[]).includes(name);
    if (!known)
      throw new AppError(
        'action.invalid_template',
        `${field}: {{${name}}} names nothing (parameters: ${
          specs.map((s) => `params.${s.name}`).join(', ') || 'none'
        }; ` + `also ${CONTEXT_NAMES.join(', ')})`,
        { field, placeholder: name },
        'unprocessable',
      );
  }
}

/** The value a placeholder stands for: a parameter not given is the empty string. */
function valueOf(name: string, ctx: TemplateContext): ParamValue {
  if (name.startsWith('params.')) return ctx.params[name.slice('params.'.length)] ?? '';
  switch (name) {
    case 'incident.id':
      return ctx.incident.id;
    case 'incident.number':
      return ctx.incident.number;
    case 'incident.title':
      return ctx.incident.title;
    case 'incident.severity':
      return ctx.incident.severity;
    case 'service.id':
      return ctx.service?.id ?? '';
    case 'service.name':
      return ctx.service?.name ?? '';
    case 'invocation.id':
      return ctx.invocation.id;
    case 'dry_run':
      return ctx.dryRun;
    default:
      return '';
  }
}

/** Substitutes each placeholder with `escape(value as text)`. */
export function fill(text: string, ctx: TemplateContext, escape: (s: string) => string = (s) => s): string {
  return text.replace(PLACEHOLDER, (_m, name: string) => escape(String(valueOf(name, ctx))));
}

/** A command's argv with each element substituted: one element in, one literal argument out. */
export function renderArgv(argv: readonly string[], ctx: TemplateContext): string[] {
  return argv.map((element) => fill(element, ctx));
}

/** The origin (scheme, host, port) of a URL template, which may hold no placeholder. */
export function originOf(url: string): string | undefined {
  const m = /^(https?:\/\/[^/?#]*)/i.exec(url);
  return m?.[1];
}

/** A URL with every placeholder percent-encoded. */
export function renderUrl(url: string, ctx: TemplateContext): string {
  return fill(url, ctx, encodeURIComponent);
}

/** A header value; throws when a substituted value would break the header line. */
export function renderHeader(name: string, value: string, ctx: TemplateContext): string {
  const out = fill(value, ctx);
  if (/[\r\n\0]/.test(out))
    throw new AppError(
      'action.invalid_param',
      `header ${name}: a substituted value holds a line break or NUL, which a header cannot carry`,
      { header: name },
      'unprocessable',
    );
  return out;
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A JSON body with placeholders substituted in its string values (keys are left alone). */
export function renderJson(body: Json, ctx: TemplateContext): Json {
  if (typeof body === 'string') {
    const whole = WHOLE.exec(body);
    return whole ? valueOf(whole[1] as string, ctx) : fill(body, ctx);
  }
  if (Array.isArray(body)) return body.map((b) => renderJson(b, ctx));
  if (body && typeof body === 'object')
    return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, renderJson(v, ctx)]));
  return body;
}

/** Every string in a JSON body, for checking its placeholders. */
export function stringsOf(body: Json): string[] {
  if (typeof body === 'string') return [body];
  if (Array.isArray(body)) return body.flatMap(stringsOf);
  if (body && typeof body === 'object') return Object.values(body).flatMap(stringsOf);
  return [];
}
