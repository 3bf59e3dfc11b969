/**
 * What a log line may say of an error. pino's standard serializer copies every enumerable property of an error,
 * and the errors of this service carry more than they say: a pg error of an idle pooled connection holds the
 * whole client (its connection parameters, its cancel secret key), a TypeORM QueryFailedError holds its SQL and
 * the bound parameters (user input). This one keeps a fixed set of fields, so nothing an error happens to carry
 * reaches the log: the type, the message, the SQLSTATE and the names Postgres reports (constraint, table,
 * column, routine), the head of the statement without its parameters, the cause, and a stack for program faults.
 */

/** SQLSTATE classes whose server messages name only objects (relations, constraints, columns), never values. */
const MESSAGE_SAFE_CLASSES = new Set(['08', '0A', '23', '25', '40', '42', '53', '55', '57', '58', 'XX']);
const DATABASE_NAME_FIELDS = ['severity', 'routine', 'constraint', 'schema', 'table', 'column', 'dataType'] as const;
const STATEMENT_HEAD_CHARS = 120;
const MAX_DEPTH = 3;
const MAX_MESSAGE_CHARS = 2_000;

export interface SerializedError {
  type: string;
  message: string;
  code?: string;
  severity?: string;
  routine?: string;
  constraint?: string;
  schema?: string;
  table?: string;
  column?: string;
  dataType?: string;
  /** The statement's first characters (its text, never its parameters), for errors that name one. */
  statement?: string;
  stack?: string;
  cause?: SerializedError | string;
  errors?: (SerializedError | string)[];
}

type ErrorLike = Record<string, unknown> & { message?: unknown; code?: unknown; name?: unknown };

function isSqlState(code: string): boolean {
  return /^[0-9A-Z]{5}$/.test(code);
}

function typeOf(error: ErrorLike): string {
  if (typeof error.name === 'string' && error.name) return error.name;
  const constructorName = (error as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof constructorName === 'string' && constructorName ? constructorName : 'Object';
}

/**
 * A database message with the values it quotes masked, unless its class names only objects: data exceptions
 * (22: `invalid input syntax for type uuid: "…"`), raised exceptions (P0) and the store's own codes quote values.
 */
function safeMessage(message: string, code: string | undefined): string {
  const text = message.length > MAX_MESSAGE_CHARS ? `${message.slice(0, MAX_MESSAGE_CHARS)}…` : message;
  if (code === undefined || !isSqlState(code) || MESSAGE_SAFE_CLASSES.has(code.slice(0, 2))) return text;
  return text.replace(/"(?:[^"]|"")*"/g, '"…"');
}

function statementHead(query: unknown): string | undefined {
  if (typeof query !== 'string' || query.length === 0) return undefined;
  const collapsed = query.replace(/\s+/g, ' ').trim();
  return collapsed.length > STATEMENT_HEAD_CHARS ? `${collapsed.slice(0, STATEMENT_HEAD_CHARS)}…` : collapsed;
}

function serializeAt(value: unknown, depth: number): SerializedError | string {
  if (value === null || value === undefined) return String(value);
  if (typeof value !== 'object') return String(value);
  const error = value as ErrorLike;
  const code = typeof error.code === 'string' || typeof error.code === 'number' ? String(error.code) : undefined;
  const driverError = error.driverError;
  const fromDatabase =
    (code !== undefined && isSqlState(code)) || typeof error.severity === 'string' || (driverError !== null && typeof driverError === 'object');
  const message = typeof error.message === 'string' ? safeMessage(error.message, code) : '';
  const serialized: SerializedError = { type: typeOf(error), message };
  if (code !== undefined) serialized.code = code;
  for (const field of DATABASE_NAME_FIELDS) {
    const fieldValue = error[field];
    if (typeof fieldValue === 'string' && fieldValue) serialized[field] = fieldValue;
  }
  const statement = statementHead(error.query);
  if (statement) serialized.statement = statement;
  // A database error's stack says where the driver noticed it and repeats the message; a program fault's is the point.
  if (!fromDatabase && typeof error.stack === 'string') {
    const frames = error.stack.split('\n').filter((line) => /^\s+at /.test(line));
    if (frames.length > 0) serialized.stack = [`${serialized.type}: ${message}`, ...frames].join('\n');
  }
  if (depth < MAX_DEPTH) {
    const cause = driverError ?? error.cause;
    if (cause !== undefined && cause !== null && cause !== value) serialized.cause = serializeAt(cause, depth + 1);
    if (Array.isArray(error.errors) && error.errors.length > 0) {
      serialized.errors = error.errors.slice(0, 3).map((inner) => serializeAt(inner, depth + 1));
    }
  }
  return serialized;
}

/** The pino serializer of `err` and `error` fields: strings pass as they are, anything else as `SerializedError`. */
export function serializeError(value: unknown): unknown {
  if (typeof value === 'string') return value;
  return serializeAt(value, 0);
}
