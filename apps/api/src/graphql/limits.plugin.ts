import type { ApolloServerPlugin } from '@apollo/server';
import {
  type ASTNode,
  type DocumentNode,
  type FieldNode,
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
import type { FieldError } from '#domain/shared';

/** How deep a selection set goes, and the response path of its deepest field (aliases as the answer names them). */
function depthOf(set: SelectionSetNode | undefined, fragments: Record<string, FragmentDefinitionNode>, seen: Set<string>): { depth: number; path: string[] } {
  let deepest = { depth: 0, path: [] as string[] };
  if (!set) return deepest;
  for (const selection of set.selections) {
    let inner: { depth: number; path: string[] };
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith('__')) continue;
      const below = depthOf(selection.selectionSet, fragments, seen);
      inner = { depth: 1 + below.depth, path: [(selection.alias ?? selection.name).value, ...below.path] };
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      inner = depthOf(selection.selectionSet, fragments, seen);
    } else {
      const name = selection.name.value;
      if (seen.has(name)) continue;
      inner = depthOf(fragments[name]?.selectionSet, fragments, new Set([...seen, name]));
    }
    if (inner.depth > deepest.depth) deepest = inner;
  }
  return deepest;
}

/** The root fields an operation selects, through fragments (each with its response key), `__typename` aside. */
function rootFieldsOf(set: SelectionSetNode, fragments: Record<string, FragmentDefinitionNode>, seen: Set<string> = new Set()): FieldNode[] {
  return set.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return selection.name.value === '__typename' ? [] : [selection];
    if (selection.kind === Kind.INLINE_FRAGMENT) return rootFieldsOf(selection.selectionSet, fragments, seen);
    const fragment = fragments[selection.name.value];
    if (!fragment || seen.has(fragment.name.value)) return [];
    return rootFieldsOf(fragment.selectionSet, fragments, new Set([...seen, fragment.name.value]));
  });
}

/** A refusal by a limit: a request error (HTTP 400, nothing executed), with the selections that exceed it. */
function limitError(message: string, limit: 'depth' | 'complexity' | 'mutations', fieldErrors: readonly FieldError[]): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', limit, fieldErrors, http: { status: 400 } } });
}

/**
 * Lexical tokens a document may hold (graphql-js stops parsing past it: GRAPHQL_PARSE_FAILED, HTTP 400). Parsing
 * and validating run before any limit below can, and cost time with the document's size; 100,000 tokens (half a
 * second of validation at most) is far above any query the schema needs and room for a bulk list written inline,
 * though bulk lists are best sent as variables, where only the body limit applies.
 */
export const MAX_DOCUMENT_TOKENS = 100_000;

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

/** The cost of each root field alone, costliest first: what to name when the whole is refused. */
function costsByRootField(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  roots: readonly FieldNode[],
  variables: Record<string, unknown> | null | undefined,
): FieldError[] {
  const fragments = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  return roots
    .map((root) => {
      const alone: DocumentNode = { ...document, definitions: [{ ...operation, selectionSet: { kind: Kind.SELECTION_SET, selections: [root] } }, ...fragments] };
      return { field: (root.alias ?? root.name).value, cost: costOf(schema, alone, operation.name?.value, variables) ?? 0 };
    })
    .sort((a, b) => b.cost - a.cost)
    .map(({ field, cost }) => ({ field, message: `costs ${cost} point${cost === 1 ? '' : 's'}.` }));
}

/** What the limits know of one operation of a parsed document. */
interface OperationLimits {
  readonly depth: number;
  /** The response path of the deepest field. */
  readonly deepestPath: readonly string[];
  readonly rootFields: readonly FieldNode[];
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

export interface QueryLimits {
  readonly maxDepth: number;
  readonly maxComplexity: number;
  /** Mutation fields one request may hold (aliases count one each): bulk work has bulk mutations. */
  readonly maxMutations: number;
}

/**
 * Refuses operations nested deeper than `maxDepth`, costing more than `maxComplexity` (objects the answer can
 * hold, lists counted by their page size or keys: see `objectCountEstimator`) or holding more than
 * `maxMutations` mutation fields, before any resolver runs. Each refusal is BAD_USER_INPUT with `limit` (depth,
 * complexity or mutations) and `fieldErrors` naming the selections by response path (the deepest field; every
 * root field with its cost; the first mutation past the limit), answered with HTTP 400 like any request error.
 *
 * Apollo hands every request with the same query text the same parsed document, so the depth, the mutation count
 * and the cost when no variable can change it are worked out once per document and operation (a client sending one
 * query with other variables pays the schema walk once); a cost that depends on the variables is worked out
 * once per shape of them (list lengths, numbers, booleans).
 */
export function queryLimitsPlugin(getSchema: () => GraphQLSchema, { maxDepth, maxComplexity, maxMutations }: QueryLimits): ApolloServerPlugin {
  const known = new WeakMap<DocumentNode, Map<OperationDefinitionNode, OperationLimits>>();
  const limitsOf = (document: DocumentNode, operation: OperationDefinitionNode): OperationLimits => {
    let byOperation = known.get(document);
    if (!byOperation) known.set(document, (byOperation = new Map()));
    let limits = byOperation.get(operation);
    if (!limits) {
      const fragmentList = document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
      const fragments = Object.fromEntries(fragmentList.map((d) => [d.name.value, d]));
      const deepest = depthOf(operation.selectionSet, fragments, new Set());
      limits = {
        depth: deepest.depth,
        deepestPath: deepest.path,
        rootFields: rootFieldsOf(operation.selectionSet, fragments),
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
            throw limitError(`The query is nested ${depth} levels deep; at most ${maxDepth} are allowed.`, 'depth', [
              { field: limits.deepestPath.join('.'), message: `is ${depth} levels deep.` },
            ]);
          }
          if (operation.operation === 'mutation' && limits.rootFields.length > maxMutations) {
            const first = limits.rootFields[maxMutations]!;
            throw limitError(
              `The request holds ${limits.rootFields.length} mutations; at most ${maxMutations} are run in one request. Use the bulk mutations for bulk work, or send the rest in other requests.`,
              'mutations',
              [{ field: (first.alias ?? first.name).value, message: `is mutation ${maxMutations + 1} of ${limits.rootFields.length}; nothing was run.` }],
            );
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
            throw limitError(
              `The query would cost ${complexity} points; at most ${maxComplexity} are allowed. Ask for smaller pages.`,
              'complexity',
              costsByRootField(getSchema(), document, operation, limits.rootFields, request.variables),
            );
          }
        },
      };
    },
  };
}
