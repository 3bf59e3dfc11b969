import type { ApolloServerPlugin } from '@apollo/server';
import {
  type ASTNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  visit,
} from 'graphql';
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

/** Arguments the cost estimator below reads: a variable in one of them (or in a directive) changes the cost. */
const COSTED_ARGUMENTS = new Set(['first', 'codes']);

/**
 * Whether the operation's cost can change with its variables: a variable given to a costed argument, or to
 * `@include`/`@skip` (which decide whether a field counts at all). Variables elsewhere (a mutation's input)
 * do not change it.
 */
function costDependsOnVariables(operation: OperationDefinitionNode, fragments: readonly FragmentDefinitionNode[]): boolean {
  let depends = false;
  const check = (node: ASTNode) =>
    visit(node, {
      Variable(_node, _key, parent, _path, ancestors) {
        // `ancestors` stops short of the parent (the argument or directive the variable is given to).
        for (const ancestor of [...ancestors, parent]) {
          if (!ancestor || Array.isArray(ancestor)) continue;
          const a = ancestor as ASTNode;
          if (a.kind === Kind.VARIABLE_DEFINITION) return;
          if (a.kind === Kind.DIRECTIVE || (a.kind === Kind.ARGUMENT && COSTED_ARGUMENTS.has(a.name.value))) depends = true;
        }
      },
    });
  check(operation);
  for (const fragment of fragments) check(fragment);
  return depends;
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

/** What the limits know of one operation of a parsed document. */
interface OperationLimits {
  readonly depth: number;
  readonly costDependsOnVariables: boolean;
  /** The cost, once computed, when it does not depend on the variables. */
  cost: number | null;
}

/**
 * Refuses operations nested deeper than `maxDepth` or costing more than `maxComplexity` (lists count by their
 * `first` argument), before any resolver runs.
 *
 * Apollo hands every request with the same query text the same parsed document, so the depth, and the cost
 * when no variable can change it, are worked out once per document and operation (a client sending one
 * query with other variables pays the schema walk once).
 */
export function queryLimitsPlugin(getSchema: () => GraphQLSchema, maxDepth: number, maxComplexity: number): ApolloServerPlugin {
  const known = new WeakMap<DocumentNode, Map<OperationDefinitionNode, OperationLimits>>();
  const limitsOf = (document: DocumentNode, operation: OperationDefinitionNode): OperationLimits => {
    let byOperation = known.get(document);
    if (!byOperation) known.set(document, (byOperation = new Map()));
    let limits = byOperation.get(operation);
    if (!limits) {
      const fragmentList = document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
      const fragments = Object.fromEntries(fragmentList.map((d) => [d.name.value, d]));
      limits = {
        depth: depthOf(operation.selectionSet, fragments, new Set()),
        costDependsOnVariables: costDependsOnVariables(operation, fragmentList),
        cost: null,
      };
      byOperation.set(operation, limits);
    }
    return limits;
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operation }) {
          if (!operation) return;
          const limits = limitsOf(document, operation);
          const depth = limits.depth;
          if (depth > maxDepth) {
            throw new GraphQLError(`The query is nested ${depth} levels deep; at most ${maxDepth} are allowed.`, {
              extensions: { code: 'BAD_USER_INPUT', limit: 'depth' },
            });
          }
          const complexity = limits.cost ?? costOf(getSchema(), document, request.operationName, request.variables);
          // null: variables that do not fit the operation; execution reports them as BAD_USER_INPUT.
          if (complexity === null) return;
          if (!limits.costDependsOnVariables) limits.cost = complexity;
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
