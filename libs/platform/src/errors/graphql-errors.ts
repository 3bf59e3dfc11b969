import { randomBytes } from 'node:crypto';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { InvalidInput, NotFound, RuleViolation, type FieldError } from '#domain/shared';
import { ConflictError, ForbiddenError, isConnectionFailure, StreamIntegrityError, UnauthenticatedError, UnavailableError } from './app-errors.js';

/** The `extensions.code` values clients can rely on. */
export const ErrorCodes = {
  badUserInput: 'BAD_USER_INPUT',
  ruleViolation: 'RULE_VIOLATION',
  conflict: 'CONFLICT',
  forbidden: 'FORBIDDEN',
  unauthenticated: 'UNAUTHENTICATED',
  notFound: 'NOT_FOUND',
  dataIntegrity: 'DATA_INTEGRITY',
  unavailable: 'UNAVAILABLE',
  /** A request the server cannot take as sent (a persisted query whose hash does not match it, a body that is no JSON). */
  badRequest: 'BAD_REQUEST',
  /** The request body is larger than the API reads (HTTP 413; `limitBytes`). */
  payloadTooLarge: 'PAYLOAD_TOO_LARGE',
  /** The client has sent more requests than its allowance (HTTP 429; `retryAfterSeconds`). */
  rateLimited: 'RATE_LIMITED',
  internal: 'INTERNAL_SERVER_ERROR',
} as const;

/** Codes Apollo and graphql-js assign themselves for malformed requests; passed through as they are. */
const PROTOCOL_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

export interface ErrorLogger {
  error(obj: object, msg: string): void;
}

/**
 * An error graphql-js or Apollo raised about the request itself, before or instead of running it (a persisted
 * query whose hash does not match its text): a GraphQLError with no code of its own and no error it wraps.
 * Errors of resolvers and plugins always wrap what was thrown (graphql-js locates them), or carry a code.
 */
function isProtocolError(error: unknown): boolean {
  return error instanceof GraphQLError && error.originalError === undefined && error.extensions.code === undefined && error.path === undefined;
}

function originalOf(error: unknown): unknown {
  let current = error as { originalError?: unknown } | null;
  while (current && typeof current === 'object' && current.originalError) current = current.originalError as typeof current;
  return current;
}

/**
 * Maps any error to what the client sees: a stable code, a message a person understands, field errors or a
 * rule where they apply, and never a stack trace or internal detail (those go to the log with a reference).
 */
export function formatGraphQLError(formatted: GraphQLFormattedError, error: unknown, log?: ErrorLogger): GraphQLFormattedError {
  const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
  const original = originalOf(error);
  if (original instanceof InvalidInput) {
    return {
      ...base,
      message: `The input is not valid: ${original.message}`,
      extensions: { code: ErrorCodes.badUserInput, fieldErrors: original.fieldErrors as FieldError[] },
    };
  }
  if (original instanceof RuleViolation) {
    return { ...base, message: original.message, extensions: { code: ErrorCodes.ruleViolation, rule: original.rule, details: original.details } };
  }
  if (original instanceof NotFound) {
    return { ...base, message: original.message, extensions: { code: ErrorCodes.notFound, entity: original.entity, id: original.id } };
  }
  if (original instanceof ConflictError) {
    return { ...base, message: original.message, extensions: { code: ErrorCodes.conflict, reason: original.reason, commandId: original.commandId } };
  }
  if (original instanceof StreamIntegrityError) {
    const reference = randomBytes(4).toString('hex');
    log?.error({ reference, streamId: original.streamId, eventType: original.eventType, event: original.event }, 'a stream holds an event its decider does not own');
    return {
      ...base,
      message: `${original.message} Reference ${reference}.`,
      extensions: { code: ErrorCodes.dataIntegrity, streamId: original.streamId, eventId: original.event?.id ?? null, reference },
    };
  }
  if (original instanceof UnauthenticatedError) {
    return { ...base, message: original.message, extensions: { code: ErrorCodes.unauthenticated } };
  }
  if (original instanceof ForbiddenError) {
    return { ...base, message: original.message, extensions: { code: ErrorCodes.forbidden } };
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && PROTOCOL_CODES.has(code)) {
    const { stacktrace: _stacktrace, exception: _exception, ...extensions } = formatted.extensions ?? {};
    return { ...base, extensions: { ...extensions, code } };
  }
  if (isProtocolError(error)) {
    return { ...base, extensions: { code: ErrorCodes.badRequest } };
  }
  if (isConnectionFailure(original)) {
    const retryAfterSeconds = original instanceof UnavailableError ? original.retryAfterSeconds : 5;
    log?.error({ code: (original as { code?: unknown } | null)?.code ?? null, path: formatted.path }, 'database unavailable during a GraphQL operation');
    const message = original instanceof UnavailableError ? original.message : new UnavailableError().message;
    return { ...base, message, extensions: { code: ErrorCodes.unavailable, retryAfterSeconds } };
  }
  const reference = randomBytes(4).toString('hex');
  log?.error({ err: original, reference, path: formatted.path }, 'unexpected error in a GraphQL operation');
  return {
    ...base,
    message: `An internal error occurred; nothing was changed by it. Quote reference ${reference} to the operators.`,
    extensions: { code: ErrorCodes.internal, reference },
  };
}
