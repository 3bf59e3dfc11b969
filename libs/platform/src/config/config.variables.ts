/**
 * Every environment variable the register reads, with its default and meaning. `loadConfig` reads exactly
 * these; the README prints this table (see `configVariablesMarkdown`), so keep the wording operator-facing.
 */
export interface ConfigVariable {
  readonly name: string;
  /** The default as an operator would read it; `(unset)` when there is none. */
  readonly default: string;
  readonly description: string;
}

export const CONFIG_VARIABLES: readonly ConfigVariable[] = [
  {
    name: 'PORT',
    default: '4000',
    description: 'HTTP port of the API (GraphQL at /graphql, console at /console, metrics at /metrics).',
  },
  {
    name: 'HOST',
    default: '127.0.0.1',
    description:
      'Interface the API listens on. The default keeps a fresh install local to the machine; set 0.0.0.0 to serve the network.',
  },
  {
    name: 'DATA_DIR',
    default: './data',
    description:
      'Folder for local state: the generated JWT secret and, unless EMBEDDED_PG_DATA_DIR says otherwise, the embedded Postgres data. Resolved to an absolute path.',
  },
  {
    name: 'DATABASE_URL',
    default: '(unset)',
    description:
      'Postgres connection string (postgres://user:pass@host:5432/db) for read models and the Postgres event store. Unset: an embedded Postgres is started in-process (single-process mode only).',
  },
  {
    name: 'EMBEDDED_PG_DATA_DIR',
    default: './data/postgres',
    description: 'Data folder of the embedded Postgres (used only when DATABASE_URL is unset). Resolved to an absolute path.',
  },
  {
    name: 'EMBEDDED_PG_PORT',
    default: '54329',
    description: 'Port of the embedded Postgres (used only when DATABASE_URL is unset).',
  },
  {
    name: 'EVENT_STORE',
    default: 'postgres',
    description: 'Event store adapter: `postgres` (events in the same Postgres) or `esdb` (EventStoreDB / KurrentDB).',
  },
  {
    name: 'EVENTSTORE_URL',
    default: '(unset)',
    description:
      'EventStoreDB connection string (esdb://host:2113?tls=false, also esdb+discover://, kurrentdb://, kdb://). Required when EVENT_STORE=esdb.',
  },
  {
    name: 'RUN_MODE',
    default: 'single',
    description:
      '`single`: API and projector in one process; `api`: GraphQL edge only; `projector`: projections only. `api` and `projector` need DATABASE_URL.',
  },
  {
    name: 'JWT_SECRET',
    default: '(generated)',
    description:
      'HMAC secret for bearer tokens, at least 32 characters. Unset: generated on first start and kept in DATA_DIR/jwt-secret (mode 0600). Required when RUN_MODE=api, where every replica must share one secret.',
  },
  {
    name: 'PERSONAL_DATA_MASTER_KEY',
    default: '(generated)',
    description:
      'Base64 of 32 bytes: wraps every person\'s data key (docs/privacy.md). Unset: generated on first start and kept in DATA_DIR/keys/master.key (mode 0600). Required when RUN_MODE=api or projector. Never stored in the database or its backups.',
  },
  {
    name: 'PERSON_IDENTITY_SECRET',
    default: '(generated)',
    description:
      'Base64 of 32 bytes: keys the hash of identity-card numbers used for look-up and de-duplication. Unset: generated on first start and kept in DATA_DIR/keys/identity.key (mode 0600). Required when RUN_MODE=api or projector.',
  },
  {
    name: 'SEAL_SIGNING_KEY',
    default: '(generated)',
    description:
      'Base64 of 32 bytes: the Ed25519 key that signs the seals of the event log (docs/audit.md). Unset: generated on first start and kept in DATA_DIR/keys/seal.key (mode 0600). Required when RUN_MODE=api or projector. Never stored in the database; give its public key (`cli seal --print`) to the departments.',
  },
  {
    name: 'JWT_ISSUER',
    default: 'association-register',
    description: 'Issuer (`iss`) written into and required of every token.',
  },
  {
    name: 'TOKEN_TTL',
    default: '12h',
    description: 'Lifetime of issued tokens: a number with s, m, h or d (e.g. 90m, 12h, 7d); a bare number is seconds.',
  },
  {
    name: 'LOG_LEVEL',
    default: 'info',
    description: 'One of fatal, error, warn, info, debug, trace, silent. Logs are JSON lines on stdout.',
  },
  {
    name: 'READ_YOUR_WRITES_TIMEOUT_MS',
    default: '5000',
    description:
      'How long a mutation waits for the read models to reach its own events before answering (0 disables the wait).',
  },
  {
    name: 'PROJECTION_BATCH_SIZE',
    default: '500',
    description: 'Events a projector applies per transaction.',
  },
  {
    name: 'GRAPHQL_MAX_DEPTH',
    default: '10',
    description: 'Deepest selection set a GraphQL operation may have.',
  },
  {
    name: 'GRAPHQL_MAX_COMPLEXITY',
    default: '2000',
    description: 'Highest estimated cost a GraphQL operation may have.',
  },
  {
    name: 'GRAPHQL_MAX_MUTATIONS',
    default: '50',
    description:
      'Most mutation fields (aliases included) one GraphQL request may hold; a request with more is refused before any runs. Bulk work has its own bulk mutations.',
  },
  {
    name: 'RATE_LIMIT_PER_MINUTE',
    default: '60000',
    description:
      'Requests to /graphql one client may send per minute: each bearer token has its own allowance, requests without a valid token share one per client address. Up to a minute of it may be used at once; past it the answer is HTTP 429 with Retry-After. 0 turns the limit off.',
  },
  {
    name: 'CREDIT_EXPIRY_INTERVAL',
    default: '1h',
    description:
      'How often the credit expiry job records the expiry of ratings past their valid-to (a duration such as 15m, 1h or 1d; `off` schedules no runs). It runs in the process that runs the projector (RUN_MODE single or projector), one instance at a time.',
  },
  {
    name: 'SEAL_INTERVAL',
    default: '1h',
    description:
      'How often the seal job signs a seal over the event log (a duration such as 15m, 1h or 1d; `off` schedules none; `cli seal` seals on demand). It runs in the process that runs the projector (RUN_MODE single or projector), one instance at a time.',
  },
];

/** The variables as a Markdown table, for the README and `--help` output. */
export function configVariablesMarkdown(variables: readonly ConfigVariable[] = CONFIG_VARIABLES): string {
  const escape = (text: string) => text.replaceAll('|', '\\|');
  const rows = variables.map((v) => `| \`${v.name}\` | \`${escape(v.default)}\` | ${escape(v.description)} |`);
  return ['| Variable | Default | Description |', '| --- | --- | --- |', ...rows].join('\n');
}
