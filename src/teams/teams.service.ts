// Managing teams. Admins shape them; everyone signed in reads them.
import { authorize, type Actor } from '../access/index.js';
import { audit } from '../audit/index.js';
import type { Clock } from '../clock.js';
import { inTransaction, isUniqueViolation, type Db } from '../db/database.js';
import { AppError, notFound } from '../errors.js';
import { newId } from '../ids.js';
import type { UsersService } from '../users/index.js';
import {
  addMember,
  deleteTeam,
  findTeam,
  insertTeam,
  listTeams,
  removeMember,
  saveTeam,
  type Team,
} from './teams.repo.js';

export interface TeamInput {
  name: string;
  description?: string | null | undefined;
  defaultPolicyId?: string | null | undefined;
  /** User ids or handles. */
  members?: string[] | undefined;
}

export interface TeamsDeps {
  db: Db;
  clock: Clock;
  users: UsersService;
  /** Resolves a policy reference to its id, or throws a 404. */
  policyId: (ref: string, q: Db) => Promise<string>;
}

export function createTeamsService({ db, clock, users, policyId }: TeamsDeps) {
  async function load(ref: string, q: Db = db): Promise<Team> {
    const team = await findTeam(q, ref);
    if (!team) throw notFound('team', ref);
    return team;
  }

  const nameTaken = (name: string) =>
    new AppError('team.already_exists', `a team named "${name}" already exists`, { name });

  async function addMembers(trx: Db, team: Team, refs: string[]): Promise<void> {
    const now = clock.now();
    for (const ref of refs) {
      const user = await users.load(ref, trx);
      if (!team.members.includes(user.id)) {
        await addMember(trx, team.id, user.id, now);
        team.members.push(user.id);
      }
    }
  }

  return {
    load,

    async create(actor: Actor, input: TeamInput): Promise<Team> {
      authorize(actor, 'oncall.write');
      const now = clock.now();
      try {
        return await inTransaction(db, async (trx) => {
          const team: Team = {
            id: newId('team', now),
            name: input.name,
            description: input.description ?? null,
            defaultPolicyId: input.defaultPolicyId ? await policyId(input.defaultPolicyId, trx) : null,
            members: [],
            createdAt: now,
            updatedAt: now,
          };
          await insertTeam(trx, team);
          await addMembers(trx, team, input.members ?? []);
          await audit(trx, clock, actor, {
            action: 'team.create',
            target: { type: 'team', id: team.id },
            details: { name: team.name, members: team.members.length },
          });
          return team;
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw nameTaken(input.name);
        throw error;
      }
    },

    async list(actor: Actor, q: { limit: number; cursor?: string | undefined }) {
      authorize(actor, 'read');
      const rows = await listTeams(db, { limit: q.limit + 1, after: q.cursor });
      const data = rows.slice(0, q.limit);
      return { data, nextCursor: rows.length > q.limit ? (data.at(-1)?.id ?? null) : null };
    },

    async get(actor: Actor, ref: string): Promise<Team> {
      authorize(actor, 'read');
      return load(ref);
    },

    async update(actor: Actor, ref: string, patch: Omit<Partial<TeamInput>, 'members'>): Promise<Team> {
      authorize(actor, 'oncall.write');
      try {
        return await inTransaction(db, async (trx) => {
          const team = await load(ref, trx);
          const next: Team = {
            ...team,
            ...(patch.name !== undefined && { name: patch.name }),
            ...(patch.description !== undefined && { description: patch.description }),
            ...(patch.defaultPolicyId !== undefined && {
              defaultPolicyId: patch.defaultPolicyId === null ? null : await policyId(patch.defaultPolicyId, trx),
            }),
            updatedAt: clock.now(),
          };
          await saveTeam(trx, next);
          await audit(trx, clock, actor, {
            action: 'team.update',
            target: { type: 'team', id: team.id },
            details: { fields: Object.keys(patch) },
          });
          return next;
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw nameTaken(patch.name ?? '');
        throw error;
      }
    },

    /** Deletes a team no escalation policy targets (`inUse` names the policies that do). */
    async remove(actor: Actor, ref: string, inUse: (q: Db, teamId: string) => Promise<string[]>): Promise<void> {
      authorize(actor, 'oncall.write');
      await inTransaction(db, async (trx) => {
        const team = await load(ref, trx);
        const policies = await inUse(trx, team.id);
        if (policies.length > 0)
          throw new AppError(
            'team.in_use',
            `"${team.name}" is a target of escalation policies: ${policies.join(', ')}`,
            { policies },
          );
        await deleteTeam(trx, team.id);
        await audit(trx, clock, actor, {
          action: 'team.delete',
          target: { type: 'team', id: team.id },
          details: { name: team.name },
        });
      });
    },

    async addMembers(actor: Actor, ref: string, members: string[]): Promise<Team> {
      authorize(actor, 'oncall.write');
      return inTransaction(db, async (trx) => {
        const team = await load(ref, trx);
        await addMembers(trx, team, members);
        await audit(trx, clock, actor, {
          action: 'team.members_add',
          target: { type: 'team', id: team.id },
          details: { members },
        });
        return team;
      });
    },

    async removeMember(actor: Actor, ref: string, userRef: string): Promise<Team> {
      authorize(actor, 'oncall.write');
      return inTransaction(db, async (trx) => {
        const team = await load(ref, trx);
        const user = await users.load(userRef, trx);
        if (!(await removeMember(trx, team.id, user.id))) throw notFound('team_member', userRef);
        await audit(trx, clock, actor, {
          action: 'team.member_remove',
          target: { type: 'team', id: team.id },
          details: { user: user.handle },
        });
        return load(team.id, trx);
      });
    },
  };
}

export type TeamsService = ReturnType<typeof createTeamsService>;
