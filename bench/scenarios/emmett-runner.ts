import { runNode } from '../lib/harness.js';

export interface EmmettMeasured {
  readonly writers: number;
  readonly round: number;
  readonly eventsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** Runs the Emmett peer (bench/peers/emmett.ts) in its own process against `url`. */
export function runEmmett(url: string, job: Record<string, unknown>): Promise<EmmettMeasured[]> {
  return runNode<EmmettMeasured[]>('peers/emmett.js', [url, JSON.stringify(job)]);
}
