import { describe, expect, it } from 'vitest';
import { Brake } from './brake.js';

const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1) + minutes * 60_000);

describe('Brake', () => {
  it('lets nine failures pass and brakes the tenth until the oldest leaves the 15-minute window', () => {
    const brake = new Brake();
    for (let i = 0; i < 9; i++) brake.fail(['handle:a'], at(i));
    expect(brake.retryAfter(['handle:a'], at(9))).toBe(0);
    brake.fail(['handle:a'], at(9));
    // The first failure (minute 0) leaves the window at minute 15.
    expect(brake.retryAfter(['handle:a'], at(10))).toBe(5 * 60);
    expect(brake.retryAfter(['handle:a'], at(14.5))).toBe(30);
    expect(brake.retryAfter(['handle:a'], at(15))).toBe(0);
  });

  it('brakes when any key is braked and reports the longest wait', () => {
    const brake = new Brake(2, 60_000);
    brake.fail(['ip:1', 'handle:a'], at(0));
    brake.fail(['ip:1'], at(0.5));
    expect(brake.retryAfter(['ip:1', 'handle:b'], at(0.5))).toBe(30);
    expect(brake.retryAfter(['ip:2', 'handle:a'], at(0.5))).toBe(0);
  });

  it('forgets a key that is cleared', () => {
    const brake = new Brake(1, 60_000);
    brake.fail(['handle:a'], at(0));
    expect(brake.retryAfter(['handle:a'], at(0))).toBe(60);
    brake.clear('handle:a');
    expect(brake.retryAfter(['handle:a'], at(0))).toBe(0);
  });
});
