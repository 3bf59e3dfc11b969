/**
 * Errors raised outside the domain (by the command layer and the edge). The domain's own errors live in
 * `#domain/shared`; `graphql-errors.ts` maps both to GraphQL `extensions.code`.
 */
/** The command could not be applied now; `commandId` is the id to send it again under (the client's or the generated one). */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
  constructor(
    message: string,
    readonly reason: 'concurrent_modification' | 'command_id_reused',
    readonly commandId: string,
  ) {
    super(message);
  }
}

/**
 * A stream holds an event its decider does not own: written under a wrong or colliding stream id, or by hand. The
 * register refuses to decide on such a stream (nothing is written) rather than misread it; operators must look.
 */
export class StreamIntegrityError extends Error {
  override readonly name = 'StreamIntegrityError';
  constructor(
    readonly streamId: string,
    readonly eventType: string,
    /** The stored event, or null when a decider itself produced the foreign type. */
    readonly event: { readonly id: string; readonly revision: number } | null,
    readonly ownedTypes: readonly string[],
  ) {
    super(
      event
        ? `Stream ${streamId} holds event ${event.id} (revision ${event.revision}) of type ${eventType}, which does not belong in it ` +
            `(it holds ${ownedTypes.join(', ')}). The command was refused and nothing was written; report this to the operators.`
        : `A decision produced an event of type ${eventType} for stream ${streamId}, which holds only ${ownedTypes.join(', ')}; nothing was written.`,
    );
  }
}

export class UnauthenticatedError extends Error {
  override readonly name = 'UnauthenticatedError';
}

export class ForbiddenError extends Error {
  override readonly name = 'ForbiddenError';
}
