// Who is acting and what their role lets them do. Every service method starts with authorize().
import { AppError } from '../errors.js';

export const TOKEN_ROLES = ['admin', 'responder', 'viewer'] as const;
export type TokenRole = (typeof TOKEN_ROLES)[number];

export type Permission =
  | 'read'
  | 'incident.write'
  | 'service.write'
  | 'user.write'
  | 'token.write'
  | 'audit.read'
  /** Schedules, escalation policies and teams. */
  | 'oncall.write'
  /** Schedule overrides: responders swap shifts among themselves. */
  | 'override.write';

const GRANTS: Record<TokenRole, ReadonlySet<Permission>> = {
  viewer: new Set(['read']),
  responder: new Set(['read', 'incident.write', 'override.write']),
  admin: new Set([
    'read',
    'incident.write',
    'service.write',
    'user.write',
    'token.write',
    'audit.read',
    'oncall.write',
    'override.write',
  ]),
};

export interface Actor {
  type: 'user' | 'system' | 'integration';
  /** The user id for people, the service id for an integration, null for the engine. */
  id: string | null;
  /** A handle for people, a component name for the system. */
  name: string;
  role: TokenRole;
  /** The person's privacy flag: with the responder role, GDPR personal data is theirs to read and change. */
  privacy?: boolean;
  tokenId?: string;
  requestId?: string;
}

export function can(role: TokenRole, permission: Permission): boolean {
  return GRANTS[role].has(permission);
}

/** Throws a 403 naming the permission when the actor's role lacks it. */
export function authorize(actor: Actor, permission: Permission): void {
  if (!can(actor.role, permission)) {
    throw new AppError('auth.forbidden', `the ${actor.role} role may not do this (needs ${permission})`, {
      role: actor.role,
      permission,
    });
  }
}

/**
 * Throws a 403 unless the actor may handle GDPR personal data (subject ids, consent proofs, breach records,
 * data-subject requests): admins always, responders only with the privacy flag on their user, viewers never
 * (they see counts). The engine acts as admin.
 */
export function authorizePrivacy(actor: Actor): void {
  if (actor.role === 'admin' || (actor.role === 'responder' && actor.privacy === true)) return;
  throw new AppError(
    'auth.forbidden',
    actor.role === 'responder'
      ? 'GDPR personal data needs the privacy flag on your user ' +
          '(an admin sets it: vigil user privacy <handle> on, or PATCH /api/v1/users/{id} {"privacy": true})'
      : `the ${actor.role} role may not read GDPR personal data (admins, or responders with the privacy flag)`,
    { role: actor.role, permission: 'privacy' },
  );
}

/** The engine acting on its own, for timeline entries such as a missed response target. */
export const SYSTEM_ACTOR: Actor = { type: 'system', id: null, name: 'vigil', role: 'admin' };
