// The post-mortem page's calls (docs/postmortems.md): the post-mortem of an incident (`ref` is its number or
// id, as the server takes both), its sections, timeline entries, state, meeting, share link and exports, and
// the incident's follow-ups. Every change answers with the whole post-mortem, which the page puts in its cache.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type FollowUp, type Page, type Postmortem, type PostmortemShare } from '../shared/api.ts';

const base = (ref: string) => `/api/v1/incidents/${encodeURIComponent(ref)}/postmortem`;

export const postmortemKey = (ref: string) => ['postmortem', ref] as const;

/** Where the export downloads from: the session cookie goes with a plain link, so no fetch is needed. */
export const exportUrl = (ref: string, format: 'md' | 'pdf') => `${base(ref)}?format=${format}`;

export const getPostmortem = (ref: string) => api<Postmortem>('GET', base(ref));

/** A change of state, owner, meeting time or attendees (request body: hand-written, not generated). */
export interface PostmortemPatch {
  state?: Postmortem['state'];
  owner_id?: string;
  meeting_at?: string | null;
  attendees?: string[];
}

export const patchPostmortem = (ref: string, body: PostmortemPatch) => api<Postmortem>('PATCH', base(ref), body);
export const saveSection = (ref: string, key: string, body: { text: string; version: number }) =>
  api<Postmortem>('PUT', `${base(ref)}/sections/${encodeURIComponent(key)}`, body);
export const patchEntry = (ref: string, entryId: string, body: { included?: boolean; annotation?: string | null }) =>
  api<Postmortem>('PATCH', `${base(ref)}/timeline/${encodeURIComponent(entryId)}`, body);
export const share = (ref: string) => api<PostmortemShare>('POST', `${base(ref)}/share`, {});
export const unshare = (ref: string) => api<void>('DELETE', `${base(ref)}/share`);
export const createPostmortem = (ref: string) => api<Postmortem>('POST', base(ref), {});

/** The incident's follow-ups (every state but deleted), the post-mortem's action items. */
export const listFollowUps = (incidentId: string) =>
  api<Page<FollowUp>>('GET', `/api/v1/follow-ups?limit=200&incident_id=${encodeURIComponent(incidentId)}`);

export function usePostmortem(ref: string) {
  return useQuery({ queryKey: postmortemKey(ref), queryFn: () => getPostmortem(ref) });
}

/**
 * A change to the post-mortem whose answer (the whole post-mortem) replaces the cached one, so every panel
 * shows what the server stored; the incident's page reloads too (changes go on its timeline).
 */
export function usePostmortemChange<V>(ref: string, call: (vars: V) => Promise<Postmortem>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSuccess: (pm) => {
      queryClient.setQueryData(postmortemKey(ref), pm);
      void queryClient.invalidateQueries({ queryKey: ['incident', ref] });
    },
  });
}
