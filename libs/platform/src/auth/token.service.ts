import { jwtVerify, SignJWT, errors as joseErrors } from 'jose';
import { type Actor, type Role, ROLES } from '#domain/shared';
import { UnauthenticatedError } from '../errors/app-errors.js';

export interface TokenRequest {
  readonly userId: string;
  readonly role: Role;
  /** Association the user acts for (admins, members). */
  readonly associationId?: string | null;
  /** Enterprise a MEMBER user reads on behalf of (its unified social credit code). */
  readonly enterpriseCode?: string | null;
  readonly name?: string | null;
  /** Lifetime in seconds. */
  readonly ttlSeconds: number;
}

export interface TokenSettings {
  readonly secret: string;
  readonly issuer: string;
}

/** How many verified tokens `verify` remembers (a client reuses one token for hours). */
const VERIFIED_CAPACITY = 1_000;

interface Verified {
  readonly actor: Actor;
  /** The token's `exp` in seconds since the epoch (Infinity: none). */
  readonly expires: number;
}

/** Issues and verifies the bearer tokens (HS256 JWT) every GraphQL call carries. */
export class TokenService {
  private readonly key: Uint8Array;
  /**
   * Tokens whose signature, issuer and claims have been verified, by the exact token text. The signature and
   * the claims of a token never change and the key is this instance's, so what is left to check on a later
   * request is the expiry, which `verify` checks on every call. Checking the signature costs an HMAC
   * through WebCrypto, an imported key and a promise, more than the rest of a small request's own work.
   */
  private readonly verified = new Map<string, Verified>();

  /**
   * The verification of each request's token, by the request object: the rate limiter, AuthGuard and every
   * top-level field of one request share one answer (a refusal included) instead of looking the token up again.
   */
  private readonly byRequest = new WeakMap<object, { readonly token: string; readonly actor: Promise<Actor> }>();

  constructor(private readonly settings: TokenSettings) {
    this.key = new TextEncoder().encode(settings.secret);
  }

  async issue(request: TokenRequest): Promise<string> {
    if (!ROLES.includes(request.role)) throw new Error(`Unknown role ${request.role}; use one of ${ROLES.join(', ')}.`);
    return new SignJWT({
      role: request.role,
      assoc: request.associationId ?? null,
      ent: request.enterpriseCode ?? null,
      name: request.name ?? null,
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(request.userId)
      .setIssuer(this.settings.issuer)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + request.ttlSeconds)
      .sign(this.key);
  }

  /** `verify` once per request: a later call for the same request and token gets the first call's answer. */
  actorOf(request: object, token: string): Promise<Actor> {
    const known = this.byRequest.get(request);
    if (known !== undefined && known.token === token) return known.actor;
    const actor = this.verify(token);
    // Whoever asks first may drop a refusal (the limiter counts the address instead); later callers still get it.
    actor.catch(() => undefined);
    this.byRequest.set(request, { token, actor });
    return actor;
  }

  /** The actor a token speaks for; UnauthenticatedError when it is missing, forged, expired or malformed. */
  async verify(token: string): Promise<Actor> {
    const known = this.verified.get(token);
    if (known) {
      // jose's rule: expired once `exp` is not after the current second.
      if (known.expires > Math.floor(Date.now() / 1000)) return known.actor;
      this.verified.delete(token);
    }
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: this.settings.issuer, algorithms: ['HS256'] });
      const role = payload.role as Role;
      if (typeof payload.sub !== 'string' || !ROLES.includes(role)) {
        throw new UnauthenticatedError('The token does not name a user and a known role.');
      }
      const associationId = typeof payload.assoc === 'string' && payload.assoc !== '' ? payload.assoc : null;
      const enterpriseCode = typeof payload.ent === 'string' && payload.ent !== '' ? payload.ent : null;
      // An admin acts for one association and a member reads for one firm (ADR 0014): a token naming neither speaks
      // for nobody, and no later scope check should have to tell "no association" from "another association".
      if (role === 'ADMIN' && associationId === null) throw new UnauthenticatedError('An ADMIN token must name the association it acts for.');
      if (role === 'MEMBER' && enterpriseCode === null) throw new UnauthenticatedError('A MEMBER token must name the firm it reads for.');
      // Frozen: the remembered actor is handed to every later request with this token.
      const actor: Actor = Object.freeze({ userId: payload.sub, role, associationId, enterpriseCode });
      this.remember(token, { actor, expires: typeof payload.exp === 'number' ? payload.exp : Number.POSITIVE_INFINITY });
      return actor;
    } catch (error) {
      if (error instanceof UnauthenticatedError) throw error;
      if (error instanceof joseErrors.JWTExpired) throw new UnauthenticatedError('The token has expired; ask for a new one.');
      throw new UnauthenticatedError('The token is not valid for this register.');
    }
  }

  private remember(token: string, verified: Verified): void {
    if (this.verified.size >= VERIFIED_CAPACITY) {
      // The oldest entry goes first (a Map iterates in insertion order).
      const oldest = this.verified.keys().next().value;
      if (oldest !== undefined) this.verified.delete(oldest);
    }
    this.verified.set(token, verified);
  }
}
