// POST /verify {token}: the runbook's "Emergency user verification" curl, answered against the
// issuer configured with VIGIL_JWT_*. An invalid token is a 200 with valid:false and a reason code;
// the token is never echoed back (Fastify does not log bodies, and neither does this route).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app.js';
import { JWT_REASONS, type Verdict } from '../../verify/index.js';

const verdictView = (v: Verdict) => ({
  valid: v.valid,
  ...(v.reason && { reason: { code: v.reason.code, message: v.reason.message } }),
  subject: v.subject,
  issuer: v.issuer,
  audience: v.audience,
  expires_at: v.expiresAt?.toISOString() ?? null,
  issued_at: v.issuedAt?.toISOString() ?? null,
  algorithm: v.algorithm,
  key_id: v.keyId,
  checked_at: v.checkedAt.toISOString(),
});

export function verifyRoutes(server: FastifyInstance, app: App): void {
  const r = server.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/verify',
    {
      schema: {
        tags: ['auth'],
        summary: 'Check a JWT against the configured issuer (the runbook’s emergency user verification)',
        description:
          'Verifies a compact JWS (HS256/384/512 with VIGIL_JWT_SECRET; ' +
          'RS*, PS*, ES*, EdDSA with keys from VIGIL_JWT_JWKS_URL), ' +
          'its exp and nbf (60 s leeway), iss (VIGIL_JWT_ISSUER) and aud (VIGIL_JWT_AUDIENCE, when set). ' +
          `Always 200 with \`valid\`; when false, \`reason.code\` is one of ${JWT_REASONS.join(', ')}. ` +
          'The claims shown for an invalid token are read from it unverified. ' +
          '409 `verify.not_configured` until an issuer is configured. Needs a token with read access.',
        body: z.strictObject({ token: z.string() }),
      },
    },
    async (request) => verdictView(await app.verifier.verify(request.actor, request.body.token)),
  );
}
