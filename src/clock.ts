// Every timestamp Vigil writes comes from a Clock, so SQLite and PostgreSQL agree and tests can fast-forward.

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = {
  now: () => new Date(),
};

/** `clock` moved by `offsetMs`: one instance's skewed clock in fault tests (VIGIL_FAULT_CLOCK_OFFSET). */
export function offsetClock(clock: Clock, offsetMs: number): Clock {
  return offsetMs === 0 ? clock : { now: () => new Date(clock.now().getTime() + offsetMs) };
}

/** A clock that only moves when told to; the scenario tests drive time with it. */
export class FakeClock implements Clock {
  private current: number;

  constructor(start: Date | string = '2026-01-15T09:00:00.000Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  advance(ms: number): void {
    this.current += ms;
  }

  set(at: Date | string): void {
    this.current = new Date(at).getTime();
  }
}

/** Serializes a Date the one way Vigil stores and sends times: ISO 8601 UTC with milliseconds. */
export function iso(at: Date): string {
  return at.toISOString();
}

export function addMs(at: Date, ms: number): Date {
  return new Date(at.getTime() + ms);
}
