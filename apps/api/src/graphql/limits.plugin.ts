import type { ApolloServerPlugin } from '@apollo/server';
import { type DocumentNode, GraphQLError, type GraphQLSchema, Kind, type SelectionSetNode, type FragmentDefinitionNode } from 'graphql';
import { getComplexity, fieldExtensionsEstimator } from 'graphql-query-complexity';

function depthOf(set: SelectionSetNode | undefined, fragments: Record<string, FragmentDefinitionNode>, seen: Set<string>): number {
  if (!set) return 0;
  let max = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith('__')) continue;
      max = Math.max(max, 1 + depthOf(selection.selectionSet, fragments, seen));
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      max = Math.max(max, depthOf(selection.selectionSet, fragments, seen));
    } else {
      const name = selection.name.value;
      if (seen.has(name)) continue;
      const fragment = fragments[name];
      max = Math.max(max, depthOf(fragment?.selectionSet, fragments, new Set([...seen, name])));
    }
  }
  return max;
}

function costOf(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
): number | null {
  try {
    return getComplexity({
      schema,
      query: document,
      operationName: operationName ?? undefined,
      variables: variables ?? {},
      estimators: [
        fieldExtensionsEstimator(),
        // A field costs 1, a list field its page size (or the number of keys asked for) times what each item costs.
        ({ args, childComplexity }) => {
          const first = typeof args.first === 'number' ? args.first : Array.isArray(args.codes) ? args.codes.length : 1;
          return first * Math.max(1, childComplexity);
        },
      ],
    });
  } catch {
    return null;
  }
}

/**
 * Refuses operations nested deeper than `maxDepth` or costing more than `maxComplexity` (lists count by their
 * `first` argument), before any resolver runs.
 */
export function queryLimitsPlugin(getSchema: () => GraphQLSchema, maxDepth: number, maxComplexity: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operation }) {
          if (!operation) return;
          const fragments = Object.fromEntries(
            document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
          );
          const depth = depthOf(operation.selectionSet, fragments, new Set());
          if (depth > maxDepth) {
            throw new GraphQLError(`The query is nested ${depth} levels deep; at most ${maxDepth} are allowed.`, {
              extensions: { code: 'BAD_USER_INPUT', limit: 'depth' },
            });
          }
          const complexity = costOf(getSchema(), document, request.operationName, request.variables);
          // null: variables that do not fit the operation; execution reports them as BAD_USER_INPUT.
          if (complexity === null) return;
          if (complexity > maxComplexity) {
            throw new GraphQLError(`The query would cost ${complexity} points; at most ${maxComplexity} are allowed. Ask for smaller pages.`, {
              extensions: { code: 'BAD_USER_INPUT', limit: 'complexity' },
            });
          }
        },
      };
    },
  };
}
