/**
 * Errors raised outside the domain (by the command layer and the edge). The domain's own errors live in
 * `#domain/shared`; `graphql-errors.ts` maps both to GraphQL `extensions.code`.
 */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
  constructor(
    message: string,
    readonly reason: 'concurrent_modification' | 'command_id_reused',
  ) {
    super(message);
  }
}

export class UnauthenticatedError extends Error {
  override readonly name = 'UnauthenticatedError';
}

export class ForbiddenError extends Error {
  override readonly name = 'ForbiddenError';
}
