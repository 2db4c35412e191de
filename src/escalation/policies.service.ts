// Managing escalation policies. Admins edit them; everyone signed in reads them. The seed's chain
// is written by migration 005, so an incident always has a policy to climb.
import { authorize, type Actor } from '../access/index.js';
import { audit } from '../audit/index.js';
import type { Clock } from '../clock.js';
import { inTransaction, isUniqueViolation, type Db } from '../db/database.js';
import { AppError, notFound } from '../errors.js';
import { newId } from '../ids.js';
import { deletePolicy, findPolicy, insertPolicy, listPolicies, policyUsers, savePolicy } from './policies.repo.js';
import { policyProblems, type EscalateWhile, type Level, type Policy, type Target } from './policy.js';

export interface PolicyInput {
  name: string;
  description?: string | null | undefined;
  escalateWhile: EscalateWhile;
  repeat: number;
  levels: Level[];
}

export interface PoliciesDeps {
  db: Db;
  clock: Clock;
  /** A target's id (it may be given by handle or name), or undefined when it does not exist. */
  resolveTarget: (db: Db, target: Target) => Promise<string | undefined>;
}

/** The policy `ref` names (id or name) as `q` sees it; 404 when there is none. */
export async function loadPolicy(q: Db, ref: string): Promise<Policy> {
  const policy = await findPolicy(q, ref);
  if (!policy) throw notFound('escalation_policy', ref);
  return policy;
}

export function createPoliciesService({ db, clock, resolveTarget }: PoliciesDeps) {
  const load = (ref: string, q: Db = db): Promise<Policy> => loadPolicy(q, ref);

  /** Validates the levels and returns them with every target stored by id (so renames do not break it). */
  async function check(q: Db, levels: Level[]): Promise<Level[]> {
    const problems = policyProblems(levels);
    const out: Level[] = [];
    for (const [i, level] of levels.entries()) {
      const targets: Target[] = [];
      for (const [j, target] of level.targets.entries()) {
        const id = await resolveTarget(q, target);
        if (id === undefined) problems.push(`levels[${i}].targets[${j}]: no ${target.type} "${target.id}"`);
        else targets.push({ type: target.type, id });
      }
      out.push({ ...level, targets });
    }
    if (problems.length > 0) throw new AppError('escalation_policy.invalid', problems.join('; '), { problems });
    return out;
  }

  const nameTaken = (name: string) =>
    new AppError('escalation_policy.already_exists', `an escalation policy named "${name}" already exists`, { name });

  return {
    load,

    async create(actor: Actor, input: PolicyInput): Promise<Policy> {
      authorize(actor, 'oncall.write');
      const now = clock.now();
      const policy: Policy = {
        id: newId('pol', now),
        ...input,
        description: input.description ?? null,
        createdAt: now,
        updatedAt: now,
      };
      try {
        return await inTransaction(db, async (trx) => {
          policy.levels = await check(trx, policy.levels);
          await insertPolicy(trx, policy);
          await audit(trx, clock, actor, {
            action: 'escalation_policy.create',
            target: { type: 'escalation_policy', id: policy.id },
            details: { name: policy.name },
          });
          return policy;
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw nameTaken(input.name);
        throw error;
      }
    },

    async list(actor: Actor, q: { limit: number; cursor?: string | undefined }) {
      authorize(actor, 'read');
      const rows = await listPolicies(db, { limit: q.limit + 1, after: q.cursor });
      const data = rows.slice(0, q.limit);
      return { data, nextCursor: rows.length > q.limit ? (data.at(-1)?.id ?? null) : null };
    },

    async get(actor: Actor, ref: string): Promise<Policy> {
      authorize(actor, 'read');
      return load(ref);
    },

    /** Changes apply to running escalations from their next level on. */
    async update(actor: Actor, ref: string, patch: Partial<PolicyInput>): Promise<Policy> {
      authorize(actor, 'oncall.write');
      try {
        return await inTransaction(db, async (trx) => {
          const current = await load(ref, trx);
          const next: Policy = {
            ...current,
            ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
            updatedAt: clock.now(),
          };
          next.levels = await check(trx, next.levels);
          await savePolicy(trx, next);
          await audit(trx, clock, actor, {
            action: 'escalation_policy.update',
            target: { type: 'escalation_policy', id: current.id },
            details: { fields: Object.keys(patch) },
          });
          return next;
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw nameTaken(patch.name ?? '');
        throw error;
      }
    },

    /** Names of the policies with a level targeting `target` (a schedule or team about to be deleted). */
    async targeting(q: Db, target: Target): Promise<string[]> {
      const names: string[] = [];
      for (let after: string | undefined, more = true; more;) {
        const page = await listPolicies(q, { limit: 200, after });
        for (const p of page)
          if (p.levels.some((l) => l.targets.some((t) => t.type === target.type && t.id === target.id)))
            names.push(p.name);
        after = page.at(-1)?.id;
        more = page.length === 200;
      }
      return names;
    },

    async remove(actor: Actor, ref: string): Promise<void> {
      authorize(actor, 'oncall.write');
      await inTransaction(db, async (trx) => {
        const policy = await load(ref, trx);
        const users = await policyUsers(trx, policy.id);
        if (users.services + users.teams + users.escalations > 0) {
          throw new AppError(
            'escalation_policy.in_use',
            `"${policy.name}" is used by ${users.services} service(s), ${users.teams} team(s) ` +
              `and ${users.escalations} escalation(s); change it instead, or point those elsewhere first`,
            users,
          );
        }
        await deletePolicy(trx, policy.id);
        await audit(trx, clock, actor, {
          action: 'escalation_policy.delete',
          target: { type: 'escalation_policy', id: policy.id },
          details: { name: policy.name },
        });
      });
    },
  };
}

export type PoliciesService = ReturnType<typeof createPoliciesService>;
