// Wire shapes of people and access: users, the signed-in session, API tokens, contact methods and
// notification rules.
import { z } from 'zod';
import { TOKEN_ROLES } from '../../access/index.js';
import { CONTACT_KINDS } from '../../users/index.js';

export const Role = z.enum(TOKEN_ROLES);
export const ContactKind = z.enum(CONTACT_KINDS);

export const User = z.object({
  id: z.string(),
  handle: z.string(),
  name: z.string(),
  email: z.string(),
  timezone: z.string(),
  active: z.boolean(),
  privacy: z
    .boolean()
    .describe("May read and change the GDPR module's personal data (responders need it; admins always may)."),
  created_at: z.string(),
  updated_at: z.string(),
});

export const Session = z
  .object({
    user: User,
    role: Role,
    expires_at: z.string(),
    idle_expires_at: z.string(),
    csrf_token: z.string(),
  })
  .describe('GET and POST /api/v1/session: who is signed in, until when, and the CSRF token.');

export const Token = z.object({
  id: z.string(),
  name: z.string(),
  role: Role,
  kind: z.enum(['api', 'bootstrap']),
  user: z.string().describe('The handle of the user the token belongs to.'),
  hint: z.string(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});

export const IssuedToken = Token.extend({ token: z.string() }).describe(
  'POST /api/v1/tokens: the only answer that carries the secret.',
);

export const ContactMethod = z.object({
  id: z.string(),
  kind: ContactKind,
  address: z.string(),
  verified: z.boolean(),
  signed: z.boolean(),
  created_at: z.string(),
});

export const NotificationRule = z.object({
  id: z.string(),
  contact_method_id: z.string(),
  delay_seconds: z.number(),
  created_at: z.string(),
});
