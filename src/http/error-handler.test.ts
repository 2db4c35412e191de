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

  it.each([
    ['ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'],
    ['57P01', 'terminating connection due to administrator command'],
    ['57P03', 'the database system is starting up'],
    ['08006', 'connection failure'],
    [undefined, 'Connection terminated unexpectedly'],
    [undefined, 'timeout exceeded when trying to connect'],
  ])('turns an unreachable database (%s: %s) into a 503 that asks to retry, not a 500', (code, message) => {
    const error = Object.assign(new Error(message), code ? { code } : {});
    expect(toHttpError(error)).toEqual({
      status: 503,
      body: {
        error: {
          code: 'database.unavailable',
          message: 'the database cannot be reached; nothing was stored, retry later',
          details: { retry_after_s: 5 },
        },
      },
    });
  });

  it('keeps a deadlock or a constraint error a 500, not a 503', () => {
    expect(toHttpError(Object.assign(new Error('deadlock detected'), { code: '40P01' })).status).toBe(500);
    expect(toHttpError(Object.assign(new Error('duplicate key'), { code: '23505' })).status).toBe(500);
  });

  it('keeps anything unknown a 500 that says nothing about internals', () => {
    expect(toHttpError(new Error('boom'))).toEqual({
      status: 500,
      body: { error: { code: 'internal', message: 'internal error; the server log has the details' } },
    });
  });
});
