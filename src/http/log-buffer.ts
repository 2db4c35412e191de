// The server's recent structured log lines, kept in memory for `GET /api/v1/logs` and `vigil logs`
// (besides going to stdout as always). A fixed ring of raw lines: writing costs one array slot, and
// lines are parsed only when someone reads them. Each instance keeps its own.
import type { DestinationStream } from 'pino';

export interface LogRecord {
  time: string;
  level: string;
  msg: string;
  [field: string]: unknown;
}

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

export interface LogBuffer {
  /** Where pino writes (one JSON document a line). */
  readonly stream: DestinationStream;
  /** Lines at or after `since` and at or above `level`, oldest first, at most `limit` (the newest ones). */
  read(q: { since?: Date | undefined; level?: (typeof LOG_LEVELS)[number] | undefined; limit: number }): LogRecord[];
}

export function createLogBuffer(capacity = 2_000): LogBuffer {
  const lines: string[] = new Array<string>(capacity);
  let next = 0;
  let count = 0;
  return {
    stream: {
      write(line: string) {
        lines[next] = line;
        next = (next + 1) % capacity;
        count = Math.min(capacity, count + 1);
      },
    },
    read({ since, level, limit }) {
      const floor = level ? LOG_LEVELS.indexOf(level) : 0;
      const out: LogRecord[] = [];
      for (let i = 0; i < count; i++) {
        const line = lines[(next - count + i + capacity) % capacity] as string;
        let parsed: Record<string, unknown>;
        try {
          parsed = JSON.parse(line) as Record<string, unknown>;
        } catch {
          continue;
        }
        const time = typeof parsed.time === 'number' ? new Date(parsed.time) : new Date(NaN);
        const name = LEVELS[Number(parsed.level)] ?? 'info';
        if (since && !(time >= since)) continue;
        if (LOG_LEVELS.indexOf(name as (typeof LOG_LEVELS)[number]) < floor) continue;
        const { time: _t, level: _l, msg, pid: _p, hostname: _h, ...rest } = parsed;
        out.push({
          ...rest,
          time: Number.isNaN(time.getTime()) ? '' : time.toISOString(),
          level: name,
          msg: typeof msg === 'string' ? msg : '',
        });
      }
      return out.slice(-limit);
    },
  };
}
