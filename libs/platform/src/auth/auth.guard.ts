import { type CanActivate, type ExecutionContext, Injectable, SetMetadata, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Actor, Role } from '#domain/shared';
import { ForbiddenError, UnauthenticatedError } from '../errors/app-errors.js';
import { TokenService } from './token.service.js';

const ROLES_KEY = 'register:roles';
const PUBLIC_KEY = 'register:public';

/** The roles allowed to call a resolver or route. Every GraphQL operation must declare it. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** For operator endpoints (health, metrics, console page) that carry no user token. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

interface RequestWithActor {
  headers: Record<string, string | string[] | undefined>;
  actor?: Actor;
}

/** What a handler's decorators say about access; fixed once the application is built. */
interface AccessRule {
  readonly isPublic: boolean;
  readonly roles: readonly Role[] | undefined;
}

function requestOf(context: ExecutionContext): RequestWithActor {
  if (context.getType<string>() === 'graphql') {
    return GqlExecutionContext.create(context).getContext<{ req: RequestWithActor }>().req;
  }
  return context.switchToHttp().getRequest<RequestWithActor>();
}

/**
 * Global guard, fail-closed: a GraphQL operation without @Roles is refused, a missing or bad token is
 * UNAUTHENTICATED, a role not listed is FORBIDDEN. Scoping to an association or enterprise is the
 * resolver's job (it knows which record is asked for).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
  ) {}

  /** Each handler's rule, by class and handler: the metadata never changes, and reading it is most of this guard's work. */
  private readonly rules = new WeakMap<object, WeakMap<object, AccessRule>>();

  private ruleOf(context: ExecutionContext): AccessRule {
    const handler = context.getHandler();
    const owner = context.getClass();
    let byHandler = this.rules.get(owner);
    if (!byHandler) this.rules.set(owner, (byHandler = new WeakMap()));
    let rule = byHandler.get(handler);
    if (!rule) {
      const targets = [handler, owner];
      rule = {
        isPublic: this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_KEY, targets) === true,
        roles: this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets),
      };
      byHandler.set(handler, rule);
    }
    return rule;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { isPublic, roles } = this.ruleOf(context);
    if (isPublic) return true;
    const request = requestOf(context);
    const header = request.headers.authorization;
    const value = Array.isArray(header) ? header[0] : header;
    if (!value) throw new UnauthenticatedError('Sign in: send "Authorization: Bearer <token>".');
    const match = /^Bearer\s+(\S+)$/i.exec(value);
    if (!match) throw new UnauthenticatedError('The Authorization header must be "Bearer <token>".');
    // Verified once per request: the rate limiter has usually asked already, and every top-level field asks again.
    const actor = await this.tokens.actorOf(request, match[1]!);
    request.actor = actor;
    if (!roles || roles.length === 0) {
      throw new ForbiddenError('This operation has no access rule, so nobody may call it.');
    }
    if (!(roles as readonly string[]).includes(actor.role)) {
      throw new ForbiddenError(`The role ${actor.role} may not do this; it needs one of: ${roles.join(', ')}.`);
    }
    return true;
  }
}

/** The authenticated actor of the current GraphQL call. */
export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext): Actor => {
  const actor = requestOf(context).actor;
  if (!actor) throw new UnauthenticatedError('Sign in first.');
  return actor;
});
