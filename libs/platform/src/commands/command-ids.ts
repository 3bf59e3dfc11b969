import { v5 as uuidv5 } from 'uuid';

/**
 * A command id derived from what the command addresses (a name-based UUID v5 in the caller's namespace), so that
 * sending "the same" command twice, from any run or any caller, is one command. Never change a namespace in use:
 * the ids are stored with the events.
 */
export function derivedCommandId(namespace: string, ...parts: readonly (string | number)[]): string {
  return uuidv5(parts.join('\u0000'), namespace);
}
