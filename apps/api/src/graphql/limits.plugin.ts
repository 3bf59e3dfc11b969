import type { ApolloServerPlugin } from '@apollo/server';
import {
  type ASTNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  getNamedType,
  GraphQLError,
  type GraphQLSchema,
  isLeafType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  visit,
} from 'graphql';
import { type ComplexityEstimator, fieldExtensionsEstimator, getComplexity } from 'graphql-query-complexity';

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

/** Arguments that say how many items a list field returns: a page size, or a list of keys looked up at once. */
const PAGE_SIZE_ARGUMENT = 'first';
const KEY_LIST_ARGUMENTS = ['subjectIds', 'codes'] as const;

/** Arguments the cost estimator below reads: a variable in one of them (or in a directive) changes the cost. */
const COSTED_ARGUMENTS = new Set<string>([PAGE_SIZE_ARGUMENT, ...KEY_LIST_ARGUMENTS]);

/** How many items a field can return by its arguments (1 when none of them says). */
function itemsOf(args: Record<string, unknown>): number {
  if (typeof args[PAGE_SIZE_ARGUMENT] === 'number') return Math.max(0, args[PAGE_SIZE_ARGUMENT]);
  for (const name of KEY_LIST_ARGUMENTS) {
    const keys = args[name];
    if (Array.isArray(keys)) return keys.length;
  }
  return 1;
}

/**
 * The cost model: an operation costs the number of objects its answer can hold. Each object field (a row, an
 * edge, a nested record) counts 1; a scalar or enum field counts nothing, since it is read from a row that is
 * loaded anyway; a field that takes a page size (`first`) or a list of keys (`subjectIds`) counts everything it
 * holds once per item it can return. So the cost grows with pages and keys, and a page of the schema's largest
 * size with every field of its nodes costs 4 to 7 points a row (800 to 1,400 for 200 rows), below the default
 * limit of 2,000, while several such pages in one operation are refused (ADR 0011). Before, every field counted 1, so the
 * same page cost 3,000 and the largest page the schema allows could not be asked for with its fields.
 * A connection nested in a node (`Membership.events`) is a page of its own and multiplies what contains it:
 * ask for it in a separate query, or with a small `first`.
 */
const objectCountEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  const own = isLeafType(getNamedType(field.type)) ? 0 : 1;
  return itemsOf(args) * (own + childComplexity);
};

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
      estimators: [fieldExtensionsEstimator(), objectCountEstimator],
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
  /** Costs by the shape of the variables (see `costShapeOf`), when they do. */
  readonly costByShape: Map<string, number>;
}

/** Distinct variable shapes remembered per operation: a client cannot grow the cache without bound. */
const MAX_SHAPES = 64;

/**
 * What of the variables can change the cost: a list counts by its length (the keys looked up), a number or a
 * boolean by its value (a page size, an `@include`); other values (text, input objects) never do. A tender system
 * sending its look-up with other codes of the same count reuses the cost worked out for the first one.
 */
function costShapeOf(variables: Record<string, unknown> | null | undefined): string {
  const shape: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(variables ?? {})) {
    if (Array.isArray(value)) shape[name] = { length: value.length };
    else if (typeof value === 'number' || typeof value === 'boolean' || value === null) shape[name] = value;
  }
  return JSON.stringify(shape);
}

/**
 * Refuses operations nested deeper than `maxDepth` or costing more than `maxComplexity` (objects the answer can
 * hold, lists counted by their page size or keys: see `objectCountEstimator`), before any resolver runs.
 *
 * Apollo hands every request with the same query text the same parsed document, so the depth, and the cost
 * when no variable can change it, are worked out once per document and operation (a client sending one
 * query with other variables pays the schema walk once); a cost that depends on the variables is worked out
 * once per shape of them (list lengths, numbers, booleans).
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
        costByShape: new Map(),
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
          const shape = limits.costDependsOnVariables ? costShapeOf(request.variables) : '';
          const complexity =
            (limits.costDependsOnVariables ? limits.costByShape.get(shape) : limits.cost) ??
            costOf(getSchema(), document, request.operationName, request.variables);
          // null: variables that do not fit the operation; execution reports them as BAD_USER_INPUT.
          if (complexity === null) return;
          if (!limits.costDependsOnVariables) limits.cost = complexity;
          else if (limits.costByShape.size < MAX_SHAPES) limits.costByShape.set(shape, complexity);
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
