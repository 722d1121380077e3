import type { Kysely } from 'kysely';
import type { AfterCommit } from '../after-commit.js';
import type { EventEnvelope } from './types.js';

/**
 * Moves events from the outbox to consumers. The in-process relay implements it over the database;
 * a Kafka/Redpanda relay implements the same interface (topic per event type prefix, consumer group
 * per consumer name), so the server does not care which one runs.
 */
export interface EventTransport {
  /** Starts polling in the background; calling it twice does nothing. */
  start(): void;
  /** Stops polling and resolves once the run in progress, if any, has finished. */
  stop(): Promise<void>;
  /**
   * Asks for a poll now instead of at the next interval (after a commit that published). Given the
   * events that commit published, also hands them at once to the consumers marked `prompt`.
   */
  nudge(published?: readonly EventEnvelope[]): void;
  /**
   * Delivers until every consumer has caught up with everything committed (including events still
   * held back by an older running transaction) and every due retry has run; rejects after
   * `timeoutMs` (default 10 s). For tests and graceful shutdown.
   */
  drain(timeoutMs?: number): Promise<void>;
  /**
   * Runs one retention pass now: deletes outbox rows older than the retention period that every
   * consumer has moved past and no retry or dead letter needs, then `processed_events` rows older
   * than the retention period whose event has left the outbox. A call during a pass gets the next
   * one. The relay also prunes by itself, every few minutes, while started.
   */
  prune(): Promise<PruneResult>;
}

/** What one retention pass did. */
export interface PruneResult {
  /** Outbox rows deleted. */
  outbox: number;
  /** `processed_events` rows deleted. */
  processedEvents: number;
  /**
   * False when the pass stopped before everything prunable was gone: its time budget ran out, the
   * relay is stopping, or another process was pruning at the same time. The next pass goes on.
   */
  complete: boolean;
  /** Consumers whose next event is older than the retention period: they keep the outbox from being pruned. */
  lagging: string[];
}

/** One event consumer: a durable name, the event types it wants, and its handler. */
export interface Consumer {
  /** Durable, unique name; offsets and processed events are stored under it (`auth.user-deleted`). */
  name: string;
  /** Exact event types wanted; the rest are skipped without a call. */
  types: string[];
  /**
   * Events of its types published by this server are handed over right after their commit, each
   * in its own transaction, instead of on the relay's next pass once every older transaction has
   * ended. Only for a handler that does not depend on arrival order: an event delivered this way
   * may come before an older one. A prompt delivery that fails is left to the relay (default false).
   */
  prompt?: boolean;
  /**
   * Handles one event inside `trx`, which also records the event as processed: write through
   * `trx` only, and throw to have the delivery rolled back and retried. Work given to
   * `afterCommit` runs once `trx` has committed (never when it rolls back, as when a later event
   * of the same batch fails).
   */
  // biome-ignore lint/suspicious/noExplicitAny: consumers narrow the handle to their own tables
  handle(event: EventEnvelope, trx: Kysely<any>, afterCommit: AfterCommit): Promise<void>;
}

/** Where the relay reports; a pino or Fastify logger fits. */
export interface EventLog {
  info(details: Record<string, unknown>, message: string): void;
  warn(details: Record<string, unknown>, message: string): void;
  error(details: Record<string, unknown>, message: string): void;
}
