import { GraphQLError, type ValidationRule } from 'graphql';

/**
 * An operation whose type the schema does not define (this service has no subscriptions) is a validation error
 * (GRAPHQL_VALIDATION_FAILED, HTTP 400). graphql-js 16 only finds it when executing, as an error with no code,
 * which the register would answer as an internal error. graphql-js 17 has this rule of its own.
 */
export const KnownOperationTypesRule: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (context.getSchema().getRootType(node.operation)) return;
    context.reportError(new GraphQLError(`The ${node.operation} operation is not supported by this service: it answers queries and mutations.`, { nodes: node }));
  },
});
