import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { LazyChildLogger } from './lazy-logger.js';

function capture(level: string) {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { logger, lines };
}

describe('LazyChildLogger', () => {
  it('writes nothing and builds no child for lines below the level', () => {
    const { logger, lines } = capture('warn');
    let children = 0;
    const counting = Object.assign(Object.create(logger) as typeof logger, {
      child: (...a: Parameters<typeof logger.child>) => (children++, logger.child(...a)),
    });
    const log = new LazyChildLogger(counting, { reqId: 'r-1' }, {});
    log.info('incoming request');
    log.debug({ a: 1 }, 'detail');
    expect(lines).toEqual([]);
    expect(children).toBe(0);
    expect(log.level).toBe('warn');
    log.error({ code: 'x' }, 'it broke');
    log.warn('and again');
    expect(children).toBe(1);
    expect(lines.map((l) => [l.reqId, l.msg, l.code])).toEqual([
      ['r-1', 'it broke', 'x'],
      ['r-1', 'and again', undefined],
    ]);
  });

  it('honours a level given for the child, and its own children keep the bindings', () => {
    const { logger, lines } = capture('warn');
    const log = new LazyChildLogger(logger, { reqId: 'r-2' }, { level: 'debug' });
    log.debug('now visible');
    log.child({ part: 'db' }).warn('nested');
    expect(lines.map((l) => [l.reqId, l.msg, l.part ?? null])).toEqual([
      ['r-2', 'now visible', null],
      ['r-2', 'nested', 'db'],
    ]);
    log.level = 'error';
    log.warn('hidden now');
    expect(lines).toHaveLength(2);
  });
});
