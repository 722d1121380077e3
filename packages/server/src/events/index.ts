export type { AfterCommit } from '../after-commit.js';
export { type Backoff, exponentialBackoff } from './backoff.js';
export { EVENTS_SCHEMA, eventsMigration } from './migrations.js';
export { writeManyToOutbox, writeToOutbox } from './outbox.js';
export { payloadChecker } from './payload-validation.js';
export { isPermanentFailure, PermanentEventFailure } from './permanent-failure.js';
export { createInProcessRelay, type InProcessRelayOptions } from './relay.js';
export type { Consumer, EventLog, EventTransport, PruneResult } from './transport.js';
export type { EventEnvelope, NewEvent } from './types.js';
