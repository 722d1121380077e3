import { eventTypes } from '@tokobapak/sdk';
import { eventSubscriber } from '@tokobapak/server';
import type { Kysely } from 'kysely';
import type { UserDatabase } from './database.js';
import type { UserEvents } from './generated/manifest.js';

/** This service's name in deletion acknowledgements. */
export const SERVICE_NAME = 'user';

const subscribe = eventSubscriber<UserDatabase, UserEvents>();

/**
 * `user.deletion-acknowledged` → note which service finished erasing a deleted account. A repeated
 * acknowledgement keeps the first time.
 */
export const recordDeletionAcknowledgements = subscribe({
  name: 'record-deletion-acknowledgements',
  types: [eventTypes.user.deletionAcknowledged],
  async handle(event, tx) {
    await recordAcknowledgement(tx.db, { userId: event.data.userId, service: event.data.service, acknowledgedAt: new Date(event.time) });
  },
});

/** Notes that `service` erased a deleted user's data; a repeated acknowledgement keeps the first time. */
export async function recordAcknowledgement(db: Kysely<UserDatabase>, input: { userId: string; service: string; acknowledgedAt: Date }): Promise<void> {
  await db
    .insertInto('deletion_acknowledgements')
    .values({ user_id: input.userId, service: input.service, acknowledged_at: input.acknowledgedAt })
    .onConflict((conflict) => conflict.columns(['user_id', 'service']).doNothing())
    .execute();
}
