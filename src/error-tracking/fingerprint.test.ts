import { describe, expect, it } from 'vitest';
import { parseSentryEvent, type ErrorEvent } from './event.js';
import {
  culpritOf,
  defaultComponents,
  fingerprintHash,
  groupingComponents,
  messageTemplate,
  titleOf,
} from './fingerprint.js';

const NOW = new Date('2026-11-28T10:00:00Z');

function ev(body: Record<string, unknown>): ErrorEvent {
  const parsed = parseSentryEvent(body, NOW, () => '0'.repeat(32));
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.value;
}

const frame = (module: string, fn: string, lineno: number, inApp = true) => ({
  module,
  function: fn,
  lineno,
  colno: 3,
  in_app: inApp,
  filename: `/srv/${module}.js`,
});
const exc = (type: string, value: string, frames: unknown[]) => ({
  exception: { values: [{ type, value, stacktrace: { frames } }] },
});

describe('messageTemplate', () => {
  it.each([
    ['user 17 not found', 'user <n> not found'],
    ['order 3f2a9c1e-6b1d-4e8a-9d2c-0f1e2d3c4b5a failed', 'order <uuid> failed'],
    ['connect to 10.0.0.12 refused', 'connect to <ip> refused'],
    ['pointer 0xdeadbeef', 'pointer <hex>'],
    ['commit a1b2c3d4e5 broke it', 'commit <hex> broke it'],
    ["key 'abc' missing", 'key <s> missing'],
    ['took 12.5 ms', 'took <n> ms'],
    ['plain words stay', 'plain words stay'],
  ])('%s → %s', (input, expected) => {
    expect(messageTemplate(input)).toBe(expected);
  });
});

describe('grouping', () => {
  const base = exc('TypeError', 'x is undefined', [
    frame('node:internal', 'run', 1, false),
    frame('app/a', 'outer', 10),
    frame('app/b', 'inner', 20),
  ]);

  it.each<[string, Record<string, unknown>, Record<string, unknown>, boolean]>([
    [
      'line and column numbers do not matter',
      base,
      exc('TypeError', 'x is undefined', [
        frame('node:internal', 'run', 9, false),
        frame('app/a', 'outer', 11),
        frame('app/b', 'inner', 99),
      ]),
      true,
    ],
    [
      'the value does not matter when there is a stack',
      base,
      exc('TypeError', 'y is undefined', [
        frame('node:internal', 'run', 1, false),
        frame('app/a', 'outer', 10),
        frame('app/b', 'inner', 20),
      ]),
      true,
    ],
    [
      'library frames do not matter when in-app frames exist',
      base,
      exc('TypeError', 'x', [
        frame('node:other', 'tick', 1, false),
        frame('app/a', 'outer', 10),
        frame('app/b', 'inner', 20),
      ]),
      true,
    ],
    [
      'the type matters',
      base,
      exc('RangeError', 'x is undefined', [
        frame('node:internal', 'run', 1, false),
        frame('app/a', 'outer', 10),
        frame('app/b', 'inner', 20),
      ]),
      false,
    ],
    [
      'a different function matters',
      base,
      exc('TypeError', 'x is undefined', [
        frame('node:internal', 'run', 1, false),
        frame('app/a', 'outer', 10),
        frame('app/b', 'other', 20),
      ]),
      false,
    ],
    [
      'without a stack, the value template decides',
      exc('E', 'user 1 missing', []),
      exc('E', 'user 2 missing', []),
      true,
    ],
    [
      'without a stack, different messages split',
      exc('E', 'user 1 missing', []),
      exc('E', 'order 1 missing', []),
      false,
    ],
    ['messages group by template', { message: 'disk 91% full' }, { message: 'disk 97% full' }, true],
    [
      'logentry templates group whatever the params',
      { logentry: { message: 'payment %s declined', formatted: 'payment a declined' } },
      { logentry: { message: 'payment %s declined', formatted: 'payment zzz declined' } },
      true,
    ],
    [
      'an SDK fingerprint overrides the default',
      { ...base, fingerprint: ['one'] },
      { message: 'other', fingerprint: ['one'] },
      true,
    ],
    [
      '{{ default }} extends the default',
      { ...base, fingerprint: ['{{ default }}', 't1'] },
      { ...base, fingerprint: ['{{default}}', 't2'] },
      false,
    ],
    [
      '{{ default }} keeps the default grouping',
      { ...base, fingerprint: ['{{ default }}', 't1'] },
      {
        ...exc('TypeError', 'z', [frame('app/a', 'outer', 1), frame('app/b', 'inner', 2)]),
        fingerprint: ['{{ DEFAULT }}', 't1'],
      },
      true,
    ],
    ['the environment is not part of the fingerprint', { ...base, environment: 'staging' }, base, true],
  ])('%s', (_name, a, b, same) => {
    expect(fingerprintHash(ev(a)) === fingerprintHash(ev(b))).toBe(same);
  });

  it('a synthetic exception (captureMessage with a stack) groups by its message', () => {
    const synthetic = {
      message: 'export done with 3 warnings',
      exception: {
        values: [
          {
            value: 'export done with 3 warnings',
            mechanism: { type: 'generic', synthetic: true },
            stacktrace: { frames: [frame('app/x', 'f', 1)] },
          },
        ],
      },
    };
    expect(defaultComponents(ev(synthetic))).toEqual(['message', 'export done with <n> warnings']);
    expect(titleOf(ev(synthetic))).toBe('export done with 3 warnings');
  });

  it('fills in {{ type }} and keeps other parts verbatim', () => {
    expect(groupingComponents(ev({ ...base, fingerprint: ['{{ type }}', 'db'] }))).toEqual([
      'fingerprint',
      'TypeError',
      'db',
    ]);
  });

  it('titles and culprits', () => {
    expect(titleOf(ev(base))).toBe('TypeError: x is undefined');
    expect(culpritOf(ev(base))).toBe('inner (app/b)');
    expect(culpritOf(ev({ ...base, transaction: 'GET /orders' }))).toBe('GET /orders');
    expect(titleOf(ev({}))).toBe('<unlabeled event>');
    expect(titleOf(ev({ message: 'first line\nsecond line' }))).toBe('first line');
  });
});
