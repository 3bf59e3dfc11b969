import type { ExpectedRevision, StreamRevision } from './event-store.port.js';

/** The stream was not at the revision the writer expected: someone else appended first. */
export class WrongExpectedRevisionError extends Error {
  override readonly name = 'WrongExpectedRevisionError';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** The stream's actual revision, or null when it does not exist. */
    readonly actual: StreamRevision | null,
  ) {
    super(
      `Stream ${streamId} expected at ${String(expected)} but is at ${actual === null ? 'no stream' : String(actual)}`,
    );
  }
}

/** Some, but not all, event ids of an append were already recorded: the caller reused ids. */
export class EventIdConflictError extends Error {
  override readonly name = 'EventIdConflictError';
  constructor(
    readonly streamId: string,
    readonly eventIds: readonly string[],
  ) {
    super(`Event ids already recorded with different content on stream ${streamId}: ${eventIds.join(', ')}`);
  }
}
