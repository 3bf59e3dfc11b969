/**
 * `--baseline DIR`: another checkout, built, whose product a scenario runs beside this build's, alternating in every
 * round, so a before/after pair comes from one run on one machine.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { figure } from './harness.js';

export interface BaselineBuild {
  /** The baseline checkout's dist/bench (its scripts run on its own code). */
  readonly benchDist: string;
  /** Its short commit, with " with changes" when its tracked files differ from it. */
  readonly commit: string;
}

/** The baseline checkout's dist/bench and its commit, checked before anything starts. */
export function baselineBuild(dir: string): BaselineBuild {
  const benchDist = join(dir, 'dist', 'bench');
  if (!existsSync(join(benchDist, 'lib', 'service-process.js'))) throw new Error(`--baseline ${dir}: no dist/bench/lib/service-process.js there (run npm run build in it)`);
  let commit = 'unknown commit';
  try {
    commit = execFileSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    if (execFileSync('git', ['-C', dir, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== '') commit += ' with changes';
  } catch {
    // Not a git checkout: the path alone names it.
  }
  return { benchDist, commit };
}

/**
 * Each round's ratio of this build's figure to the baseline's (their runs a few seconds apart), as
 * "median (min–max)": a load that changes over minutes moves both and cancels, which the ratio of the two medians
 * does not do.
 */
export function perRoundRatios(mine: readonly number[], theirs: readonly number[]): string {
  const ratios = mine.map((m, i) => m / (theirs[i] ?? Number.NaN)).filter((r) => Number.isFinite(r));
  if (ratios.length === 0) return 'n/a';
  const f = figure(ratios);
  return `${f.median.toFixed(3)}x (${f.min.toFixed(3)}–${f.max.toFixed(3)})`;
}
