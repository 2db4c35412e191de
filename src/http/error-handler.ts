// The one place errors become HTTP: AppError by its kind, Fastify's own 4xx by their status, and
// anything else as a 500 that is logged and says nothing about internals.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnreachable, isUnstorableText } from '../db/database.js';
import { AppError, type ErrorKind } from '../errors.js';

const STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  too_large: 413,
  unsupported: 415,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

/** "body.payload.severity" from the validation context and the issue's JSON pointer. */
function fieldOf(context: string | undefined, issue: ValidationIssue): string {
  const pointer = (issue.instancePath ?? '').split('/').filter(Boolean).join('.');
  const keys = issue.keyword === 'unrecognized_keys' ? (issue.params?.keys as string[] | undefined) : undefined;
  const base = [context, pointer].filter(Boolean).join('.');
  return keys?.length ? keys.map((k) => `${base}.${k}`).join(', ') : base || (context ?? 'request');
}

/** Turns any thrown value into a status and the `{"error":{…}}` body. */
export function toHttpError(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof AppError) {
    return {
      status: STATUS[error.kind],
      body: {
        error: {
          code: error.code,
          message: error.message,
          ...(error.details !== undefined && { details: error.details }),
        },
      },
    };
  }
  const fe = error as FastifyError & { validation?: ValidationIssue[]; validationContext?: string };
  if (fe.validation) {
    const errors = fe.validation.map((issue) => ({
      field: fieldOf(fe.validationContext, issue),
      message: issue.message ?? 'is invalid',
    }));
    const message = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    return { status: 400, body: { error: { code: 'request.invalid', message, details: { errors } } } };
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code = FASTIFY_CODES[fe.code ?? ''] ?? BY_STATUS[fe.statusCode] ?? 'request.invalid';
    return { status: fe.statusCode, body: { error: { code, message: fe.message } } };
  }
  if (isUnstorableText(error))
    return {
      status: 400,
      body: {
        error: {
          code: 'request.invalid',
          message: 'a value contains a character that cannot be stored (NUL, or text that is not UTF-8)',
        },
      },
    };
  if (isDatabaseUnreachable(error))
    return {
      status: 503,
      body: {
        error: {
          code: 'database.unavailable',
          message: 'the database cannot be reached; nothing was stored, retry later',
          details: { retry_after_s: DATABASE_RETRY_AFTER_S },
        },
      },
    };
  return {
    status: 500,
    body: { error: { code: 'internal', message: 'internal error; the server log has the details' } },
  };
}

/** What a 503 for an unreachable database asks callers to wait before retrying. */
const DATABASE_RETRY_AFTER_S = 5;

const BY_STATUS: Record<number, string> = {
  403: 'request.forbidden',
  404: 'route.not_found',
  405: 'request.method_not_allowed',
  406: 'request.not_acceptable',
  413: 'request.too_large',
  414: 'request.uri_too_long',
  415: 'request.unsupported_media_type',
};

const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'request.too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'request.unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'request.invalid_content_length',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'request.empty_body',
  FST_ERR_CTP_INVALID_JSON_BODY: 'request.invalid_json',
  FST_ERR_BAD_URL: 'request.bad_url',
  FST_ERR_MAX_PARAM_LENGTH: 'request.param_too_long',
};

/** A 429 or 503 tells the sender when to retry: the body's `retry_after_s`, else one second (429) or five (503). */
export function setRetryAfter(body: ErrorBody, status: number, reply: FastifyReply): void {
  if (status !== 429 && status !== 503) return;
  const asked = (body.error.details as { retry_after_s?: unknown } | undefined)?.retry_after_s;
  void reply.header('retry-after', String(typeof asked === 'number' ? asked : status === 429 ? 1 : 5));
}

export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = toHttpError(error);
  if (status >= 500) request.log.error({ err: error }, 'request failed');
  if (status === 401) reply.header('www-authenticate', 'Bearer');
  setRetryAfter(body, status, reply);
  void reply.status(status).send(body);
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  void reply
    .status(404)
    .send({ error: { code: 'route.not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` } });
}
