/*
 * Keeps the benchmark harness working: `npm run bench -- --smoke` runs every scenario at tiny sizes (each
 * path once: the product, the raw baselines, the Emmett peer, the bare app, the load generator, the dataset
 * generator and the rebuild) and must record a run without failures. It asserts no timings.
 */
import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');
const SCENARIOS = ['append', 'batch', 'read', 'command', 'lookup', 'arrears', 'rebuild', 'lag', 'memory', 'scale'];

describe('the benchmark harness', () => {
  it('runs every scenario at smoke size and records the run with the machine and the Postgres settings', async () => {
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    await run(process.execPath, [join(ROOT, 'node_modules/@swc/cli/bin/swc.js'), 'apps', 'libs', 'bench', '-d', 'dist', '--copy-files', '--config-file', '.swcrc', '-q'], { cwd: ROOT, env });
    const out = await mkdtemp(join(tmpdir(), 'bench-smoke-'));
    try {
      const { stdout } = await run(process.execPath, ['dist/bench/run.js', '--smoke', '--out', out], { cwd: ROOT, env, timeout: 90_000, maxBuffer: 16 * 1024 * 1024 });
      expect(stdout).toContain('fsync=on');
      const files = await readdir(out);
      expect(files).toHaveLength(1);
      const record = JSON.parse(await readFile(join(out, files[0]!), 'utf8')) as {
        failures: unknown[];
        rows: { scenario: string }[];
        targets: { scenario: string }[];
        postgres: Record<string, string>;
        machine: { cpus: number; memoryGiB: number };
        load: { before: { one: number } };
      };
      expect(record.failures).toEqual([]); // each names the scenario and the end of its error output
      expect([...new Set(record.rows.map((r) => r.scenario))].sort()).toEqual([...SCENARIOS].sort());
      expect(record.postgres).toMatchObject({ fsync: 'on', synchronous_commit: 'on' });
      expect(record.machine.cpus).toBeGreaterThan(0);
      expect(typeof record.load.before.one).toBe('number');
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 120_000);
});
