import { performance } from 'node:perf_hooks';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { ErrorCodes, type TokenService } from '#platform';

/**
 * The largest request body the API reads: 4 MiB. Above every request the input limits allow (each list at its
 * maximum, each string at its maximum length in three-byte characters, the bulk budgets spent in full; the
 * largest, a scoring of 1,000 applications, is under 3 MB: `test/security/hostile-input-limits.spec.ts` computes
 * them), so a request is never refused for its size when its fields would have been accepted.
 */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** A GraphQL-shaped refusal sent before Apollo sees the request (the body was never parsed, or never read). */
function refuse(response: Response, status: number, message: string, extensions: Record<string, unknown>): void {
  response.status(status).type('application/json').send(JSON.stringify({ errors: [{ message, extensions }] }));
}

interface BodyParserError {
  readonly type?: string;
  readonly status?: number;
  readonly length?: number;
  readonly limit?: number;
}

/**
 * Reads JSON bodies up to `MAX_BODY_BYTES` (after any Content-Encoding is undone) and answers a body that is too
 * large or no JSON as a GraphQL error: 413 PAYLOAD_TOO_LARGE with the limit in bytes, 400 BAD_REQUEST, instead
 * of Nest's bare `{"statusCode":413,…}`.
 */
export function jsonBodyParser(): [RequestHandler, (error: unknown, request: Request, response: Response, next: NextFunction) => void] {
  const parse = express.json({ limit: MAX_BODY_BYTES, type: ['application/json', 'application/*+json'] });
  const onError = (error: unknown, _request: Request, response: Response, next: NextFunction) => {
    const failure = error as BodyParserError;
    if (typeof failure?.type !== 'string') return next(error);
    if (failure.type === 'entity.too.large') {
      const size = typeof failure.length === 'number' && Number.isFinite(failure.length) ? `${failure.length} bytes` : 'larger than the limit';
      return refuse(response, 413, `The request body is ${size}; at most ${MAX_BODY_BYTES} bytes are read. Send bulk work in several requests.`, {
        code: ErrorCodes.payloadTooLarge,
        limitBytes: MAX_BODY_BYTES,
      });
    }
    if (failure.type === 'entity.parse.failed') {
      return refuse(response, 400, 'The request body is not valid JSON.', { code: ErrorCodes.badRequest });
    }
    const status = typeof failure.status === 'number' && failure.status >= 400 && failure.status < 500 ? failure.status : 400;
    return refuse(response, status, `The request body could not be read (${failure.type}).`, { code: ErrorCodes.badRequest });
  };
  return [parse, onError];
}

interface Allowance {
  /** Requests left, refilled continuously up to the per-minute figure. */
  tokens: number;
  /** When `tokens` was last brought up to date (ms, monotonic). */
  at: number;
}

/** Clients remembered at most; full allowances are forgotten first (a fresh one is the same). */
const MAX_CLIENTS = 100_000;

/**
 * Per-client request allowance for /graphql: a token bucket of `perMinute` requests, refilled at `perMinute` a
 * minute, so a client may send a minute's worth at once and `perMinute` every minute after. A client is its
 * bearer token when the token is valid, else its address (a made-up token per request gains nothing). Past it:
 * HTTP 429 with `Retry-After` (seconds) and a GraphQL error RATE_LIMITED. Real time, not the register's clock.
 */
export class RateLimiter {
  private readonly clients = new Map<string, Allowance>();
  private readonly perMs: number;

  constructor(
    readonly perMinute: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.perMs = perMinute / 60_000;
  }

  /** Takes one request from the client's allowance; the seconds to wait when there is none left. */
  take(client: string): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const now = this.now();
    let allowance = this.clients.get(client);
    if (allowance === undefined) this.remember(client, (allowance = { tokens: this.perMinute, at: now }));
    allowance.tokens = Math.min(this.perMinute, allowance.tokens + (now - allowance.at) * this.perMs);
    allowance.at = now;
    if (allowance.tokens >= 1) {
      allowance.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - allowance.tokens) / this.perMs / 1000)) };
  }

  get size(): number {
    return this.clients.size;
  }

  private remember(client: string, allowance: Allowance): void {
    if (this.clients.size >= MAX_CLIENTS) {
      const now = this.now();
      for (const [key, other] of this.clients) {
        if (other.tokens + (now - other.at) * this.perMs >= this.perMinute) this.clients.delete(key);
      }
      // Still full (a flood from many addresses): the oldest go first.
      for (const key of this.clients.keys()) {
        if (this.clients.size < MAX_CLIENTS) break;
        this.clients.delete(key);
      }
    }
    this.clients.set(client, allowance);
  }
}

/**
 * Which allowance a request draws on: its token's, when the token is valid, else its address's. The verification is
 * the request's own (`TokenService.actorOf`), which AuthGuard then reuses rather than doing again.
 */
async function clientOf(request: Request, tokens: TokenService): Promise<string> {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (match) {
    try {
      await tokens.actorOf(request, match[1]!);
      return `token:${match[1]}`;
    } catch {
      // An invalid token is no identity: it counts against the address.
    }
  }
  return `address:${request.socket.remoteAddress ?? 'unknown'}`;
}

/** The rate limit as Express middleware, before the body is read. */
export function rateLimitMiddleware(limiter: RateLimiter, tokens: TokenService): RequestHandler {
  return (request, response, next) => {
    clientOf(request, tokens).then(
      (client) => {
        const outcome = limiter.take(client);
        if (outcome.allowed) return next();
        response.setHeader('Retry-After', String(outcome.retryAfterSeconds));
        refuse(
          response,
          429,
          `Too many requests: at most ${limiter.perMinute} a minute are answered for one client. Send again in ${outcome.retryAfterSeconds} s.`,
          { code: ErrorCodes.rateLimited, retryAfterSeconds: outcome.retryAfterSeconds, limitPerMinute: limiter.perMinute },
        );
      },
      (error: unknown) => next(error),
    );
  };
}
