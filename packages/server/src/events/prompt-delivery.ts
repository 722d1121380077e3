import { AsyncResource } from 'node:async_hooks';
import type { Kysely } from 'kysely';
import { transactionThen } from '../after-commit.js';
import { claimEvent } from './consumer-state.js';
import type { Consumer, EventLog } from './transport.js';
import type { EventEnvelope } from './types.js';

/**
 * A commit that published this many events or fewer of a prompt consumer's types hands them over at
 * once; a bulk commit (an import) is left to the relay's batches, which cost a few statements for
 * any number of events instead of a transaction each.
 */
const MAX_PROMPT_EVENTS = 10;

/** Hands just-committed events to the consumers that take them promptly. */
export interface PromptDelivery {
  /** Delivers `events` (committed by this process a moment ago) to each prompt consumer of their types, in the background. */
  deliver(events: readonly EventEnvelope[]): void;
  /** Resolves once every delivery under way has ended. */
  settled(): Promise<void>;
}

/**
 * The relay reads an event once every transaction older than the one that published it has ended,
 * and on its next pass: under load, a few hundred ms after the commit. A consumer that someone is
 * waiting on (a shopper's payment) and that does not depend on arrival order can be marked
 * `prompt`: the server hands it the events it publishes right after their commit, each in its own
 * transaction that claims the event in `processed_events` first, exactly as the relay would. When
 * the relay's turn comes, the claim makes it pass the event over; when the prompt delivery fails
 * (or the process dies first), nothing is claimed and the relay delivers it in order as usual,
 * with its retries. Effects stay exactly once, delivery at least once.
 */
export function createPromptDelivery(options: {
  // biome-ignore lint/suspicious/noExplicitAny: the relay's handle is untyped
  db: Kysely<any>;
  consumers: Consumer[];
  now: () => Date;
  log: EventLog;
}): PromptDelivery {
  const { db, now, log } = options;
  const prompt = options.consumers.filter((consumer) => consumer.prompt);
  const running = new Set<Promise<void>>();

  async function deliverOne(consumer: Consumer, event: EventEnvelope): Promise<void> {
    try {
      await transactionThen(db, log, async (trx, afterCommit) => {
        if (await claimEvent(trx, consumer.name, event.id, now())) await consumer.handle(event, trx, afterCommit);
      });
    } catch (error) {
      // Left to the relay, which delivers it in its turn and records a failure if it fails again.
      log.info({ consumer: consumer.name, eventId: event.id, err: error }, 'event relay: prompt delivery failed; the event waits for its turn');
    }
  }

  // Bound here, so that the deliveries run in the server's own async context and not in that of
  // the request or step whose commit published (inside a consumer, opening a transaction is fine).
  const launch = AsyncResource.bind((consumer: Consumer, event: EventEnvelope) => {
    const task = deliverOne(consumer, event).finally(() => running.delete(task));
    running.add(task);
  });

  return {
    deliver(events) {
      for (const consumer of prompt) {
        const wanted = events.filter((event) => consumer.types.includes(event.type));
        if (wanted.length === 0 || wanted.length > MAX_PROMPT_EVENTS) continue;
        // As the relay would read it back: the stored payload is the JSON of `data`.
        for (const event of wanted) launch(consumer, { ...event, data: JSON.parse(JSON.stringify(event.data ?? null)) });
      }
    },
    async settled() {
      await Promise.allSettled([...running]);
    },
  };
}
