import type { Position } from '../event-store.port.js';

/** A KurrentDB $all position: the commit position of the write, the prepare position of the event. */
export interface LogPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

const WIDTH = 20;
const PATTERN = /^(\d{20}):(\d{20})$/;

/**
 * `commit:prepare`, each zero-padded to 20 digits (a u64 has at most 20), so that string order is $all order:
 * events of one write share the commit position and are ordered by their prepare positions.
 */
export function encodePosition(position: LogPosition): Position {
  return `${position.commit.toString().padStart(WIDTH, '0')}:${position.prepare.toString().padStart(WIDTH, '0')}`;
}

export function decodePosition(position: Position): LogPosition {
  const match = PATTERN.exec(position);
  if (!match) throw new TypeError(`not a KurrentDB position: ${JSON.stringify(position)}`);
  return { commit: BigInt(match[1]!), prepare: BigInt(match[2]!) };
}
