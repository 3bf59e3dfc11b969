/** The GraphQL context of one request: the HTTP request (with the verified actor) and per-request loaders. */
export interface RequestContext {
  req: { headers: Record<string, string | string[] | undefined> };
  /** DataLoaders, created on first use by each read model so they live exactly one request. */
  loaders: Record<string, unknown>;
}

export function loadersFor<T>(context: RequestContext, key: string, create: () => T): T {
  return (context.loaders[key] ??= create()) as T;
}
