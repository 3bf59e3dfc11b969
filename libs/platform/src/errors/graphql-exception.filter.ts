import { type ArgumentsHost, Catch, Injectable } from '@nestjs/common';
import { BaseExceptionFilter, HttpAdapterHost } from '@nestjs/core';
import type { GqlContextType, GqlExceptionFilter } from '@nestjs/graphql';

/**
 * Hands every error of a GraphQL resolver straight to Apollo, where `formatGraphQLError` maps it (and logs
 * only the unexpected ones). Without it Nest logs each refused command as an error, though refusing bad
 * input is the register working as intended. Plain HTTP routes keep Nest's default handling.
 *
 * It throws rather than returns the error: a returned value becomes the resolver's result, and graphql-js only
 * treats it as an error when it passes `instanceof Error` in its own realm, which an error made by Node itself
 * (a refused connection) does not under a VM-sandboxed runner; a thrown value is an error whatever it is.
 */
@Catch()
@Injectable()
export class GraphQLPassThroughFilter implements GqlExceptionFilter {
  private readonly http: BaseExceptionFilter;

  constructor(adapterHost: HttpAdapterHost) {
    this.http = new BaseExceptionFilter(adapterHost.httpAdapter);
  }

  catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<GqlContextType>() === 'graphql') throw exception;
    this.http.catch(exception, host);
    return undefined;
  }
}
