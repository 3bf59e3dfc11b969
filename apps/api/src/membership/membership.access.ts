import type { Actor } from '#domain/shared';
import { ForbiddenError } from '#platform';
import { assertAdminOf } from '../graphql/association-access.js';

/** Admins read their own association's memberships, members their own firm's, auditors everything. */
export function assertMayReadMembership(actor: Actor, associationId: string, enterpriseCode: string): void {
  assertAdminOf(actor, associationId);
  if (actor.role === 'MEMBER' && actor.enterpriseCode !== enterpriseCode) {
    throw new ForbiddenError('A member may read only its own firm\'s membership records.');
  }
}
