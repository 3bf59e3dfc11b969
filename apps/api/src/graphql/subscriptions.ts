import type { ApolloServerPlugin, GraphQLRequestContextDidResolveOperation, GraphQLRequestListener } from '@apollo/server';
import {
  type DocumentNode,
  type ExecutionResult,
  getOperationAST,
  GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  parse,
  specifiedRules,
  validate,
  type ValidationRule,
} from 'graphql';
import type { Context, ServerOptions, SubscribePayload } from 'graphql-ws';
import type { WebSocket } from 'ws';
import type { Role } from '#domain/shared';
import { formatGraphQLError, type TokenService } from '#platform';
import type { Logger } from 'pino';
import type { FieldAccessContext, FieldVisibility } from './field-visibility.js';
import { RateLimiter } from './http-limits.js';
import type { RequestContext } from './request-context.js';

/** Close codes of the graphql-ws protocol for a refused connection, with reasons a tender system's operator can act on. */
const UNAUTHORIZED = 4401;
const FORBIDDEN = 4403;
const TOO_MANY_REQUESTS = 4429;

/** What a WebSocket connection stands in for: the HTTP request the guards read (its Authorization header). */
interface SocketRequest {
  headers: { authorization?: string };
}

export interface GraphqlWsSetup {
  readonly getSchema: () => GraphQLSchema;
  readonly tokens: TokenService;
  readonly fieldVisibility: FieldVisibility;
  readonly logger: Logger;
  /** Roles some subscription admits: any other is refused at connect. */
  readonly roles: readonly Role[];
  /** The request checks the HTTP path runs after resolving the operation (input, depth, complexity): run on every subscribe. */
  readonly checks: readonly ApolloServerPlugin[];
  /** Extra validation rules of the HTTP path. */
  readonly validationRules: readonly ValidationRule[];
  readonly maxTokens: number;
  /** Connections and subscribes per client a minute, as `RATE_LIMIT_PER_MINUTE` over HTTP (0: off). */
  readonly rateLimitPerMinute: number;
}

interface Extra {
  readonly socket: WebSocket;
  readonly request: { readonly socket: { readonly remoteAddress?: string } };
}
type WsOptions = Pick<ServerOptions<Record<string, unknown>, Extra>, 'onConnect' | 'onSubscribe' | 'onNext' | 'onError' | 'context'>;

function bearerOf(params: Readonly<Record<string, unknown>> | undefined): string | null {
  const value = params?.authorization ?? params?.Authorization;
  return typeof value === 'string' && /^Bearer\s+\S+$/i.test(value) ? value : null;
}

/**
 * graphql-ws served by `@nestjs/graphql` (ADR 0018). There is no HTTP request on a WebSocket, so a connection
 * authenticates in `onConnect` from `connectionParams.authorization` ("Bearer <token>", the same tokens and roles
 * as over HTTP), and every subscribe gets a request-like object carrying that header: AuthGuard and the scope
 * guard then decide each subscription exactly as they decide a query (the token is verified again, so an expired
 * one is refused). The checks Apollo runs on HTTP (token cap, validation, request input, depth and complexity
 * limits) run in `onSubscribe`, and errors go out through the same formatting as over HTTP. The HTTP rate limit
 * does not see a WebSocket, so connections and subscribes draw on an allowance of their own of the same size, per
 * token (per address without one).
 */
export function graphqlWsOptions(setup: GraphqlWsSetup): WsOptions {
  const format = (error: GraphQLError): GraphQLFormattedError => {
    // The rate limit's refusal is this module's own, as the HTTP limiter's is its own (never an internal error).
    if (error.extensions.code === 'RATE_LIMITED') return error.toJSON();
    const { extensions, ...formatted } = formatGraphQLError(error.toJSON(), error, setup.logger);
    if (!extensions) return formatted;
    const { http: _http, ...rest } = extensions as Record<string, unknown>;
    return { ...formatted, extensions: rest };
  };
  const limiter = setup.rateLimitPerMinute > 0 ? new RateLimiter(setup.rateLimitPerMinute) : null;
  const clientOf = (ctx: Context<Record<string, unknown>, Extra>) => bearerOf(ctx.connectionParams) ?? `address:${ctx.extra.request.socket.remoteAddress ?? ''}`;
  const tooMany = (retryAfterSeconds: number) =>
    `Too many requests: at most ${setup.rateLimitPerMinute} a minute are answered for one client. Send again in ${retryAfterSeconds} s.`;
  return {
    onConnect: async (ctx) => {
      const socket = ctx.extra.socket;
      const outcome = limiter?.take(clientOf(ctx));
      if (outcome && !outcome.allowed) {
        socket.close(TOO_MANY_REQUESTS, `Too many requests: send again in ${outcome.retryAfterSeconds} s.`);
        return false;
      }
      const bearer = bearerOf(ctx.connectionParams);
      if (!bearer) {
        socket.close(UNAUTHORIZED, 'Unauthenticated: send connectionParams { authorization: "Bearer <token>" }.');
        return false;
      }
      try {
        const actor = await setup.tokens.verify(bearer.replace(/^Bearer\s+/i, ''));
        if (!(setup.roles as readonly string[]).includes(actor.role)) {
          socket.close(FORBIDDEN, `Forbidden: a ${actor.role} may not subscribe; subscriptions are for ${setup.roles.join(', ')}.`);
          return false;
        }
      } catch {
        socket.close(UNAUTHORIZED, 'Unauthenticated: the token is forged, expired or malformed.');
        return false;
      }
      return true;
    },
    context: (ctx: Context<Record<string, unknown>, Extra>): RequestContext & FieldAccessContext => {
      const req: SocketRequest = { headers: { authorization: bearerOf(ctx.connectionParams) ?? undefined } };
      return { req: req as RequestContext['req'], loaders: {}, fieldAccess: setup.fieldVisibility.forRequest(req) };
    },
    onSubscribe: async (ctx, _id, payload: SubscribePayload) => {
      const outcome = limiter?.take(clientOf(ctx));
      if (outcome && !outcome.allowed) {
        const { retryAfterSeconds } = outcome;
        return [new GraphQLError(tooMany(retryAfterSeconds), { extensions: { code: 'RATE_LIMITED', retryAfterSeconds, limitPerMinute: setup.rateLimitPerMinute } })];
      }
      const schema = setup.getSchema();
      let document: DocumentNode;
      try {
        document = parse(payload.query, { maxTokens: setup.maxTokens });
      } catch (error) {
        return [new GraphQLError(error instanceof GraphQLError ? error.message : 'The query could not be parsed.', { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })];
      }
      const invalid = validate(schema, document, [...specifiedRules, ...setup.validationRules]);
      if (invalid.length > 0) return invalid.map((e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }));
      const operation = getOperationAST(document, payload.operationName);
      if (!operation) return [new GraphQLError('Name the operation to run (operationName).', { extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } })];
      if (operation.operation !== 'subscription') {
        return [new GraphQLError(`Over WebSocket this service runs subscriptions; send a ${operation.operation} over HTTP.`, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })];
      }
      const request = { query: payload.query, operationName: payload.operationName ?? undefined, variables: payload.variables ?? undefined };
      try {
        for (const plugin of setup.checks) {
          const listener = (await plugin.requestDidStart?.({ request } as never)) as GraphQLRequestListener<never> | void;
          await listener?.didResolveOperation?.({ request, document, operation, schema } as unknown as GraphQLRequestContextDidResolveOperation<never>);
        }
      } catch (error) {
        if (error instanceof GraphQLError) return [error];
        throw error;
      }
      return { schema, document, operationName: payload.operationName, variableValues: payload.variables };
    },
    onNext: (_ctx, _id, _payload, _args, result: ExecutionResult) =>
      result.errors ? { ...result, errors: result.errors.map(format) } : result,
    onError: (_ctx, _id, _payload, errors: readonly GraphQLError[]) => errors.map(format),
  };
}

/**
 * Over HTTP only queries and mutations are run: a subscription there would execute its field once with no
 * event. Refused as a validation error (HTTP 400) that says where subscriptions are served.
 */
export const HttpSubscriptionsRule: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (node.operation !== 'subscription') return;
    context.reportError(
      new GraphQLError('Subscriptions are served over WebSocket (graphql-ws, protocol graphql-transport-ws) at /graphql; over HTTP, send queries and mutations.', {
        nodes: node,
      }),
    );
  },
});
