import { InvalidInput } from '#domain/shared';

/** One page of a keyset-ordered list, in the shape of a Relay connection (the API returns it as it is). */
export interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number;
}

/** Opaque cursors: base64url of a JSON array of the sort-key values of the row. */
export function encodeCursor(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** The sort-key values a cursor of this list holds (`arity` of them); null for no cursor. */
export function decodeCursor(cursor: string | null | undefined, arity: number): (string | number)[] | null {
  if (!cursor) return null;
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(values) && values.length === arity && values.every((v) => typeof v === 'string' || typeof v === 'number')) {
      return values as (string | number)[];
    }
  } catch {
    // fall through to the field error below
  }
  throw new InvalidInput([{ field: 'after', message: 'is not a cursor this list returned.' }]);
}

/** Builds a page from `first + 1` fetched rows (the extra row only tells whether a next page exists). */
export function toPage<Row, Node>(
  rows: readonly Row[],
  first: number,
  totalCount: number,
  hasPrevious: boolean,
  cursorOf: (row: Row) => string,
  nodeOf: (row: Row) => Node,
): Page<Node> {
  const edges = rows.slice(0, first).map((row) => ({ cursor: cursorOf(row), node: nodeOf(row) }));
  return {
    edges,
    totalCount,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: hasPrevious,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
