import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CONSOLE_CLIENT_SCRIPT, CONSOLE_STYLES } from './console.client.js';

export interface ConsoleAsset {
  /** URL file name, with a content hash so it can be cached forever, e.g. `graphiql.min.3f9c2a81d0.js`. */
  readonly fileName: string;
  readonly contentType: string;
  readonly body: Buffer;
  /** Subresource-integrity value for the page's script and link tags. */
  readonly integrity: string;
  /** Gzipped body, computed on first request. */
  gzipped(): Buffer;
}

export interface ConsoleAssets {
  readonly react: ConsoleAsset;
  readonly reactDom: ConsoleAsset;
  readonly graphiqlScript: ConsoleAsset;
  readonly graphiqlStyles: ConsoleAsset;
  readonly consoleScript: ConsoleAsset;
  readonly consoleStyles: ConsoleAsset;
}

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

/**
 * Reads GraphiQL and React from the application's own node_modules (nothing is fetched from a CDN: the
 * register runs on offline and government networks). Called once per application.
 */
export function loadConsoleAssets(): ConsoleAssets {
  const require = createRequire(import.meta.url);
  // react and react-dom do not export their UMD builds, so resolve the package folder and go from there.
  const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));
  return {
    react: fromFile(join(packageDir('react'), 'umd', 'react.production.min.js'), JS),
    reactDom: fromFile(join(packageDir('react-dom'), 'umd', 'react-dom.production.min.js'), JS),
    graphiqlScript: fromFile(require.resolve('graphiql/graphiql.min.js'), JS),
    graphiqlStyles: fromFile(require.resolve('graphiql/graphiql.min.css'), CSS),
    consoleScript: asset('console.js', JS, Buffer.from(CONSOLE_CLIENT_SCRIPT, 'utf8')),
    consoleStyles: asset('console.css', CSS, Buffer.from(CONSOLE_STYLES, 'utf8')),
  };
}

function fromFile(path: string, contentType: string): ConsoleAsset {
  // The packages ship without their source maps' targets being useful here; dropping the comment keeps
  // browser developer tools from requesting files that are not served.
  const text = readFileSync(path, 'utf8').replace(/\n?\/[/*][#@] sourceMappingURL=[^\n]*\s*$/, '\n');
  const name = path.slice(path.lastIndexOf('/') + 1);
  return asset(name, contentType, Buffer.from(text, 'utf8'));
}

function asset(name: string, contentType: string, body: Buffer): ConsoleAsset {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  const dot = name.lastIndexOf('.');
  let gzipped: Buffer | undefined;
  return {
    fileName: `${name.slice(0, dot)}.${hash}${name.slice(dot)}`,
    contentType,
    body,
    integrity: `sha384-${createHash('sha384').update(body).digest('base64')}`,
    gzipped: () => (gzipped ??= gzipSync(body, { level: 9 })),
  };
}
