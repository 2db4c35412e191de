import { describe, expect, it } from 'vitest';
import { toHttpError } from './error-handler.js';

describe('toHttpError', () => {
  it.each(['22021', '22P05'])('turns text the database cannot store (PostgreSQL %s) into a 400, not a 500', (code) => {
    const error = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code });
    expect(toHttpError(error)).toEqual({
      status: 400,
      body: { error: { code: 'request.invalid', message: expect.stringContaining('NUL') } },
    });
  });

  it('keeps anything unknown a 500 that says nothing about internals', () => {
    expect(toHttpError(new Error('boom'))).toEqual({
      status: 500,
      body: { error: { code: 'internal', message: 'internal error; the server log has the details' } },
    });
  });
});
