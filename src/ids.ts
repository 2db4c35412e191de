// Opaque ids that still sort by creation time: "<prefix>_<time><counter><random>" in lowercase base32.
// Sorting matters for timelines, where several events share one millisecond.
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
let lastMs = -1;
// Random bytes come from a pooled buffer: one randomBytes call per 512 ids instead of one per id.
let pool = randomBytes(4096);
let poolAt = 0;
let counter = 0;

function base32(value: number, width: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < width; i++) {
    out = ALPHABET[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

/** A new id for `prefix` created at `at`; ids made later in this process sort after earlier ones. */
export function newId(prefix: string, at: Date): string {
  let ms = at.getTime();
  if (ms <= lastMs) {
    ms = lastMs;
    counter += 1;
  } else {
    lastMs = ms;
    counter = 0;
  }
  if (poolAt + 8 > pool.length) {
    pool = randomBytes(4096);
    poolAt = 0;
  }
  let random = '';
  for (let i = 0; i < 8; i++) random += ALPHABET[(pool[poolAt + i] as number) % 32];
  poolAt += 8;
  return `${prefix}_${base32(ms, 10)}${base32(counter, 4)}${random}`;
}
