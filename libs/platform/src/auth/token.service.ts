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

/** Issues and verifies the bearer tokens (HS256 JWT) every GraphQL call carries. */
export class TokenService {
  private readonly key: Uint8Array;

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

  /** The actor a token speaks for; UnauthenticatedError when it is missing, forged, expired or malformed. */
  async verify(token: string): Promise<Actor> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: this.settings.issuer, algorithms: ['HS256'] });
      const role = payload.role as Role;
      if (typeof payload.sub !== 'string' || !ROLES.includes(role)) {
        throw new UnauthenticatedError('The token does not name a user and a known role.');
      }
      return {
        userId: payload.sub,
        role,
        associationId: typeof payload.assoc === 'string' ? payload.assoc : null,
        enterpriseCode: typeof payload.ent === 'string' ? payload.ent : null,
      };
    } catch (error) {
      if (error instanceof UnauthenticatedError) throw error;
      if (error instanceof joseErrors.JWTExpired) throw new UnauthenticatedError('The token has expired; ask for a new one.');
      throw new UnauthenticatedError('The token is not valid for this register.');
    }
  }
}
