import { describe, expect, it } from 'vitest';
import { authorizePrivacy, type Actor } from './actor.js';

const actor = (role: Actor['role'], privacy?: boolean): Actor => ({
  type: 'user',
  id: 'usr_1',
  name: 'ana',
  role,
  ...(privacy !== undefined && { privacy }),
});

describe('authorizePrivacy', () => {
  it.each([
    ['admin without the flag', actor('admin'), true],
    ['admin with the flag', actor('admin', true), true],
    ['responder with the flag', actor('responder', true), true],
    ['responder without the flag', actor('responder'), false],
    ['responder with the flag off', actor('responder', false), false],
    ['viewer with the flag', actor('viewer', true), false],
    ['viewer', actor('viewer'), false],
  ])('%s: allowed=%s', (_name, who, allowed) => {
    if (allowed) expect(() => authorizePrivacy(who)).not.toThrow();
    else expect(() => authorizePrivacy(who)).toThrow(expect.objectContaining({ code: 'auth.forbidden' }));
  });

  it('tells a responder how to get the flag', () => {
    expect(() => authorizePrivacy(actor('responder'))).toThrow(/privacy flag/);
  });
});
