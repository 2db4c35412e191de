// Queries of the on-call and settings screens: people, teams, schedules and escalation policies (their
// shapes are generated API types), and the choices their forms offer. Query keys live here so a change
// on one screen refreshes the other.
import { useMutation, useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useMemo } from 'react';
import {
  api,
  type ContactKind,
  type Page,
  type Policy,
  type RotationKind,
  type Schedule,
  type Severity,
  type TargetType,
  type Team,
  type User,
} from './api.ts';
import { toast } from '../ui/index.ts';

export const CONTACT_KINDS = [
  'email',
  'sms',
  'voice',
  'slack',
  'teams',
  'mattermost',
  'webhook',
] as const satisfies readonly ContactKind[];
export const SEVERITIES: readonly Severity[] = ['P0', 'P1', 'P2', 'P3'];
export const TARGET_TYPES = ['user', 'schedule', 'team'] as const satisfies readonly TargetType[];
export const ROTATION_KINDS = ['hourly', 'daily', 'weekly', 'custom'] as const satisfies readonly RotationKind[];

export const id = (value: string) => encodeURIComponent(value);

export const KEYS = {
  users: ['users', 'list'],
  teams: ['teams', 'list'],
  schedules: ['schedules', 'list'],
  policies: ['escalation-policies', 'list'],
  oncall: ['oncall'],
  shifts: ['shifts'],
  overrides: ['overrides'],
  tokens: ['tokens', 'list'],
  stakeholders: ['stakeholders', 'list'],
  templates: ['templates', 'list'],
  contactMethods: (userId: string) => ['contact-methods', userId],
  rules: (userId: string) => ['notification-rules', userId],
} as const;

// Lists ask for the API's largest page; a self-hosted team has far fewer people or schedules.
export const useUsers = () =>
  useQuery({
    queryKey: KEYS.users,
    queryFn: () => api<Page<User>>('GET', '/api/v1/users?limit=200'),
    staleTime: 60_000,
  });
export const useTeams = () =>
  useQuery({
    queryKey: KEYS.teams,
    queryFn: () => api<Page<Team>>('GET', '/api/v1/teams?limit=200'),
    staleTime: 60_000,
  });
export const useSchedules = () =>
  useQuery({ queryKey: KEYS.schedules, queryFn: () => api<Page<Schedule>>('GET', '/api/v1/schedules?limit=200') });
export const usePolicies = () =>
  useQuery({
    queryKey: KEYS.policies,
    queryFn: () => api<Page<Policy>>('GET', '/api/v1/escalation-policies?limit=200'),
  });

/**
 * Saves a resource edited in a form: PATCH to `collection/:id` when it exists, POST to `collection` when
 * it is new; then refreshes the given queries, says so in a toast ("Schedule “Primary” saved") and calls
 * `onSaved`.
 */
export function useSaveResource<T extends { id: string; name: string }>({
  collection,
  noun,
  existing,
  body,
  refresh,
  onSaved,
}: {
  collection: string;
  /** What the resource is called on screen: "Schedule", "Escalation policy". */
  noun: string;
  existing: T | undefined;
  body: () => unknown;
  refresh: QueryKey[];
  onSaved: () => void;
}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      existing ? api<T>('PATCH', `${collection}/${id(existing.id)}`, body()) : api<T>('POST', collection, body()),
    onSuccess: (saved) => {
      for (const key of refresh) void queryClient.invalidateQueries({ queryKey: key });
      toast(`${noun} “${saved.name}” ${existing ? 'saved' : 'created'}`);
      onSaved();
    },
  });
}

/** Deletes one resource of `collection` by id, then refreshes the given queries. */
export function useRemoveResource(collection: string, refresh: QueryKey[]) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (resourceId: string) => api<void>('DELETE', `${collection}/${id(resourceId)}`),
    onSuccess: () => {
      for (const key of refresh) void queryClient.invalidateQueries({ queryKey: key });
    },
  });
}

/** The contact a `ContactFields` form holds: kind, trimmed address, and the signing secret when one was given. */
export function readContact(f: FormData): { kind: ContactKind; address: string; secret?: string } {
  const secret = String(f.get('secret') ?? '');
  return {
    kind: f.get('kind') as ContactKind,
    address: String(f.get('address')).trim(),
    ...(secret ? { secret } : {}),
  };
}

/** People by id, and a label for an id: "Ada Lovelace (@ada)", or the id itself while unknown. */
export function usePeople() {
  const users = useUsers();
  return useMemo(() => {
    const byId = new Map((users.data?.data ?? []).map((u) => [u.id, u]));
    const label = (userId: string | null) => {
      if (userId === null) return 'nobody';
      const user = byId.get(userId);
      return user ? `${user.name} (@${user.handle})` : userId;
    };
    const list = users.data?.data ?? [];
    /** Deactivated people stay in `list` (for names) but are not offered for new shifts or pages. */
    return { list, active: list.filter((u) => u.active), byId, label, error: users.error };
  }, [users.data, users.error]);
}

/** "0 min", "15 min", "1 h 30 min". */
export function minutes(seconds: number): string {
  const m = Math.round(seconds / 60);
  if (m < 60) return `${m} min`;
  return m % 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${m / 60} h`;
}

/** A Date as the value of an <input type="datetime-local"> in the browser's zone. */
export function localInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}

/** An <input type="datetime-local"> value (browser's zone) as an ISO instant; '' stays ''. */
export function fromLocalInput(value: string): string {
  return value ? new Date(value).toISOString() : '';
}

const RANGE = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
});
const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** "Mon 30 Nov, 09:00 – 17:00" or "Mon 30 Nov, 09:00 – Tue 1 Dec, 09:00". */
export function range(start: string, end: string): string {
  const a = new Date(start);
  const b = new Date(end);
  const sameDay = a.toDateString() === b.toDateString();
  return `${RANGE.format(a)} – ${sameDay ? TIME.format(b) : RANGE.format(b)}`;
}
