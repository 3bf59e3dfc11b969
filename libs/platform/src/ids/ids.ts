import { randomUUID } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** A fresh random identifier (UUID v4). */
export function newId(): string {
  return randomUUID();
}

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** HTTP header that carries a correlation id in and out of the API. */
export const CORRELATION_ID_HEADER = 'x-correlation-id';

/** Letters, digits and `._:-`, 1–128 characters: safe to log, to echo in a header and to store in metadata. */
const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function newCorrelationId(): string {
  return randomUUID();
}

export function isValidCorrelationId(value: unknown): value is string {
  return typeof value === 'string' && CORRELATION_ID.test(value);
}

/**
 * The correlation id to use for an incoming request: the caller's own (from the header value, first one
 * if repeated) when it is well-formed, otherwise a new one. Never trusts arbitrary header text into logs.
 */
export function correlationIdFrom(headerValue: string | readonly string[] | undefined | null): string {
  const candidate = (Array.isArray(headerValue) ? headerValue[0] : headerValue)?.trim();
  return isValidCorrelationId(candidate) ? candidate : newCorrelationId();
}
