import { v5 as uuidv5 } from 'uuid';

/** Fixed namespace for event ids derived from command ids (never change it: ids are stored). */
const EVENT_ID_NAMESPACE = '4f0c3c9e-6a37-4d5f-9a8e-2b7d1c0e5a11';

/**
 * The id of the n-th event a command produced. Re-sending the same command yields the same ids, so the
 * store's unique event id turns a retry into a no-op instead of a second write.
 */
export function deterministicEventId(commandId: string, streamId: string, index: number): string {
  return uuidv5(`${commandId}\u0000${streamId}\u0000${index}`, EVENT_ID_NAMESPACE);
}
