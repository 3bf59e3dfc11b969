#!/usr/bin/env node
/**
 * Headless check that the GraphQL console renders and runs a query with nothing loaded from off the
 * machine: every request to a host other than localhost / 127.0.0.0/8 / [::1] is blocked and fails the
 * check, and so does any Content-Security-Policy violation, script error or browser console error.
 *
 * It opens the console, pastes the token into the token field, then runs the query twice and requires a
 * result with `data` and no `errors` each time (and the token sent as `Authorization: Bearer …`):
 *   1. as a newcomer does: select all over the console's first query, type the query and press
 *      Ctrl+Enter at once, before GraphiQL has re-read the operation (so the query should be a named one
 *      other than the first query's: GraphiQL still remembers that name, and must not send it);
 *   2. after a pause, with the run button.
 * A screenshot is saved whatever the outcome.
 *
 * Usage:
 *   node scripts/check-console.mjs [URL] [TOKEN] [--query QUERY] [--expect TEXT] [--screenshot PATH]
 *
 *   URL          console address, default $CONSOLE_URL or http://127.0.0.1:4000/console (loopback only)
 *   TOKEN        bearer token, default $CONSOLE_TOKEN (none: the query is sent without Authorization)
 *   --query      operation to run, default $CONSOLE_QUERY or `query ConsoleCheck { __typename }`
 *   --expect     text the result must contain, default $CONSOLE_EXPECT (none)
 *   --screenshot PNG path, default $CONSOLE_SCREENSHOT or /tmp/console.png
 *   --timeout    milliseconds for each wait, default 30000
 *   --token-in-url  open URL#token=TOKEN (the start-up banner's link) instead of pasting the token
 *   -h, --help   print this
 *
 *   CHROMIUM_PATH  browser binary, default /usr/bin/chromium (Debian: apt-get install chromium).
 *                  Uses playwright-core as the driver only; it never downloads a browser.
 *
 * Example, against `npm start` (which prints the admin token):
 *   node scripts/check-console.mjs http://127.0.0.1:4000/console "$TOKEN" --expect __typename
 *
 * Exit code: 0 when the console worked offline, 1 when the check failed, 2 for bad arguments.
 */
/* global window, document -- used inside functions that run in the page */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function usage(message) {
  console.error(`check-console: ${message}\nSee the header of scripts/check-console.mjs for usage.`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      query: { type: 'string' },
      expect: { type: 'string' },
      screenshot: { type: 'string' },
      timeout: { type: 'string' },
      'token-in-url': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
} catch (error) {
  usage(error.message);
}
if (parsed.values.help) {
  // The header of this file is its manual.
  const source = await readFile(new URL(import.meta.url), 'utf8');
  const header = source.slice(source.indexOf('/**') + 3, source.indexOf('*/'));
  console.log(header.split('\n').map((line) => line.replace(/^ \* ?/, '')).join('\n').trim());
  process.exit(0);
}
const [urlArg, tokenArg, ...extra] = parsed.positionals;
if (extra.length > 0) usage(`unexpected arguments: ${extra.join(' ')}`);

const consoleUrl = urlArg ?? process.env.CONSOLE_URL ?? 'http://127.0.0.1:4000/console';
const token = (tokenArg ?? process.env.CONSOLE_TOKEN ?? '').trim();
const query = parsed.values.query ?? process.env.CONSOLE_QUERY ?? 'query ConsoleCheck { __typename }';
const expectText = parsed.values.expect ?? process.env.CONSOLE_EXPECT;
const screenshot = parsed.values.screenshot ?? process.env.CONSOLE_SCREENSHOT ?? '/tmp/console.png';
const timeout = Number(parsed.values.timeout ?? 30_000);
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const tokenInUrl = parsed.values['token-in-url'] ?? false;
if (tokenInUrl && !token) usage('--token-in-url needs a TOKEN');
if (!Number.isFinite(timeout) || timeout <= 0) usage('--timeout must be a positive number of milliseconds');

let target;
try {
  target = new URL(consoleUrl);
} catch {
  usage(`not a URL: ${consoleUrl}`);
}
if (!isLocal(target)) usage(`the console URL must be on this machine (localhost, 127.x.x.x or [::1]), got ${target.host}`);

function isLocal(url) {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

const problems = [];
const requests = [];
const blocked = [];
const graphqlCalls = [];
const consoleErrors = [];

const userDataDir = await mkdtemp(join(tmpdir(), 'check-console-profile-'));
let context;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: [
      ...CHROMIUM_FLAGS,
      // Belt and braces: no host name resolves but the local ones, so a stray request cannot leave the machine.
      `--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1, EXCLUDE [::1], EXCLUDE ${target.hostname}`,
    ],
    viewport: { width: 1440, height: 900 },
    serviceWorkers: 'block',
  });
} catch (error) {
  await rm(userDataDir, { recursive: true, force: true });
  console.error(`check-console: could not start ${executablePath}: ${error.message}`);
  process.exit(1);
}

try {
  await context.route('**/*', async (route) => {
    const request = route.request();
    const url = new URL(request.url());
    const local = ['data:', 'blob:', 'about:'].includes(url.protocol) || isLocal(url);
    requests.push(`${request.method()} ${request.url().slice(0, 120)}`);
    if (!local) {
      blocked.push(request.url());
      await route.abort('blockedbyclient');
      return;
    }
    await route.continue();
  });

  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(timeout);
  // Collected before any page script runs; init scripts are not subject to the page's CSP.
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`);
    });
  });
  page.on('pageerror', (error) => problems.push(`script error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('websocket', (ws) => {
    if (!isLocal(new URL(ws.url()))) blocked.push(ws.url());
  });
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().includes('graphql')) {
      graphqlCalls.push({ body: request.postData() ?? '', authorization: request.headers()['authorization'] });
    }
  });
  let schemaLoads = 0;
  page.on('requestfinished', (request) => {
    if (request.method() === 'POST' && (request.postData() ?? '').includes('IntrospectionQuery')) schemaLoads++;
  });
  const schemaLoaded = async (after) => {
    const deadline = Date.now() + timeout;
    while (schemaLoads <= after) {
      if (Date.now() > deadline) throw new Error('GraphiQL did not load the schema');
      await page.waitForTimeout(50);
    }
  };

  const address = new URL(target);
  if (tokenInUrl) address.hash = `token=${encodeURIComponent(token)}`;
  const response = await page.goto(address.toString(), { waitUntil: 'load' });
  if (!response || !response.ok()) throw new Error(`GET ${target} answered ${response?.status() ?? 'nothing'}`);

  await page.locator('.graphiql-container').waitFor();
  const queryEditor = page.locator('.graphiql-query-editor .CodeMirror');
  await queryEditor.waitFor();

  if (tokenInUrl) {
    await page.waitForFunction(() => /^Token/.test(document.getElementById('console-token-status')?.textContent ?? ''));
    if (page.url().includes(encodeURIComponent(token))) problems.push('the token was left in the address bar');
  } else if (token) {
    await page.fill('#console-token', token);
    const loadsWithoutToken = schemaLoads;
    await page.press('#console-token', 'Tab'); // the change event renders GraphiQL with the token
    await page.waitForFunction(() => /^Token/.test(document.getElementById('console-token-status')?.textContent ?? ''));
    await schemaLoaded(loadsWithoutToken); // reloaded with the token
  }
  await schemaLoaded(0);

  // The console's first query, as GraphiQL shows it to a newcomer (a fresh profile), read by GraphiQL by now.
  await page.waitForFunction(() => {
    const editor = document.querySelector('.graphiql-query-editor .CodeMirror')?.CodeMirror;
    return (editor?.getValue() ?? '').trim().length > 0;
  });

  const runs = [];
  // 1. Select all over the first query, type, and press Ctrl+Enter at once: GraphiQL re-reads the operation
  //    (its name and variables) only a moment after the last keystroke.
  await queryEditor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(query, { delay: 15 });
  const typed = await queryEditor.evaluate((el) => el.CodeMirror.getValue());
  if (typed.replace(/\s+/g, ' ').trim() !== query.replace(/\s+/g, ' ').trim()) {
    // Bracket auto-closing can differ between GraphiQL versions; the check is about running, not typing.
    console.log(`note: editor auto-edited the typed query into ${JSON.stringify(typed)}; setting it exactly`);
    await queryEditor.evaluate((el, text) => el.CodeMirror.setValue(text), query);
  }
  await page.keyboard.press('Escape'); // a completion list, if one is open
  runs.push(await run('Ctrl+Enter right after typing', () => page.keyboard.press('ControlOrMeta+Enter'), null));

  // 2. The run button, after the pause a person makes.
  await page.waitForTimeout(500);
  runs.push(await run('the run button', () => page.locator('.graphiql-execute-button').click(), runs[0].text));

  async function run(how, trigger, previous) {
    const callsBefore = graphqlCalls.length;
    if (previous !== null) {
      await page.evaluate(() => document.querySelector('.graphiql-response .CodeMirror')?.CodeMirror.setValue(''));
    }
    await trigger();
    const resultHandle = await page.waitForFunction(
      () => {
        const editor = document.querySelector('.graphiql-response .CodeMirror')?.CodeMirror;
        const text = editor?.getValue() ?? '';
        return /"(data|errors)"/.test(text) ? text : false;
      },
      undefined,
      { timeout },
    );
    const text = await resultHandle.jsonValue();
    let result;
    try {
      result = JSON.parse(text);
    } catch {
      problems.push(`${how}: the result pane is not JSON: ${text.slice(0, 200)}`);
    }
    if (result) {
      if (result.errors?.length) problems.push(`${how}: the query returned errors: ${JSON.stringify(result.errors).slice(0, 400)}`);
      if (result.data == null) problems.push(`${how}: the result has no data`);
    }
    if (expectText && !text.includes(expectText)) problems.push(`${how}: the result does not contain ${JSON.stringify(expectText)}`);
    // The operation itself, not a schema reload GraphiQL may send alongside it.
    const call = graphqlCalls.slice(callsBefore).filter((c) => !c.body.includes('IntrospectionQuery')).at(-1);
    if (!call) problems.push(`${how}: no POST to the GraphQL endpoint was seen for the query`);
    else if (token && call.authorization !== `Bearer ${token}`) problems.push(`${how}: the query was not sent with the pasted bearer token`);
    return { how, text };
  }

  const violations = await page.evaluate(() => window.__cspViolations);
  for (const v of violations) problems.push(`Content-Security-Policy violation: ${v}`);
  for (const url of blocked) problems.push(`request to a non-local host: ${url}`);
  for (const text of consoleErrors) problems.push(`browser console error: ${text.slice(0, 300)}`);

  await page.screenshot({ path: screenshot });

  console.log(`console:    ${target}`);
  console.log(`browser:    ${executablePath} (${(await page.evaluate(() => navigator.userAgent)).match(/Chrome\/[\d.]+/)?.[0] ?? 'unknown'})`);
  console.log(`requests:   ${requests.length}, all to ${[...new Set(requests.map((r) => new URL(r.split(' ')[1]).host || r.split(':')[0]))].join(', ')}`);
  console.log(`query:      ${query.replace(/\s+/g, ' ')}`);
  for (const r of runs) console.log(`result:     ${r.text.replace(/\s+/g, ' ').slice(0, 300)} (${r.how})`);
  console.log(`screenshot: ${screenshot}`);
} catch (error) {
  problems.push(error.message.split('\n')[0]);
  const page = context.pages()[0];
  if (page) await page.screenshot({ path: screenshot }).catch(() => {});
  console.log(`screenshot: ${screenshot}`);
} finally {
  await context.close().catch(() => {});
  await rm(userDataDir, { recursive: true, force: true });
}

if (problems.length > 0) {
  console.error(`FAILED (${problems.length}):`);
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}
console.log('OK: the console rendered and ran the query with no request leaving the machine.');
