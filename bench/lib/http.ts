import type { LoadJob } from '../load/driver.js';
import { runNode, spawnNode, type Child } from './harness.js';

export interface LoadResult {
  readonly requestsPerSecond: number;
  readonly requests: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly firstError: string | null;
}

/** Runs the load generator (bench/load/driver.ts) in its own process. */
export async function load(job: LoadJob): Promise<LoadResult> {
  const result = await runNode<LoadResult>('load/driver.js', [JSON.stringify(job)]);
  if (result.errors > 0) throw new Error(`${job.operation} at ${job.url}: ${result.errors} errors, first: ${result.firstError}`);
  return result;
}

/** The HMAC secret of the product instances the benchmark starts (so a scenario can issue tokens of other roles). */
export const BENCH_JWT_SECRET = 'bench-secret-that-is-long-enough-for-hs256-0123456789';

export interface Product {
  readonly child: Child;
  readonly url: string;
  readonly adminToken: string;
  readonly tenderToken: string;
  /**
   * Sets the service's clock `days` from real time (0: real time again), for datasets written as they would have
   * been over past weeks (a credit cycle's review, notice and issue on the days they happen).
   */
  setClock(days: number): Promise<void>;
}

/** Both servers run as `npm start` runs the product: graphql-js skips its development-mode checks. */
const SERVER_ENV = { NODE_ENV: 'production' };

/** `benchDist`: the product of another build (its dist/bench), for a before/after pair in one run. */
export async function startProduct(databaseUrl: string, config: Record<string, string> = {}, benchDist?: string): Promise<Product> {
  const child = spawnNode('lib/service-process.js', [databaseUrl, JSON.stringify(config)], SERVER_ENV, benchDist);
  const ready = await child.line<{ url: string; adminToken: string; tenderToken: string }>('READY ');
  let requests = 0;
  return {
    child,
    ...ready,
    async setClock(days: number) {
      const id = ++requests;
      child.send(`CLOCK ${id} ${days}`);
      await child.line(`CLOCK-SET ${id} `);
    },
  };
}

export async function startBare(): Promise<{ child: Child; url: string }> {
  const child = spawnNode('bare/bare-app.js', [], SERVER_ENV);
  const ready = await child.line<{ url: string }>('READY ');
  return { child, url: ready.url };
}

/** One GraphQL request (for seeding and checks, not for timing). */
export async function graphql<T>(url: string, token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors).slice(0, 500));
  return body.data as T;
}
