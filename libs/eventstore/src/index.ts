// The event store: the port every adapter implements, its errors, deterministic event ids, the hash
// chain, the Postgres adapter and the KurrentDB adapter. The shared contract suite (contract/event-store.contract.ts) is
// deliberately not exported here: it imports the test framework.
export * from './event-store.port.js';
export * from './errors.js';
export * from './event-ids.js';
export * from './hash-chain.js';
export * from './chain-verifier.js';
export type { EventLogRelation } from './event-log-relation.js';
export { postgresEventLog } from './postgres/event-log-relation.js';
export { PostgresEventStore, appendStatement } from './postgres/postgres-event-store.js';
export type { AppendStatement, NotifyMode, PostgresEventStoreOptions } from './postgres/postgres-event-store.js';
export { SCHEMA_VERSION as POSTGRES_EVENT_STORE_SCHEMA_VERSION } from './postgres/schema.js';
export type { SchemaResult as PostgresEventStoreSchemaResult } from './postgres/schema.js';
export { KurrentDbEventStore, describeServer, withoutCredentials, EVENT_ID_CLAIM_PREFIX, EVENT_ID_CLAIM_TYPE } from './kurrentdb/kurrentdb-event-store.js';
export type { KurrentDbConnectionStatus, KurrentDbEventStoreOptions, KurrentDbState } from './kurrentdb/kurrentdb-event-store.js';
export { EventStoreUnavailableError } from './kurrentdb/errors.js';
export { copyEvents, CopyAbortedError, CopyChainMismatchError, CopyTargetNotEmptyError, DEFAULT_COPY_BATCH } from './copy-events.js';
export type { CopyEventsOptions, CopyEventsResult, CopyProgress } from './copy-events.js';
export * from './seals/index.js';
