import type { Position } from '../event-store.port.js';

/**
 * Postgres positions: `${transaction_id}:${global_position}`, each zero-padded to 20 digits (xid8 and
 * bigint both fit), so that string order equals the (transaction_id, global_position) order readAll uses.
 */
const WIDTH = 20;
const POSITION = /^(\d{20}):(\d{20})$/;

export interface PostgresPosition {
  /** xid8 as decimal text. */
  readonly transactionId: string;
  /** bigint as decimal text. */
  readonly globalPosition: string;
}

/** Before every event: (0, 0) sorts below any real (transaction id, position). */
export const START: PostgresPosition = { transactionId: '0', globalPosition: '0' };

export function encodePosition(transactionId: string, globalPosition: string): Position {
  if (!/^\d+$/.test(transactionId) || !/^\d+$/.test(globalPosition)) {
    throw new TypeError(`not a Postgres position: ${transactionId}:${globalPosition}`);
  }
  return `${transactionId.padStart(WIDTH, '0')}:${globalPosition.padStart(WIDTH, '0')}`;
}

/** `encodePosition` in SQL, over an xid8 and a bigint column (a spec holds the two to the same text). */
export function positionSql(transactionId: string, globalPosition: string): string {
  return `lpad(${transactionId}::text, ${WIDTH}, '0') || ':' || lpad(${globalPosition}::text, ${WIDTH}, '0')`;
}

export function decodePosition(position: Position | null | undefined): PostgresPosition {
  if (position === null || position === undefined) return START;
  const match = POSITION.exec(position);
  if (!match) throw new TypeError(`not a Postgres event store position: ${JSON.stringify(position)}`);
  return {
    transactionId: (match[1] as string).replace(/^0+(?=\d)/, ''),
    globalPosition: (match[2] as string).replace(/^0+(?=\d)/, ''),
  };
}
