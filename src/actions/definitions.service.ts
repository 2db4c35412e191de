// Action definitions and runners: admins write them, every role reads. Secret header values are sealed
// with VIGIL_SECRET_KEY before they are stored and never leave again. Runner tokens are shown once and
// stored as digests; they authenticate only on the runner routes.
import { authorize, digest, generateToken, hintOf, seal, type Actor } from '../access/index.js';
import { audit } from '../audit/index.js';
import type { Clock } from '../clock.js';
import { inTransaction, isUniqueViolation, type Db } from '../db/database.js';
import { AppError, notFound } from '../errors.js';
import { newId } from '../ids.js';
import { parseAllowlist } from '../net/index.js';
import type { ServicesService } from '../services/index.js';
import {
  DEFAULT_TIMEOUT_SECONDS,
  appliesTo,
  defaultApproval,
  type ActionCategory,
  type ActionDefinition,
  type ActionSpec,
  type ActionTarget,
  type ApprovalPolicy,
} from './action.js';
import {
  deleteDefinition,
  findDefinition,
  findLiveRunnerByDigest,
  findRunner,
  insertDefinition,
  insertRunner,
  listDefinitions,
  listRunners,
  revokeRunner,
  touchRunner,
  updateDefinition,
  type Runner,
} from './actions.repo.js';
import { RUNNER_NAME, checkDefinition } from './definition.js';
import { EXAMPLE_DEFINITIONS } from './examples.js';
import { fullSpec, type ParamSpec, type ParamValue } from './params.js';
import type { Json } from './template.js';

/** Runner tokens: "vgr_" and 43 base64url characters. */
export const RUNNER_TOKEN_PREFIX = 'vgr_';

export type TargetInput =
  | {
      kind: 'http';
      method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
      url: string;
      headers?: Record<string, string> | undefined;
      /** Plain values on input; sealed before they are stored. Omitted on a change: the stored ones stay. */
      secretHeaders?: Record<string, string> | undefined;
      body?: Json | undefined;
    }
  | { kind: 'runner'; group: string; command: string };

export interface DefinitionInput {
  name: string;
  category: ActionCategory;
  description?: string | null | undefined;
  enabled?: boolean | undefined;
  serviceIds?: string[] | undefined;
  params?: ParamSpec[] | undefined;
  target: TargetInput;
  dryRun?: { supported: boolean; param?: string | null | undefined; flag?: string | null | undefined } | undefined;
  timeoutSeconds?: number | undefined;
  approval?: ApprovalPolicy | undefined;
}

export interface ActionOffer {
  definition: ActionDefinition;
  params: Record<string, ParamValue>;
}

/** Parameters a rollback takes its target version in, and the change-event fields a version is read from. */
const VERSION_PARAMS = ['version', 'rollback_target', 'target_version', 'to_version', 'release'];
const VERSION_FIELDS = ['version', 'previous_version', 'release', 'revision', 'commit', 'sha', 'tag'];

export interface DefinitionsDeps {
  db: Db;
  clock: Clock;
  services: ServicesService;
  secretKey: Buffer | undefined;
  outboundAllow?: string | undefined;
}

export function createDefinitionsService({ db, clock, services, secretKey, outboundAllow }: DefinitionsDeps) {
  const allow = parseAllowlist(outboundAllow);

  async function load(ref: string, q: Db = db): Promise<ActionDefinition> {
    const found = await findDefinition(q, ref);
    if (!found) throw notFound('action', ref);
    return found;
  }

  function sealed(headers: Record<string, string>): Record<string, string> {
    if (Object.keys(headers).length === 0) return {};
    if (!secretKey)
      throw new AppError(
        'action.conflict',
        'VIGIL_SECRET_KEY is not set on the server: secret headers are stored sealed with it ' +
          '(e.g. VIGIL_SECRET_KEY=$(openssl rand -hex 32))',
      );
    return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, seal(secretKey, v)]));
  }

  function targetOf(input: TargetInput, before: ActionTarget | undefined): ActionTarget {
    if (input.kind === 'runner') return { kind: 'runner', group: input.group, command: input.command };
    const keep = before?.kind === 'http' ? before.secretHeaders : {};
    return {
      kind: 'http',
      method: input.method,
      url: input.url,
      headers: input.headers ?? {},
      secretHeaders: input.secretHeaders === undefined ? keep : sealed(input.secretHeaders),
      body: input.body ?? null,
    };
  }

  function specOf(input: DefinitionInput, before?: ActionDefinition): ActionSpec {
    const dryRun = input.dryRun ?? { supported: false };
    return {
      name: input.name,
      category: input.category,
      description: input.description ?? null,
      enabled: input.enabled ?? true,
      serviceIds: [...new Set(input.serviceIds ?? [])],
      params: (input.params ?? []).map(fullSpec),
      target: targetOf(input.target, before?.target),
      dryRun: dryRun.supported
        ? { supported: true, param: dryRun.param ?? null, flag: dryRun.flag ?? null }
        : { supported: false, param: null, flag: null },
      timeoutSeconds: input.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
      approval: input.approval ?? defaultApproval(input.category),
    };
  }

  /** The services named exist (422 naming the first that does not); their ids. */
  async function serviceIdsOf(q: Db, refs: readonly string[]): Promise<string[]> {
    const ids: string[] = [];
    for (const [i, ref] of refs.entries()) {
      const service = await services.load(ref, q).catch(() => undefined);
      if (!service)
        throw new AppError(
          'action.unknown_service',
          `service_ids[${i}]: ${JSON.stringify(ref)} is not a service`,
          { field: `service_ids.${i}`, service: ref },
          'unprocessable',
        );
      ids.push(service.id);
    }
    return [...new Set(ids)];
  }

  /** A stored target as input again, its sealed headers left out (specOf keeps them). */
  const storedTarget = (t: ActionTarget): TargetInput =>
    t.kind === 'runner' ? t : { kind: 'http', method: t.method, url: t.url, headers: t.headers, body: t.body };

  const nameTaken = (name: string) =>
    new AppError('action.already_exists', `an action named "${name}" exists`, { field: 'name', name });

  return {
    load,

    async create(actor: Actor, input: DefinitionInput): Promise<ActionDefinition> {
      authorize(actor, 'service.write');
      const spec = specOf(input);
      checkDefinition(spec, allow);
      const now = clock.now();
      try {
        return await inTransaction(db, async (trx) => {
          const d: ActionDefinition = {
            ...spec,
            serviceIds: await serviceIdsOf(trx, spec.serviceIds),
            id: newId('act', now),
            createdAt: now,
            updatedAt: now,
          };
          if (await findDefinition(trx, d.name)) throw nameTaken(d.name);
          await insertDefinition(trx, d);
          await audit(trx, clock, actor, {
            action: 'action.definition_create',
            target: { type: 'action', id: d.id },
            details: { name: d.name, category: d.category, target: d.target.kind, approval: d.approval },
          });
          return d;
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw nameTaken(spec.name);
        throw error;
      }
    },

    /** Definitions by name, those of a service (and those for every service) or one category. */
    async list(
      actor: Actor,
      q: { service?: string | undefined; category?: ActionCategory | undefined } = {},
    ): Promise<ActionDefinition[]> {
      authorize(actor, 'read');
      const serviceId = q.service ? (await services.get(actor, q.service)).id : undefined;
      return (await listDefinitions(db)).filter(
        (d) => (!serviceId || appliesTo(d, serviceId)) && (!q.category || d.category === q.category),
      );
    },

    async get(actor: Actor, ref: string): Promise<ActionDefinition> {
      authorize(actor, 'read');
      return load(ref);
    },

    /** Changes a definition: the fields given replace the stored ones (a target is replaced whole). */
    async update(actor: Actor, ref: string, patch: Partial<DefinitionInput>): Promise<ActionDefinition> {
      authorize(actor, 'service.write');
      try {
        return await inTransaction(db, async (trx) => {
          const before = await load(ref, trx);
          const input: DefinitionInput = {
            name: patch.name ?? before.name,
            category: patch.category ?? before.category,
            description: patch.description === undefined ? before.description : patch.description,
            enabled: patch.enabled ?? before.enabled,
            serviceIds: patch.serviceIds ?? before.serviceIds,
            params: patch.params ?? before.params,
            target: patch.target ?? storedTarget(before.target),
            dryRun: patch.dryRun ?? before.dryRun,
            timeoutSeconds: patch.timeoutSeconds ?? before.timeoutSeconds,
            approval: patch.approval ?? before.approval,
          };
          const spec = specOf(input, before);
          checkDefinition(spec, allow);
          const after: ActionDefinition = {
            ...before,
            ...spec,
            serviceIds: await serviceIdsOf(trx, spec.serviceIds),
            updatedAt: clock.now(),
          };
          const other = after.name !== before.name ? await findDefinition(trx, after.name) : undefined;
          if (other) throw nameTaken(after.name);
          await updateDefinition(trx, after);
          await audit(trx, clock, actor, {
            action: 'action.definition_update',
            target: { type: 'action', id: after.id },
            details: { fields: Object.keys(patch), enabled: after.enabled },
          });
          return after;
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw nameTaken(patch.name ?? ref);
        throw error;
      }
    },

    /** Deletes a definition; invocations keep their frozen copy. */
    async remove(actor: Actor, ref: string): Promise<void> {
      authorize(actor, 'service.write');
      await inTransaction(db, async (trx) => {
        const d = await load(ref, trx);
        await deleteDefinition(trx, d.id);
        await audit(trx, clock, actor, {
          action: 'action.definition_delete',
          target: { type: 'action', id: d.id },
          details: { name: d.name },
        });
      });
    },

    /**
     * Writes the seed's Phase 3 examples, disabled, unless an action of that name exists: at every start, so
     * the first start writes them and later ones leave them (and their edits, or their deletion) alone —
     * a marker in the audit log says they were written once. Returns how many it wrote.
     */
    async importExamples(): Promise<number> {
      const now = clock.now();
      return inTransaction(db, async (trx) => {
        const seeded = await trx
          .selectFrom('audit_log')
          .select('id')
          .where('action', '=', 'action.examples_import')
          .executeTakeFirst();
        if (seeded) return 0;
        let written = 0;
        for (const spec of EXAMPLE_DEFINITIONS) {
          if (await findDefinition(trx, spec.name)) continue;
          await insertDefinition(trx, { ...spec, id: newId('act', now), createdAt: now, updatedAt: now });
          written += 1;
        }
        await audit(
          trx,
          clock,
          { type: 'system', id: null, name: 'vigil', role: 'admin' },
          {
            action: 'action.examples_import',
            target: { type: 'action', id: 'examples' },
            details: { written },
          },
        );
        return written;
      });
    },

    /**
     * Rollback actions offered for a change event (a deploy): enabled, of category rollback, applying to the
     * change's service, with the version parameter prefilled from the change's details.
     */
    async offers(actor: Actor, changeId: string): Promise<ActionOffer[]> {
      authorize(actor, 'read');
      const change = await services.change(changeId);
      if (!change) throw notFound('change', changeId);
      const details = (change.details.custom_details ?? {}) as Record<string, unknown>;
      const version = VERSION_FIELDS.map((f) => details[f]).find(
        (v): v is string | number => typeof v === 'string' || typeof v === 'number',
      );
      return (await listDefinitions(db))
        .filter((d) => d.enabled && d.category === 'rollback' && appliesTo(d, change.serviceId))
        .map((definition) => {
          const p = definition.params.find((x) => VERSION_PARAMS.includes(x.name) && x.type === 'string');
          return { definition, params: p && version !== undefined ? { [p.name]: String(version) } : {} };
        });
    },

    // Runners.

    async createRunner(
      actor: Actor,
      input: { name: string; group: string },
    ): Promise<{ runner: Runner; token: string }> {
      authorize(actor, 'token.write');
      if (!RUNNER_NAME.test(input.group))
        throw new AppError(
          'action.invalid_runner',
          'group: must be 1–64 characters of a-z, 0-9, ".", "_" or "-"',
          { field: 'group' },
          'unprocessable',
        );
      const now = clock.now();
      const token = generateToken(RUNNER_TOKEN_PREFIX);
      const runner: Runner = {
        id: newId('run', now),
        name: input.name,
        group: input.group,
        hint: hintOf(token),
        version: null,
        hostname: null,
        commands: [],
        lastSeenAt: null,
        createdAt: now,
        revokedAt: null,
      };
      await inTransaction(db, async (trx) => {
        await insertRunner(trx, runner, digest(token));
        await audit(trx, clock, actor, {
          action: 'action.runner_create',
          target: { type: 'runner', id: runner.id },
          details: { name: runner.name, group: runner.group },
        });
      });
      return { runner, token };
    },

    async runners(actor: Actor): Promise<Runner[]> {
      authorize(actor, 'read');
      return listRunners(db);
    },

    async revokeRunner(actor: Actor, id: string): Promise<Runner> {
      authorize(actor, 'token.write');
      return inTransaction(db, async (trx) => {
        const runner = await findRunner(trx, id);
        if (!runner) throw notFound('runner', id);
        if (!runner.revokedAt) {
          await revokeRunner(trx, id, clock.now());
          await audit(trx, clock, actor, {
            action: 'action.runner_revoke',
            target: { type: 'runner', id },
            details: { name: runner.name },
          });
        }
        return (await findRunner(trx, id)) as Runner;
      });
    },

    /** The runner a bearer secret stands for (live ones only). */
    async authenticateRunner(secret: string): Promise<Runner | undefined> {
      if (!secret.startsWith(RUNNER_TOKEN_PREFIX)) return undefined;
      return findLiveRunnerByDigest(db, digest(secret));
    },

    /** Records what a runner reported about itself (its claim calls are its heartbeat). */
    async seen(
      runner: Runner,
      report: { version: string | null; hostname: string | null; commands: string[] },
    ): Promise<void> {
      await touchRunner(db, runner.id, { ...report, at: clock.now() });
    },
  };
}

export type DefinitionsService = ReturnType<typeof createDefinitionsService>;
