import type { Actor } from '#domain/shared';
import { ForbiddenError } from '#platform';

/** An admin acts only within the association on its token. */
export function assertAdminOf(actor: Actor, associationId: string): void {
  if (actor.role === 'ADMIN' && actor.associationId !== associationId) {
    throw new ForbiddenError(`An admin of ${actor.associationId ?? 'no association'} cannot act for association ${associationId}.`);
  }
}

/** Admins read their own association's memberships, members their own firm's, auditors everything. */
export function assertMayReadMembership(actor: Actor, associationId: string, enterpriseCode: string): void {
  assertAdminOf(actor, associationId);
  if (actor.role === 'MEMBER' && actor.enterpriseCode !== enterpriseCode) {
    throw new ForbiddenError('A member may read only its own firm\'s membership records.');
  }
}
