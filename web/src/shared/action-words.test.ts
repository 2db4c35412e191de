import { describe, expect, it } from 'vitest';
import { ApiError, type ActionParam, type Severity } from './api.ts';
import {
  appliesTo,
  initialValues,
  isFinal,
  needsApproval,
  paramError,
  paramHint,
  readValues,
  type ApprovalPolicy,
} from './action-words.ts';

const param = (name: string, type: ActionParam['type'], more: Partial<ActionParam> = {}): ActionParam => ({
  name,
  type,
  description: null,
  enum: null,
  pattern: null,
  min: null,
  max: null,
  default: null,
  required: false,
  ...more,
});

describe('needsApproval', () => {
  it.each([
    ['none', 'P0', false, false],
    ['p0_p1', 'P0', false, true],
    ['p0_p1', 'P1', false, true],
    ['p0_p1', 'P2', false, false],
    ['p0_p1', 'P1', true, false],
    ['always', 'P3', false, true],
    ['always', 'P0', true, false],
  ] as const)('%s on a %s incident, dry run %s: %s', (policy, severity, dryRun, expected) => {
    expect(needsApproval(policy as ApprovalPolicy, severity as Severity, dryRun)).toBe(expected);
  });
});

describe('appliesTo and isFinal', () => {
  it('applies to every service when none is named, else only to those named', () => {
    expect(appliesTo({ service_ids: [] }, null)).toBe(true);
    expect(appliesTo({ service_ids: ['s1'] }, 's1')).toBe(true);
    expect(appliesTo({ service_ids: ['s1'] }, 's2')).toBe(false);
    expect(appliesTo({ service_ids: ['s1'] }, null)).toBe(false);
  });
  it('knows which states are over', () => {
    expect(['queued', 'running', 'awaiting_approval'].map((s) => isFinal(s as 'queued'))).toEqual([
      false,
      false,
      false,
    ]);
    expect(['succeeded', 'failed', 'timed_out', 'cancelled', 'rejected'].every((s) => isFinal(s as 'failed'))).toBe(
      true,
    );
  });
});

describe('initialValues', () => {
  it('starts from the prefilled values, then the defaults, else empty', () => {
    const params = [
      param('version', 'string', { default: '4.1' }),
      param('replicas', 'integer', { default: 3 }),
      param('force', 'boolean', { default: true }),
      param('region', 'enum', { enum: ['eu', 'us'] }),
      param('quiet', 'boolean'),
    ];
    expect(initialValues(params, { version: '4.0' })).toEqual({
      version: '4.0',
      replicas: '3',
      force: true,
      region: '',
      quiet: false,
    });
  });
});

describe('readValues', () => {
  const params = [
    param('project', 'string', { pattern: '[a-z]{3}', required: true }),
    param('count', 'integer', { min: 1, max: 10 }),
    param('region', 'enum', { enum: ['eu', 'us'] }),
    param('force', 'boolean'),
    param('note', 'string', { min: 2, max: 5 }),
    param('mode', 'string', { default: 'soft', required: true }),
  ];

  it('turns the form into typed values, leaving out empty optional ones', () => {
    expect(readValues(params, { project: 'abc', count: '4', region: 'eu', force: true, note: '', mode: '' })).toEqual({
      values: { project: 'abc', count: 4, region: 'eu', force: true },
      errors: {},
    });
  });

  it.each([
    [{ project: '' }, 'project', 'Required.'],
    [{ project: 'abcd' }, 'project', 'Must match [a-z]{3}.'],
    [{ project: 'abc', count: '2.5' }, 'count', 'A whole number.'],
    [{ project: 'abc', count: '0' }, 'count', 'At least 1.'],
    [{ project: 'abc', count: '11' }, 'count', 'At most 10.'],
    [{ project: 'abc', region: 'ap' }, 'region', 'One of eu, us.'],
    [{ project: 'abc', note: 'x' }, 'note', 'At least 2 characters.'],
    [{ project: 'abc', note: 'toolong' }, 'note', 'At most 5 characters.'],
  ])('refuses %j at %s', (form, field, message) => {
    expect(readValues(params, form).errors[field]).toBe(message);
  });

  it('leaves a pattern it cannot compile to the server', () => {
    expect(readValues([param('x', 'string', { pattern: '(' })], { x: 'anything' }).errors).toEqual({});
  });
});

describe('paramHint', () => {
  it('says what a field takes in a few words', () => {
    expect(paramHint(param('p', 'string', { min: 3, max: 40, pattern: '[a-z]+', description: 'Project' }))).toBe(
      'Project · 3–40 characters · matches [a-z]+',
    );
    expect(paramHint(param('n', 'integer', { min: 1 }))).toBe('at least 1');
    expect(paramHint(param('b', 'boolean'))).toBeNull();
  });
});

describe('paramError', () => {
  it('finds the parameter a refusal names, in its details or its message', () => {
    expect(
      paramError(new ApiError(422, 'action.invalid_param', 'params.project: is required', { field: 'params.project' })),
    ).toEqual({ name: 'project', message: 'Is required' });
    expect(paramError(new ApiError(422, 'action.invalid_param', 'params.count: must be at most 10'))).toEqual({
      name: 'count',
      message: 'Must be at most 10',
    });
    expect(paramError(new ApiError(409, 'action.invalid_transition', 'cannot approve'))).toBeNull();
    expect(paramError(new Error('params.x: no'))).toBeNull();
  });
});
