// Request pieces shared by the route files. Strings never carry NUL (PostgreSQL text refuses it),
// so it is refused here at the edge with a 400 instead of failing in the database.
import { z } from 'zod';
import { validZone } from '../schedules/index.js';

const noNul = (s: string) => !s.includes('\u0000');

/** Free text of up to `max` characters, trimmed, not empty. */
export const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max).refine(noNul, 'must not contain NUL characters');

/** A longer description that may be cleared: up to 5,000 characters, null removes it. */
export const description = z.string().max(5000).refine(noNul, 'must not contain NUL characters').nullable();

/** A signing secret given by the user (shown never again): 16–512 characters. */
export const secret = z.string().min(16).max(512).refine(noNul, 'must not contain NUL characters');

/** An id, number, handle or name in a path or query: printable, bounded. */
export const ref = z.string().min(1).max(200).refine(noNul, 'must not contain NUL characters');

export const idParams = z.strictObject({ id: ref });

export const limit = z.coerce.number().int().min(1).max(200).default(50);

export const pageQuery = z.strictObject({ limit, cursor: ref.optional() });

/** "a,b" or repeated values → a validated array of enum members. */
export function csvOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z
    .union([z.string(), z.array(z.string())])
    .transform((v) =>
      (Array.isArray(v) ? v : [v])
        .flatMap((s) => s.split(','))
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(values)));
}

export const handle = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{1,31}$/,
    'must be 2–32 characters of a-z, 0-9, ".", "_" or "-", starting with a letter or digit',
  );

export const email = z.email().max(254);
/** An IANA time zone name that this runtime knows, e.g. "Europe/Berlin". */
export const timezone = z
  .string()
  .max(64)
  .refine((zone) => validZone(zone), { message: 'must be an IANA time zone such as Europe/Berlin or America/New_York' })
  .meta({ examples: ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata'] });

/** An ISO 8601 instant with a zone ("Z" or an offset), as a Date. */
export const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
