/**
 * The console's own browser code and styles, served as hashed assets beside GraphiQL (not inline, so the
 * page's Content-Security-Policy can forbid inline scripts). Plain browser JavaScript: it runs as is.
 *
 * What it does: reads the page's JSON config, takes a bearer token from `?token=` / `#token=` (then
 * removes it from the address bar) or from the token field, keeps it in localStorage, and renders GraphiQL
 * with a fetcher that sends `Authorization: Bearer <token>` to the GraphQL endpoint, and only an operation
 * name the document defines (see `operationFor`).
 */
export const CONSOLE_CLIENT_SCRIPT = String.raw`(function () {
  'use strict';
  var STORAGE_KEY = 'association-register:console:token';
  var config = JSON.parse(document.getElementById('console-config').textContent || '{}');
  var input = document.getElementById('console-token');
  var clearButton = document.getElementById('console-token-clear');
  var status = document.getElementById('console-token-status');

  function stored() {
    try { return window.localStorage.getItem(STORAGE_KEY) || ''; } catch (e) { return ''; }
  }
  function store(token) {
    try {
      if (token) window.localStorage.setItem(STORAGE_KEY, token);
      else window.localStorage.removeItem(STORAGE_KEY);
    } catch (e) { /* storage disabled: the token lives until the page is closed */ }
  }
  function normalise(value) {
    return String(value || '').trim().replace(/^bearer\s+/i, '');
  }

  // A link such as /console#token=... or /console?token=... (the start-up banner prints one): keep the
  // token, then take it out of the address bar so it is not bookmarked, shared or kept in history.
  var url = new URL(window.location.href);
  var hash = new URLSearchParams(url.hash.replace(/^#/, ''));
  var fromUrl = hash.get('token') || url.searchParams.get('token');
  if (fromUrl !== null) {
    store(normalise(fromUrl));
    url.searchParams.delete('token');
    hash.delete('token');
    var rest = hash.toString();
    window.history.replaceState(null, '', url.pathname + url.search + (rest ? '#' + rest : ''));
  }

  var token = normalise(stored());
  input.value = token;

  function describe(value) {
    if (!value) return 'No token: requests are sent without Authorization.';
    try {
      var part = value.split('.')[1];
      var binary = window.atob(part.replace(/-/g, '+').replace(/_/g, '/'));
      var claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, function (c) { return c.charCodeAt(0); })));
      var bits = [];
      var role = claims.role || claims.roles;
      if (role) bits.push('role ' + (Array.isArray(role) ? role.join(', ') : role));
      if (claims.sub) bits.push('subject ' + claims.sub);
      if (typeof claims.exp === 'number') {
        var expires = new Date(claims.exp * 1000);
        if (expires.getTime() < Date.now()) return 'Token expired at ' + expires.toLocaleString() + '.';
        bits.push('expires ' + expires.toLocaleString());
      }
      return 'Token set' + (bits.length ? ': ' + bits.join(' · ') : '') + '.';
    } catch (e) {
      return 'Token set (not a readable JWT; the server decides).';
    }
  }

  // GraphiQL re-reads the operation name from the editor a moment after the last keystroke, and keeps the
  // last one it read (also across reloads, in localStorage). Text typed over the first query and run at once
  // (Ctrl+Enter) would go out with that query's name, "WhatCanIAsk", and the server answers "Unknown
  // operation named". So the name is taken from the document that is sent: the one it defines when there is
  // one operation, the given one only if the document defines it, none otherwise (the server then asks for
  // one among several). A document that does not parse goes as it is, for the server to point at the error.
  function operationFor(params) {
    if (!params || typeof params.query !== 'string') return params;
    var document;
    try {
      document = window.GraphiQL.GraphQL.parse(params.query);
    } catch (e) {
      return params;
    }
    var names = document.definitions
      .filter(function (d) { return d.kind === 'OperationDefinition'; })
      .map(function (d) { return d.name ? d.name.value : null; });
    var name = names.length === 1 ? names[0] : names.indexOf(params.operationName) >= 0 ? params.operationName : null;
    var next = Object.assign({}, params);
    if (name) next.operationName = name;
    else delete next.operationName;
    return next;
  }

  function fetcherFor(current) {
    var send = window.GraphiQL.createFetcher({
      url: config.endpoint,
      fetch: function (resource, init) {
        var options = Object.assign({}, init);
        var headers = new Headers(options.headers || {});
        // A header typed into GraphiQL's own headers editor wins over the token field.
        if (current && !headers.has('authorization')) headers.set('authorization', 'Bearer ' + current);
        options.headers = headers;
        options.credentials = 'same-origin';
        return window.fetch(resource, options);
      },
    });
    return function (params, options) {
      return send(operationFor(params), options);
    };
  }

  var root = window.ReactDOM.createRoot(document.getElementById('graphiql'));
  function render() {
    status.textContent = describe(token);
    root.render(
      window.React.createElement(window.GraphiQL, {
        // A new fetcher makes GraphiQL reload the schema with the new token.
        fetcher: fetcherFor(token),
        defaultQuery: config.defaultQuery,
        storage: window.GraphiQL.createLocalStorage({ namespace: 'association-register' }),
        shouldPersistHeaders: false,
      }),
    );
  }

  var pending;
  function update(value) {
    var next = normalise(value);
    if (next === token) return;
    token = next;
    store(token);
    render();
  }
  input.addEventListener('input', function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(function () { update(input.value); }, 400);
  });
  input.addEventListener('change', function () {
    window.clearTimeout(pending);
    update(input.value);
  });
  clearButton.addEventListener('click', function () {
    input.value = '';
    update('');
    input.focus();
  });

  render();
})();
`;

export const CONSOLE_STYLES = `html, body { height: 100%; margin: 0; }
body { display: flex; flex-direction: column; font-family: system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; }
.console-bar { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 12px; padding: 8px 16px; border-bottom: 1px solid #d9dde3; background: #f6f7f9; font-size: 14px; color: #1f2933; }
.console-bar h1 { margin: 0 8px 0 0; font-size: 15px; font-weight: 600; }
.console-bar label { font-weight: 500; }
.console-bar input { flex: 1 1 320px; max-width: 560px; padding: 5px 8px; border: 1px solid #b8c0cc; border-radius: 4px; font: 13px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.console-bar button { padding: 5px 12px; border: 1px solid #b8c0cc; border-radius: 4px; background: #fff; cursor: pointer; font: inherit; }
.console-bar [role="status"] { color: #52606d; font-size: 13px; }
#graphiql { flex: 1; min-height: 0; }
.console-fallback { padding: 24px; }
`;
