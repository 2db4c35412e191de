// Seeded randomness for the fault harness. Everything the harness decides by chance (which instance
// dies when, what the load sends, how a receiver misbehaves) comes from a generator made from the run's
// seed, so the same seed replays the same run. Each concern draws from its own stream (`fork`), so
// adding a draw to the load plan does not move the fault schedule.

export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** A float in [min, max). */
  between(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** A key of `weights`, chosen in proportion to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K;
  /** A copy of `items` in a random order. */
  shuffle<T>(items: readonly T[]): T[];
  /** A lowercase hex string of `length` characters. */
  hex(length: number): string;
  /** An independent stream named `label`: same seed and label, same numbers. */
  fork(label: string): Random;
}

/** FNV-1a over the text's UTF-16 code units: turns a seed or label into 32 bits. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * A generator seeded by `seed`. The state walks a Weyl sequence (adding the golden-ratio constant)
 * and each output is that state run through a 32-bit avalanche mix, which is plenty for scheduling
 * faults (not for anything secret).
 */
export function createRandom(seed: string | number, label = ''): Random {
  const root = String(seed);
  let state = hash32(`${root}/${label}`);
  const next = (): number => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    return (z >>> 0) / 4294967296;
  };
  const random: Random = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    between: (min, max) => min + next() * (max - min),
    chance: (p) => next() < p,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[Math.floor(next() * items.length)] as T;
    },
    weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
      const entries = Object.entries(weights) as Array<[K, number]>;
      const total = entries.reduce((sum, [, w]) => sum + w, 0);
      let roll = next() * total;
      for (const [key, weight] of entries) {
        roll -= weight;
        if (roll < 0) return key;
      }
      return (entries.at(-1) as [K, number])[0];
    },
    shuffle<T>(items: readonly T[]): T[] {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
      }
      return copy;
    },
    hex: (length) => Array.from({ length }, () => Math.floor(next() * 16).toString(16)).join(''),
    fork: (name) => createRandom(root, label ? `${label}/${name}` : name),
  };
  return random;
}

/** A seed for a run that was given none: printed at the start so the run can be replayed. */
export function freshSeed(): number {
  return 1 + Math.floor(Math.random() * 2_147_483_646);
}
