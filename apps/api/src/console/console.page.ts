import type { ConsoleAsset, ConsoleAssets } from './console.assets.js';

export interface ConsoleOptions {
  /** GraphQL endpoint the console sends operations to; a path on the same origin. */
  readonly endpoint: string;
  /** Shown in the editor until the user has typed a query of their own. */
  readonly defaultQuery: string;
  readonly title: string;
}

export const DEFAULT_CONSOLE_QUERY = `# Association register: GraphQL console
#
# 1. Paste a bearer token in the field above (the start-up banner prints a link with an
#    admin token; \`issue-token\` in the CLI makes others). It stays in this browser only.
# 2. Run with the play button or Ctrl-Enter. Ctrl-Space completes field names; the
#    documentation explorer (top icon on the left) lists every query, mutation and type.
#
# Lists are Relay connections: select edges { cursor node { ... } } and
# pageInfo { hasNextPage endCursor }, then pass after: <endCursor> for the next page.
# Mutations return the stream revision they wrote and the updated record.
#
# This first query asks the schema what it offers:

query WhatCanIAsk {
  __schema {
    queryType { fields { name description } }
    mutationType { fields { name description } }
  }
}
`;

export const DEFAULT_CONSOLE_OPTIONS: ConsoleOptions = {
  endpoint: '/graphql',
  defaultQuery: DEFAULT_CONSOLE_QUERY,
  title: 'Association register · GraphQL console',
};

/**
 * Only this origin. Inline styles are allowed because GraphiQL's dialogs and scroll locks add style
 * elements at run time; fonts and icons are data: URLs inside graphiql.min.css. No inline script, no eval,
 * no connection anywhere but here.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function renderConsolePage(assets: ConsoleAssets, options: ConsoleOptions, assetBase: string): string {
  const src = (asset: ConsoleAsset) => `${escapeHtml(assetBase)}/${escapeHtml(asset.fileName)}`;
  const script = (asset: ConsoleAsset) => `<script src="${src(asset)}" integrity="${asset.integrity}"></script>`;
  const style = (asset: ConsoleAsset) => `<link rel="stylesheet" href="${src(asset)}" integrity="${asset.integrity}">`;
  // JSON inside a non-executed script element: escape `<` so no text can close the element early.
  const config = JSON.stringify({ endpoint: options.endpoint, defaultQuery: options.defaultQuery }).replace(/</g, '\\u003c');

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(options.title)}</title>
<link rel="icon" href="data:,">
${style(assets.graphiqlStyles)}
${style(assets.consoleStyles)}
</head>
<body>
<header class="console-bar">
<h1>${escapeHtml(options.title)}</h1>
<label for="console-token">Bearer token 访问令牌</label>
<input id="console-token" type="password" autocomplete="off" spellcheck="false" placeholder="Paste a token (eyJ…)">
<button type="button" id="console-token-clear">Clear</button>
<span id="console-token-status" role="status"></span>
</header>
<main id="graphiql"><noscript><p class="console-fallback">The console needs JavaScript.</p></noscript></main>
<script type="application/json" id="console-config">${config}</script>
${script(assets.react)}
${script(assets.reactDom)}
${script(assets.graphiqlScript)}
${script(assets.consoleScript)}
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
