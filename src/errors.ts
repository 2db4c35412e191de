// The one error type. Domain code throws AppError with a stable code; src/http/error-handler.ts turns it into HTTP.

export type ErrorKind =
  | 'invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  /** Well-formed but refers to something that cannot be used (a GDPR purpose or policy version): 422. */
  | 'unprocessable'
  | 'too_large'
  | 'unsupported'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly kind: ErrorKind = kindOf(code),
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/**
 * The kind (and so the HTTP status) follows from the last segment of the code, so a code like
 * `incident.not_found` needs no separate table entry.
 */
function kindOf(code: string): ErrorKind {
  const last = code.slice(code.lastIndexOf('.') + 1);
  switch (last) {
    case 'not_found':
      return 'not_found';
    case 'invalid_transition':
    case 'conflict':
    case 'already_exists':
    case 'in_use':
    case 'deactivated':
      return 'conflict';
    case 'unauthorized':
      return 'unauthorized';
    case 'forbidden':
      return 'forbidden';
    case 'unavailable':
      return 'unavailable';
    case 'internal':
      return 'internal';
    default:
      return 'invalid';
  }
}

export const notFound = (what: string, ref: string): AppError =>
  new AppError(`${what}.not_found`, `${what} ${JSON.stringify(ref)} does not exist`, { [what]: ref });
