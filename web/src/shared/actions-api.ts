// Mitigation actions' calls (docs/actions.md), shared by the incident page (its Actions panel, "roll back this
// deploy" on a change) and Settings (the actions and the runners): definitions, invoking one on an incident,
// the incident's invocations and the decisions on them, their output, the runners, and the actions a change
// event offers. Answers are generated types; the request bodies are written here. Every key of a list that
// is not an incident's starts with "actions", so one refresh reloads them all.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { isFinal, type ParamValue } from './action-words.ts';
import {
  api,
  type ActionDefinition,
  type ActionInvocation,
  type ActionOffer,
  type ActionOutput,
  type ActionParam,
  type ActionRunner,
  type CreatedActionRunner,
  type Page,
} from './api.ts';

const id = encodeURIComponent;
const DEFINITIONS = '/api/v1/actions/definitions';
const INVOCATIONS = '/api/v1/actions/invocations';
const RUNNERS = '/api/v1/actions/runners';

export const ACTIONS_KEY = ['actions'] as const;
export const definitionsKey = [...ACTIONS_KEY, 'definitions'] as const;
export const runnersKey = [...ACTIONS_KEY, 'runners'] as const;
/** An incident's invocations sit under the incident page's key, so its live refresh reloads them too. */
export const invocationsKey = (incidentKey: readonly unknown[]) => [...incidentKey, 'actions'] as const;

/** A parameter as a definition is written: the answer's shape, its optional parts left out. */
export type ParamInput = Pick<ActionParam, 'name' | 'type' | 'required'> &
  Partial<Pick<ActionParam, 'description' | 'enum' | 'pattern' | 'min' | 'max' | 'default'>>;

/** What running it calls; `secret_headers` are values here (stored sealed), names in the answer. */
export type TargetInput =
  | {
      kind: 'http';
      method: string;
      url: string;
      headers: Record<string, string>;
      secret_headers?: Record<string, string>;
      body: unknown;
    }
  | { kind: 'runner'; group: string; command: string };

/** POST /api/v1/actions/definitions (PATCH takes any part of it). */
export interface DefinitionInput {
  name: string;
  category: ActionDefinition['category'];
  description: string | null;
  enabled: boolean;
  service_ids: string[];
  params: ParamInput[];
  target: TargetInput;
  dry_run: ActionDefinition['dry_run'];
  timeout_seconds: number;
  approval: ActionDefinition['approval'];
}

/** POST /api/v1/incidents/{id}/actions. */
export interface InvokeInput {
  definition_id: string;
  params: Record<string, ParamValue>;
  dry_run: boolean;
}

export interface DefinitionFilter {
  service_id?: string;
  category?: ActionDefinition['category'];
}

export function getDefinitions(filter: DefinitionFilter = {}) {
  const q = new URLSearchParams();
  if (filter.service_id) q.set('service_id', filter.service_id);
  if (filter.category) q.set('category', filter.category);
  const query = q.toString();
  return api<Page<ActionDefinition>>('GET', query ? `${DEFINITIONS}?${query}` : DEFINITIONS);
}
export const getDefinition = (ref: string) => api<ActionDefinition>('GET', `${DEFINITIONS}/${id(ref)}`);
export const createDefinition = (body: DefinitionInput) => api<ActionDefinition>('POST', DEFINITIONS, body);
export const updateDefinition = (ref: string, body: Partial<DefinitionInput>) =>
  api<ActionDefinition>('PATCH', `${DEFINITIONS}/${id(ref)}`, body);
export const deleteDefinition = (ref: string) => api<void>('DELETE', `${DEFINITIONS}/${id(ref)}`);

export const invoke = (incidentRef: string, body: InvokeInput) =>
  api<ActionInvocation>('POST', `/api/v1/incidents/${id(incidentRef)}/actions`, body);
export const getInvocations = (incidentRef: string) =>
  api<Page<ActionInvocation>>('GET', `/api/v1/incidents/${id(incidentRef)}/actions`);
export const getInvocation = (invocationId: string) =>
  api<ActionInvocation>('GET', `${INVOCATIONS}/${id(invocationId)}`);

/** A decision on an invocation: approve or reject one awaiting approval, cancel one not over yet. */
export type Decision =
  | { do: 'approve'; invocation: ActionInvocation }
  | { do: 'reject'; invocation: ActionInvocation; reason?: string }
  | { do: 'cancel'; invocation: ActionInvocation };

export function decide(decision: Decision): Promise<ActionInvocation> {
  const path = `${INVOCATIONS}/${id(decision.invocation.id)}/${decision.do}`;
  return decision.do === 'reject'
    ? api('POST', path, decision.reason ? { reason: decision.reason } : {})
    : api('POST', path, {});
}

/** The output after chunk `after` (all of it from 0: chunks count from 1), oldest first, with the state. */
export const getOutput = (invocationId: string, after: number) =>
  api<ActionOutput>('GET', `${INVOCATIONS}/${id(invocationId)}/output?after=${after}`);
/** The output as server-sent events (`output`, `state`, `end`); the session cookie authenticates it. */
export const outputStreamPath = (invocationId: string) => `${INVOCATIONS}/${id(invocationId)}/output/stream`;

export const getRunners = () => api<Page<ActionRunner>>('GET', RUNNERS);
export const createRunner = (body: { name: string; group: string }) => api<CreatedActionRunner>('POST', RUNNERS, body);
export const revokeRunner = (runnerId: string) => api<ActionRunner | undefined>('DELETE', `${RUNNERS}/${id(runnerId)}`);

/** The actions a change event offers ("roll back this deploy"), with parameters prefilled from it. */
export const getOffers = (changeId: string) =>
  api<{ data: ActionOffer[] }>('GET', `/api/v1/actions/offers/${id(changeId)}`);

/** Every definition, or those of one service or category. */
export const useActionDefinitions = (filter: DefinitionFilter = {}, enabled = true) =>
  useQuery({
    queryKey: [...definitionsKey, 'list', filter],
    queryFn: () => getDefinitions(filter),
    enabled,
    staleTime: 30_000,
  });

export const useActionDefinition = (ref: string | undefined) =>
  useQuery({
    queryKey: [...definitionsKey, 'one', ref],
    queryFn: () => getDefinition(ref ?? ''),
    enabled: ref !== undefined,
  });

/** How often an incident's invocations are asked for again while one of them is not over. */
const POLL_MS = 3000;

/**
 * An incident's invocations, newest first. While one is not over the list is asked for again every 3 s, besides
 * the incident stream's refresh (which covers the page's key): a stream that is down must not freeze a run.
 */
export const useIncidentInvocations = (incidentRef: string, incidentKey: readonly unknown[]) =>
  useQuery({
    queryKey: invocationsKey(incidentKey),
    queryFn: () => getInvocations(incidentRef),
    refetchInterval: (query) => (query.state.data?.data.some((i) => !isFinal(i.state)) ? POLL_MS : false),
  });

/** Invokes an action on the incident; the list reloads. */
export function useInvoke(incidentRef: string, incidentKey: readonly unknown[]) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: InvokeInput) => invoke(incidentRef, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: invocationsKey(incidentKey) }),
  });
}

/** Approves, rejects or cancels an invocation; the list reloads. */
export function useDecide(incidentKey: readonly unknown[]) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: decide,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: invocationsKey(incidentKey) }),
  });
}

export const useRunners = () => useQuery({ queryKey: runnersKey, queryFn: getRunners, refetchInterval: 30_000 });

/** The offers of a change event; a change with none shows nothing. */
export const useOffers = (changeId: string, enabled = true) =>
  useQuery({
    queryKey: [...ACTIONS_KEY, 'offers', changeId],
    queryFn: () => getOffers(changeId),
    enabled,
    staleTime: 60_000,
  });
