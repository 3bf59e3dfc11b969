import type { Actor } from '#domain/shared';
import { ForbiddenError } from '#platform';

/** An admin acts only within the association on its token (every context's association-owned records). */
export function assertAdminOf(actor: Actor, associationId: string): void {
  if (actor.role === 'ADMIN' && actor.associationId !== associationId) {
    throw new ForbiddenError(`An admin of ${actor.associationId ?? 'no association'} cannot act for association ${associationId}.`);
  }
}
