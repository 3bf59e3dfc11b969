/**
 * KurrentDB could not be reached within the adapter's retries. A command that failed this way may or may not have
 * been recorded; sending it again under the same command id is safe (its ids are claimed, so a recorded one is
 * answered as a duplicate). `code` lets the platform's connection-failure check treat it like a refused socket.
 */
export class EventStoreUnavailableError extends Error {
  override readonly name = 'EventStoreUnavailableError';
  readonly code = 'ECONNREFUSED';
  constructor(
    /** The server, without credentials. */
    readonly server: string,
    options?: { cause?: unknown },
  ) {
    super(`The event store at ${server} cannot be reached`, options);
  }
}
