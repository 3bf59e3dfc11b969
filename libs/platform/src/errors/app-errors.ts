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

/**
 * The database (or the event store) cannot be reached just now. A command whose connection failed may or may not
 * have been recorded; sending it again under the same command id after `retryAfterSeconds` is safe either way
 * (a recorded command is answered as it was, never applied twice).
 */
export class UnavailableError extends Error {
  override readonly name = 'UnavailableError';
  constructor(
    message = 'The register cannot reach its database just now. Send the request again shortly; a command sent again under the same command id is never applied twice.',
    readonly retryAfterSeconds = 5,
  ) {
    super(message);
  }
}

/** Node socket errors and Postgres SQLSTATE classes that mean "the server is gone", not "the statement is wrong". */
const CONNECTION_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const CONNECTION_SQLSTATE_CLASSES = ['08', '57P01', '57P02', '57P03', '53300'];
/** Class 08 but the statement's fault: a protocol violation (e.g. a bind with the wrong number of parameters) is a defect, never retried. */
const STATEMENT_SQLSTATES = new Set(['08P01']);
/**
 * What pg, pg-pool and TypeORM say when a connection is lost or cannot be had, where they set no code: a pool
 * connection attempt past `connectionTimeoutMillis` says "timeout exceeded when trying to connect".
 */
const CONNECTION_MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable|the database system is (starting up|shutting down|in recovery mode)|Cannot use a pool after calling end/i;

/** True when `error` (or what it wraps) says the database connection failed, so the request may be retried as it is. */
export function isConnectionFailure(error: unknown): boolean {
  for (let current = error as { code?: unknown; message?: unknown; cause?: unknown; driverError?: unknown; errors?: unknown } | null, depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    if (current instanceof UnavailableError) return true;
    const code = typeof current.code === 'string' ? current.code : '';
    if (CONNECTION_ERROR_CODES.has(code)) return true;
    if (STATEMENT_SQLSTATES.has(code)) return false;
    if (code.length === 5 && CONNECTION_SQLSTATE_CLASSES.some((prefix) => code.startsWith(prefix))) return true;
    if (typeof current.message === 'string' && CONNECTION_MESSAGES.test(current.message)) return true;
    // A connection to a name with several addresses fails with one error per address (AggregateError).
    const first = Array.isArray(current.errors) ? (current.errors[0] as unknown) : undefined;
    current = (current.driverError ?? current.cause ?? first ?? null) as typeof current;
  }
  return false;
}
