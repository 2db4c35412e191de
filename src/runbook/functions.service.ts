// The runbook's functions (`POST /functions/v1/{function}` with {"action": …}): a catalogue of named
// functions, each a set of actions with their own parameters. A call is checked against its
// action's parameters (every unknown or bad field named), run, answered with the action's data and
// `generated_at`, and recorded in the function log (function, action, actor, duration, outcome)
// whether it succeeded or not.
import { z } from 'zod';
import { authorize, type Actor, type Permission } from '../access/index.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import { AppError } from '../errors.js';
import { newId } from '../ids.js';
import { insertCall, listCalls, type FunctionCall } from './log.repo.js';

export interface FunctionAction {
  summary: string;
  /** The permission the caller needs (most actions only read). */
  permission: Permission;
  /** The action's parameters besides `action`; unknown fields are refused. */
  params: z.ZodObject;
  run(actor: Actor, params: Record<string, unknown>): Promise<Record<string, unknown>>;
}

export type RunbookFunction = Readonly<Record<string, FunctionAction>>;

/** The windows the runbook's reports take, in milliseconds. */
export const TIME_WINDOWS = {
  '15m': 15 * 60_000,
  '1h': 3_600_000,
  '6h': 6 * 3_600_000,
  '24h': 24 * 3_600_000,
  '7d': 7 * 24 * 3_600_000,
} as const;
export const timeWindow = z.enum(
  Object.keys(TIME_WINDOWS) as [keyof typeof TIME_WINDOWS, ...Array<keyof typeof TIME_WINDOWS>],
);

/** "field: problem" for each issue, the way the HTTP edge names bad fields. */
function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys')
      return `${issue.keys.join(', ')}: unknown field${issue.keys.length > 1 ? 's' : ''}`;
    const field = issue.path.join('.') || 'body';
    return `${field}: ${issue.message}`;
  });
}

export function createFunctionsService({
  db,
  clock,
  functions,
}: {
  db: Db;
  clock: Clock;
  functions: Readonly<Record<string, RunbookFunction>>;
}) {
  const names = Object.keys(functions).sort();

  async function dispatch(
    actor: Actor,
    name: string,
    body: unknown,
  ): Promise<{ action: string | null; result: Record<string, unknown> }> {
    const fn = functions[name];
    if (!fn)
      throw new AppError(
        'function.not_found',
        `there is no function ${JSON.stringify(name)}; functions: ${names.join(', ')}`,
        { function: name, functions: names },
      );
    const actions = Object.keys(fn).sort();
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new AppError(
        'function.invalid',
        `body: must be a JSON object with an "action" (one of ${actions.join(', ')})`,
        { field: 'body', actions },
      );
    const actionName = (body as { action?: unknown }).action;
    if (typeof actionName !== 'string')
      throw new AppError('function.invalid', `action: required, one of ${actions.join(', ')}`, {
        field: 'action',
        actions,
      });
    const action = Object.hasOwn(fn, actionName) ? fn[actionName] : undefined;
    if (!action)
      throw new AppError(
        'function.invalid',
        `action: ${JSON.stringify(actionName.slice(0, 100))} is not an action of ${name}; ` +
          `valid actions: ${actions.join(', ')}`,
        { field: 'action', actions },
      );
    authorize(actor, action.permission);
    const { action: _action, ...rest } = body as Record<string, unknown>;
    const parsed = action.params.strict().safeParse(rest);
    if (!parsed.success) {
      const problems = describeIssues(parsed.error);
      throw new AppError('function.invalid', problems.join('; '), {
        field: parsed.error.issues[0]?.path.join('.') || undefined,
        problems,
      });
    }
    return { action: actionName, result: await action.run(actor, parsed.data) };
  }

  return {
    /** The functions and their actions, for help texts and error messages. */
    catalogue(): Record<string, Array<{ action: string; summary: string }>> {
      return Object.fromEntries(
        names.map((n) => [
          n,
          Object.entries(functions[n] ?? {}).map(([action, a]) => ({ action, summary: a.summary })),
        ]),
      );
    },

    /** Runs one call and logs it, success or failure. */
    async call(actor: Actor, name: string, body: unknown): Promise<Record<string, unknown>> {
      const started = performance.now();
      const at = clock.now();
      let action: string | null =
        typeof body === 'object' && body !== null && typeof (body as { action?: unknown }).action === 'string'
          ? String((body as { action: string }).action).slice(0, 100)
          : null;
      const log = (outcome: FunctionCall['outcome'], error: string | null) =>
        insertCall(db, {
          id: newId('fnc', at),
          at,
          function: name.slice(0, 100),
          action,
          actor: { type: actor.type, id: actor.id, name: actor.name },
          requestId: actor.requestId ?? null,
          durationMs: Math.round(performance.now() - started),
          outcome,
          error,
        });
      try {
        const done = await dispatch(actor, name, body);
        action = done.action;
        // The action has happened: a log that cannot be written must not turn it into a failure.
        await log('ok', null).catch(() => undefined);
        return { ...done.result, generated_at: clock.now().toISOString() };
      } catch (error) {
        await log('error', error instanceof Error ? error.message.slice(0, 1000) : String(error)).catch(
          () => undefined,
        );
        throw error;
      }
    },

    /** The function log, newest first. */
    async calls(
      actor: Actor,
      q: { limit: number; cursor?: string | undefined; function?: string | undefined; since?: Date | undefined },
    ) {
      authorize(actor, 'read');
      const rows = await listCalls(db, { limit: q.limit + 1, function: q.function, since: q.since, before: q.cursor });
      const data = rows.slice(0, q.limit);
      return { data, nextCursor: rows.length > q.limit ? (data.at(-1)?.id ?? null) : null };
    },
  };
}

export type FunctionsService = ReturnType<typeof createFunctionsService>;
