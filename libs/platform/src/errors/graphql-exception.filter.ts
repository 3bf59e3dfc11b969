import { type ArgumentsHost, Catch, Injectable } from '@nestjs/common';
import { BaseExceptionFilter, HttpAdapterHost } from '@nestjs/core';
import type { GqlContextType, GqlExceptionFilter } from '@nestjs/graphql';

/**
 * Hands every error of a GraphQL resolver straight to Apollo, where `formatGraphQLError` maps it (and logs
 * only the unexpected ones). Without it Nest logs each refused command as an error, though refusing bad
 * input is the register working as intended. Plain HTTP routes keep Nest's default handling.
 */
@Catch()
@Injectable()
export class GraphQLPassThroughFilter implements GqlExceptionFilter {
  private readonly http: BaseExceptionFilter;

  constructor(adapterHost: HttpAdapterHost) {
    this.http = new BaseExceptionFilter(adapterHost.httpAdapter);
  }

  catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<GqlContextType>() === 'graphql') return exception;
    this.http.catch(exception, host);
    return undefined;
  }
}
