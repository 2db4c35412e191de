import { describe, expect, it } from 'vitest';
import type { ActionDefinition } from '../shared/api.ts';
import { blankHeader, blankParam, bodyOf, draftOf, DraftError, secretsNeedRetyping } from './action-draft.ts';

const http: ActionDefinition = {
  id: 'act_1',
  name: 'flag-off',
  category: 'maintenance_mode',
  description: 'Turn a flag off',
  enabled: true,
  service_ids: ['svc_1'],
  params: [
    {
      name: 'duration_minutes',
      type: 'integer',
      description: null,
      enum: null,
      pattern: null,
      min: 1,
      max: 120,
      default: 30,
      required: true,
    },
    {
      name: 'region',
      type: 'enum',
      description: 'Where',
      enum: ['eu', 'us'],
      pattern: null,
      min: null,
      max: null,
      default: null,
      required: false,
    },
    {
      name: 'check',
      type: 'boolean',
      description: null,
      enum: null,
      pattern: null,
      min: null,
      max: null,
      default: false,
      required: false,
    },
  ],
  target: {
    kind: 'http',
    method: 'POST',
    url: 'https://ops.example.com/flags/{{params.region}}',
    headers: { 'X-Reason': 'incident {{incident.number}}' },
    secret_headers: ['Authorization'],
    body: { minutes: '{{params.duration_minutes}}' },
  },
  dry_run: { supported: true, param: 'check', flag: null },
  timeout_seconds: 60,
  approval: 'always',
  created_at: '2026-12-07T10:00:00Z',
  updated_at: '2026-12-07T10:00:00Z',
};

describe('draftOf and bodyOf', () => {
  it('gives back the definition it was made from, secret headers left alone', () => {
    const body = bodyOf(draftOf(http), ['Authorization']);
    expect(body).toEqual({
      name: 'flag-off',
      category: 'maintenance_mode',
      description: 'Turn a flag off',
      enabled: true,
      service_ids: ['svc_1'],
      params: http.params,
      target: {
        kind: 'http',
        method: 'POST',
        url: 'https://ops.example.com/flags/{{params.region}}',
        headers: { 'X-Reason': 'incident {{incident.number}}' },
        body: { minutes: '{{params.duration_minutes}}' },
      },
      dry_run: { supported: true, param: 'check', flag: null },
      timeout_seconds: 60,
      approval: 'always',
    });
  });

  it('writes a runner action with its dry-run flag', () => {
    const draft = {
      ...draftOf(),
      name: ' restart ',
      category: 'restart' as const,
      kind: 'runner' as const,
      group: 'production',
      command: 'supabase-deploy',
      dryRunSupported: true,
      dryRunFlag: '--dry-run',
      params: [{ ...blankParam(), name: 'project', pattern: '[a-z]{20}', required: true, min: '20' }],
    };
    expect(bodyOf(draft)).toMatchObject({
      name: 'restart',
      target: { kind: 'runner', group: 'production', command: 'supabase-deploy' },
      dry_run: { supported: true, param: null, flag: '--dry-run' },
      params: [{ name: 'project', type: 'string', pattern: '[a-z]{20}', min: 20, max: null, required: true }],
    });
  });

  it('sends secret headers only when they change, and asks for the stored ones again then', () => {
    const draft = draftOf(http);
    const typed = { ...draft, secrets: [{ ...blankHeader(), name: 'X-Api-Key', value: 'k' }] };
    expect(secretsNeedRetyping(typed, ['Authorization'])).toEqual(['Authorization']);
    expect(() => bodyOf(typed, ['Authorization'])).toThrow(DraftError);
    const removed = { ...typed, storedSecrets: [] };
    expect(bodyOf(removed, ['Authorization']).target).toMatchObject({ secret_headers: { 'X-Api-Key': 'k' } });
  });

  it.each([
    [{ name: '' }, /^Name/],
    [{ url: ' ' }, /^URL/],
    [{ body: '{ nope' }, /^Body: not JSON/],
    [{ timeoutSeconds: '1.5' }, /^Timeout/],
    [{ params: [{ ...blankParam(), name: '' }] }, /^Parameter 1: a name/],
    [{ kind: 'runner' as const, group: '', command: 'x' }, /^Runner/],
  ])('refuses %j before sending', (patch, message) => {
    expect(() => bodyOf({ ...draftOf(http), ...patch }, ['Authorization'])).toThrow(message);
  });
});
