// The web console: web/dist served at /. Hashed files under /assets/ are cached for a year; index.html
// is revalidated every time and answers every other GET path that is not the API's (client-side routes).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** web/dist beside the package: from dist/http/ (built) or src/http/ (tsx, tests) two folders up. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** Paths the console never answers: the API, the runbook's functions, PagerDuty ingest, /verify, the API docs. */
const RESERVED = ['/api', '/functions', '/v2', '/verify', '/docs'];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/** Scripts, styles and API calls only from this origin; no inline script, no framing. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** ".." segments, NUL bytes and backslashes, raw or percent-encoded: never a console path. */
const TRAVERSAL = /(^|\/)(\.|%2e){2}(\/|%2f|$)|%00|\\|%5c/i;

const IMMUTABLE = 'public, max-age=31536000, immutable';

const NOT_BUILT =
  `<!doctype html><html lang="en"><meta charset="utf-8"><title>Vigil</title>
<h1>The web console is not built</h1>
<p>Run <code>npm run build -w web</code> in the Vigil checkout, then reload.` +
  ` The API under <code>/api/v1</code> works without it.</p></html>\n`;

/**
 * Whether `pathname` belongs to the API rather than the console. Judged on the decoded path with runs
 * of "/" collapsed and case folded, so "//api/…" or "/a%70i/…" never get index.html in place of the
 * API's 401/404 (a path that does not decode is the API's to refuse, too).
 */
function isReserved(pathname: string): boolean {
  let plain: string;
  try {
    plain = decodeURIComponent(pathname)
      .replace(/\/{2,}/g, '/')
      .toLowerCase();
  } catch {
    return true;
  }
  return RESERVED.some((prefix) => plain === prefix || plain.startsWith(`${prefix}/`));
}

/** The file under `root` that `pathname` names, or null when it escapes `root`, is malformed or is not a file. */
function fileUnder(root: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const full = path.resolve(root, `.${path.posix.normalize(`/${decoded}`)}`);
  if (!full.startsWith(root + path.sep)) return null;
  // Raw ".." segments are refused outright, even when they would land back inside root.
  if (decoded.split('/').includes('..')) return null;
  try {
    return fs.statSync(full).isFile() ? full : null;
  } catch {
    return null;
  }
}

function sendFile(reply: FastifyReply, file: string, cacheControl: string): FastifyReply {
  const type = TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  void reply
    .header('content-type', type)
    .header('cache-control', cacheControl)
    .header('x-content-type-options', 'nosniff');
  if (type.startsWith('text/html'))
    void reply.header('content-security-policy', CONTENT_SECURITY_POLICY).header('referrer-policy', 'no-referrer');
  return reply.send(fs.createReadStream(file));
}

/**
 * Wraps the JSON not-found handler: GET and HEAD requests outside the reserved prefixes get the
 * console (a file from `root`, else index.html); everything else falls through to `apiNotFound`, as do
 * missing assets and paths that try to leave `root` (so every 4xx keeps the API's JSON error shape).
 * With no index.html in `root`, `/` answers 503 saying how to build it and other paths keep the JSON 404.
 */
export function webConsole(root: string, apiNotFound: (request: FastifyRequest, reply: FastifyReply) => void) {
  const base = path.resolve(root);
  const index = path.join(base, 'index.html');
  return function notFound(request: FastifyRequest, reply: FastifyReply): unknown {
    const pathname = request.url.split('?')[0] ?? '/';
    if ((request.method !== 'GET' && request.method !== 'HEAD') || isReserved(pathname))
      return apiNotFound(request, reply);
    if (!fs.existsSync(index)) {
      if (pathname !== '/') return apiNotFound(request, reply);
      return reply
        .status(503)
        .header('content-type', 'text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(NOT_BUILT);
    }
    const isAsset = pathname.startsWith('/assets/');
    const file = pathname === '/' ? index : fileUnder(base, pathname);
    if (file) return sendFile(reply, file, isAsset ? IMMUTABLE : 'no-cache');
    if (isAsset || TRAVERSAL.test(pathname)) return apiNotFound(request, reply);
    return sendFile(reply, index, 'no-cache');
  };
}
