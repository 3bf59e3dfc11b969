import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SealFinding, SealStore } from '#eventstore';
import type { Infrastructure } from '#platform';
import { CliFailure } from './command.js';

/** The seals of the store the infrastructure opened (`es_seals` beside Postgres events, `registerSeals` on KurrentDB). */
export function openSealStore(infrastructure: Infrastructure): SealStore & { close(): Promise<void> } {
  // The infrastructure owns the seal store and closes it with everything else.
  const seals = infrastructure.seals;
  return { list: (options) => seals.list(options), latest: () => seals.latest(), record: (record) => seals.record(record), close: () => Promise.resolve() };
}

/** A database this build has not migrated has no seal table: say what to do instead of a stack trace. */
export function unmigrated(error: unknown): never {
  const code = (error as { code?: unknown }).code;
  if (code === '42P01' || code === '42883') {
    throw new CliFailure('This database is not migrated for this build: run `npm run cli -- migrate` (or start the service) first.');
  }
  throw error;
}

/** Events read so far, on stderr: one redrawn line on a terminal, a line every few seconds otherwise. */
export function progressLine(label: string, total: number | null): { update(done: number): void; finish(done: number): void } {
  const stream = process.stderr;
  const tty = stream.isTTY === true;
  let last = 0;
  const text = (done: number) => {
    const fraction = total === null ? null : total === 0 ? 1 : Math.min(1, done / total);
    const width = 30;
    const bar = fraction === null ? '' : ` [${'#'.repeat(Math.round(fraction * width))}${'-'.repeat(width - Math.round(fraction * width))}] ${(fraction * 100).toFixed(1).padStart(5)}%`;
    return `${label}${bar}  ${done.toLocaleString('en')}${total === null ? '' : `/${total.toLocaleString('en')}`} events`;
  };
  return {
    update(done) {
      const now = Date.now();
      if (now - last < (tty ? 100 : 5_000)) return;
      last = now;
      stream.write(tty ? `\r\u001b[2K${text(done)}` : `${text(done)}\n`);
    },
    finish(done) {
      stream.write(tty ? `\r\u001b[2K${text(done)}\n` : `${text(done)}\n`);
    },
  };
}

/** What a finding names, on one line. */
export function findingLine(finding: SealFinding): string {
  const where = finding.streamId === null ? '' : ` ${finding.streamId}${finding.revision === null ? '' : `@${finding.revision}${finding.toRevision !== null && finding.toRevision !== finding.revision ? `..${finding.toRevision}` : ''}`}`;
  return `  ${finding.kind.padEnd(10)}${where}: ${finding.message}`;
}

/** The build a bundle names: the package version and, where the checkout is a git repository, its commit. */
export function buildInfo(): { version: string; commit: string | null } {
  let version = 'unknown';
  try {
    version = (JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    // Run from elsewhere: the bundle says unknown rather than guess.
  }
  let commit: string | null;
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'], timeout: 2_000 }).toString().trim() || null;
  } catch {
    commit = null;
  }
  return { version, commit };
}
