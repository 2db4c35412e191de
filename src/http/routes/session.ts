// /api/v1/session: signing in (password or API token) sets the vigil_session cookie; reading it says
// who is signed in and hands out the CSRF token again; deleting it signs out.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app.js';
import type * as views from '../views/index.js';
import {
  clearedSessionCookie,
  csrfTokenOf,
  PASSWORD_MAX,
  readCookie,
  SESSION_COOKIE,
  sessionCookie,
} from '../../access/index.js';
import { idleEnd, SESSION_MAX_MS, type Session } from '../../credentials/index.js';
import type { User } from '../../users/index.js';
import { AppError } from '../../errors.js';
import { secureCookie, SESSION_PATH } from '../auth.js';
import { userView } from '../present.js';
import { ref } from '../schemas.js';

const tags = ['session'];

const credentials = z.union([
  z.strictObject({ handle: ref, password: z.string().min(1).max(PASSWORD_MAX) }),
  z.strictObject({ token: z.string().min(1).max(512) }),
]);

function sessionView(user: User, session: Session, secret: string): z.input<typeof views.Session> {
  return {
    user: userView(user),
    role: session.role,
    expires_at: session.expiresAt.toISOString(),
    idle_expires_at: idleEnd(session).toISOString(),
    csrf_token: csrfTokenOf(secret),
  };
}

const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store');

export function sessionRoutes(server: FastifyInstance, app: App): void {
  const r = server.withTypeProvider<ZodTypeProvider>();

  r.post(
    SESSION_PATH,
    {
      schema: {
        tags,
        summary: 'Sign in with a handle and password, or with an API token; sets the vigil_session cookie',
        body: credentials,
        security: [],
      },
    },
    async (request, reply) => {
      const signedIn = await app.sessions.signIn(request.body, {
        ip: request.ip,
        userAgent: request.headers['user-agent'],
        previousSecret: readCookie(request.headers.cookie, SESSION_COOKIE),
        requestId: request.id,
      });
      void reply.header(
        'set-cookie',
        sessionCookie(signedIn.secret, {
          secure: secureCookie(request, app.config.notify.publicUrl),
          maxAgeSeconds: SESSION_MAX_MS / 1000,
        }),
      );
      return noStore(reply).send(sessionView(signedIn.user, signedIn.session, signedIn.secret));
    },
  );

  r.get(
    SESSION_PATH,
    { schema: { tags, summary: 'Who is signed in, the session’s ends and its CSRF token (cookie only)' } },
    async (request, reply) => {
      const { session } = request;
      if (!session)
        throw new AppError(
          'session.not_found',
          'this request carries an API token, not a session; sign in with POST /api/v1/session',
        );
      const user = await app.users.get(request.actor, session.record.userId);
      return noStore(reply).send(sessionView(user, session.record, session.secret));
    },
  );

  r.delete(
    SESSION_PATH,
    { schema: { tags, summary: 'Sign out: ends the session and clears the cookie' } },
    async (request, reply) => {
      if (request.session) await app.sessions.signOut(request.actor, request.session.record.id);
      return reply
        .header('set-cookie', clearedSessionCookie(secureCookie(request, app.config.notify.publicUrl)))
        .status(204)
        .send();
    },
  );
}
