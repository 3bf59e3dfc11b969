import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { GraphQLModule, GraphQLSchemaHost } from '@nestjs/graphql';
import type { Role } from '#domain/shared';
import type { Request } from 'express';
import { registerQueries } from '#projections';
import { ApplicationModule } from '#application';
import { AuthGuard, formatGraphQLError, GraphQLPassThroughFilter, graphqlMetricsPlugin, inputValidationPipe, ServiceRuntimeModule } from '#platform';
import { AuditHistory } from './audit/audit-history.js';
import { AuditTrailResolver } from './audit/audit.resolver.js';
import { ConsoleModule } from './console/console.module.js';
import { CREDIT_PROVIDERS, CREDIT_RESOLVERS } from './credit/credit.resolver.js';
import { DuesResolver } from './dues/dues.resolver.js';
import { EnterpriseResolver } from './enterprise/enterprise.resolver.js';
import { AccessScopeGuard, ScorerAssignments } from './graphql/access-scope.guard.js';
import { type FieldAccessContext, FieldVisibility, FieldVisibilityModule } from './graphql/field-visibility.js';
import { MAX_DOCUMENT_TOKENS, queryLimitsPlugin } from './graphql/limits.plugin.js';
import { KnownOperationTypesRule } from './graphql/operation-types.rule.js';
import { requestInputPlugin } from './graphql/request-input.plugin.js';
import { noStorePlugin } from './graphql/no-store.plugin.js';
import { unavailablePlugin } from './graphql/unavailable.plugin.js';
import { graphqlWsOptions, HttpSubscriptionsRule } from './graphql/subscriptions.js';
import { MEMBERSHIP_RESOLVERS } from './membership/membership.module.js';
import { RANKINGS_RESOLVERS } from './rankings/rankings.resolver.js';
import { PersonsResolver } from './persons/persons.resolver.js';
import { ExpertsResolver } from './experts/experts.resolver.js';
import { AwardsResolver } from './awards/awards.resolver.js';
import { PrivacyResolver } from './privacy/privacy.resolver.js';
import type { RequestContext } from './graphql/request-context.js';
import { HealthController } from './ops/health.controller.js';
import { MetricsController } from './ops/metrics.controller.js';
import type { ApiRuntime } from './runtime.js';
import { RatingChangeFeed } from './tender/rating-change-feed.js';
import { SealsResolver } from './seals/seals.resolver.js';
import { RatingChangesResolver, SUBSCRIPTION_ROLES } from './tender/rating-changes.resolver.js';

/** The resolvers of every bounded context; the schema printer builds the committed schema.gql from these. */
export const RESOLVERS = [EnterpriseResolver, DuesResolver, ...MEMBERSHIP_RESOLVERS, ...CREDIT_RESOLVERS, PrivacyResolver, PersonsResolver, RatingChangesResolver, AuditTrailResolver, SealsResolver, ExpertsResolver, ...RANKINGS_RESOLVERS, AwardsResolver];

const READ_MODELS = [...registerQueries, AuditHistory];

@Module({})
export class ApiModule {
  static forRoot(runtime: ApiRuntime): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ServiceRuntimeModule.forRoot(runtime),
        ApplicationModule,
        ConsoleModule,
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          // The field layer (ADR 0014) reads owners' facts through FieldVisibility, one access per request.
          imports: [FieldVisibilityModule],
          inject: [GraphQLSchemaHost, FieldVisibility],
          useFactory: (schemaHost: GraphQLSchemaHost, fieldVisibility: FieldVisibility) => ({
            path: '/graphql',
            autoSchemaFile: true,
            sortSchema: true,
            graphiql: false,
            playground: false,
            introspection: true,
            includeStacktraceInErrorResponses: false,
            // unavailablePlugin sets the status of execution results itself (503 + Retry-After for UNAVAILABLE).
            preserveHttpStatusForExecutionErrors: false,
            context: ({ req }: { req: Request }): RequestContext & FieldAccessContext => ({ req, loaders: {}, fieldAccess: fieldVisibility.forRequest(req) }),
            formatError: (formatted, error) => formatGraphQLError(formatted, error, runtime.logger),
            plugins: [
              // Its per-field hook costs more than resolving the fields; noStorePlugin sets the one header it gave.
              ApolloServerPluginCacheControlDisabled(),
              noStorePlugin(),
              unavailablePlugin(),
              graphqlMetricsPlugin(runtime.metrics),
              requestInputPlugin(),
              queryLimitsPlugin(() => schemaHost.schema, runtime.config.graphql),
            ],
            // An operation type the schema lacks, or a subscription over HTTP, is a validation error, not a failure of execution.
            validationRules: [KnownOperationTypesRule, HttpSubscriptionsRule],
            // Subscriptions over graphql-ws at the same path, authenticated from connectionParams, with the HTTP path's checks (ADR 0018).
            subscriptions: {
              'graphql-ws': graphqlWsOptions({
                getSchema: () => schemaHost.schema,
                tokens: runtime.tokens,
                fieldVisibility,
                logger: runtime.logger,
                roles: SUBSCRIPTION_ROLES as readonly Role[],
                checks: [requestInputPlugin(), queryLimitsPlugin(() => schemaHost.schema, runtime.config.graphql)],
                validationRules: [KnownOperationTypesRule],
                maxTokens: MAX_DOCUMENT_TOKENS,
                rateLimitPerMinute: runtime.config.rateLimitPerMinute,
              }) as never,
            },
            parseOptions: { maxTokens: MAX_DOCUMENT_TOKENS },
          }),
        }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        // After AuthGuard (global guards run in this order): the scope, once the token and the role are known.
        { provide: APP_GUARD, useClass: AccessScopeGuard },
        ScorerAssignments,
        { provide: APP_PIPE, useFactory: inputValidationPipe },
        { provide: APP_FILTER, useClass: GraphQLPassThroughFilter },
        ...CREDIT_PROVIDERS,
        RatingChangeFeed,
        ...READ_MODELS,
        ...RESOLVERS,
      ],
    };
  }
}
