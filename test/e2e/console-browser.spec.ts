// The GraphQL console in a real browser: scripts/check-console.mjs drives Debian's headless Chromium
// (CHROMIUM_PATH, default /usr/bin/chromium) through playwright-core. CI installs the browser (.ci/run);
// where it is missing this suite is skipped with a note.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestService, type TestService } from '../support/service.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const browser = existsSync(CHROMIUM);
if (!browser) console.warn(`Skipping the console browser check: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH).`);

function checkConsole(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'scripts', 'check-console.mjs'), ...args], { cwd: ROOT, timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

(browser ? describe : describe.skip)('the GraphQL console in headless Chromium', () => {
  let service: TestService;
  let token: string;
  let screenshots: string;

  beforeAll(async () => {
    service = await startTestService();
    token = await service.token('AUDITOR');
    screenshots = await mkdtemp(join(tmpdir(), 'register-console-'));
  });

  afterAll(async () => {
    await service?.stop();
    if (screenshots) await rm(screenshots, { recursive: true, force: true });
  });

  it('runs a named query typed over the first query with Ctrl+Enter at once, with nothing leaving the machine', async () => {
    // GraphiQL still remembers the first query's operation name (WhatCanIAsk) for a moment after the
    // editor's text is replaced; sent with the new document it was "Unknown operation named".
    const run = await checkConsole([
      `${service.url}/console`,
      token,
      '--query',
      'query FirstEnterprises { enterprises(first: 5) { totalCount } }',
      '--expect',
      '"totalCount": 0',
      '--screenshot',
      join(screenshots, 'named.png'),
    ]);
    expect(run.output).not.toContain('FAILED');
    expect(run.output).toContain('OK: the console rendered and ran the query');
    expect(run.code).toBe(0);
  }, 150_000);

  it('runs an anonymous query typed over the first query the same way, from the banner link', async () => {
    const run = await checkConsole([`${service.url}/console`, token, '--token-in-url', '--query', '{ enterprises(first: 1) { totalCount } }', '--screenshot', join(screenshots, 'anonymous.png')]);
    expect(run.output).not.toContain('FAILED');
    expect(run.code).toBe(0);
  }, 150_000);
});
