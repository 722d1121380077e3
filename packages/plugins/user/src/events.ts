import type { Subscription } from '@tokobapak/server';
import type { Kysely } from 'kysely';
import type { UserDatabase } from './database.js';

/** Events the user service publishes. */
export const USER_EVENTS = {
  /** A user exists and is active (registration or first OpenID Connect sign-in). */
  registered: 'user.registered',
  /** An account is deleted for good: every service erases or anonymises what it holds, then acknowledges. */
  deleted: 'user.deleted',
} as const;

/** Published by every service once it has erased a deleted user's data; the user service records it. */
export const DELETION_ACKNOWLEDGED = 'user.deletion-acknowledged';

/** This service's name in deletion acknowledgements. */
export const SERVICE_NAME = 'user';

/** Data of `user.registered`. */
export interface UserRegisteredData {
  userId: string;
  email: string;
  name: string;
}

/** Data of `user.deleted`: the id only, nothing personal. */
export interface UserDeletedData {
  userId: string;
}

/** Data of `user.deletion-acknowledged`. */
export interface DeletionAcknowledgedData {
  userId: string;
  service: string;
}

/**
 * `user.deletion-acknowledged` → note which service finished erasing a deleted account. A repeated
 * acknowledgement keeps the first time.
 */
export const recordDeletionAcknowledgements: Subscription<UserDatabase> = {
  name: 'record-deletion-acknowledgements',
  types: [DELETION_ACKNOWLEDGED],
  async handle(event, tx) {
    const data = event.data as Partial<DeletionAcknowledgedData> | null;
    if (typeof data?.userId !== 'string' || typeof data.service !== 'string') {
      // Thrown rather than skipped: after its retries the event lands in the dead letters, where an operator sees it.
      throw new Error(`${event.type} ${event.id} from ${event.source} has no userId or service`);
    }
    await recordAcknowledgement(tx.db, { userId: data.userId, service: data.service, acknowledgedAt: new Date(event.time) });
  },
};

/** Notes that `service` erased a deleted user's data; a repeated acknowledgement keeps the first time. */
export async function recordAcknowledgement(db: Kysely<UserDatabase>, input: { userId: string; service: string; acknowledgedAt: Date }): Promise<void> {
  await db
    .insertInto('deletion_acknowledgements')
    .values({ user_id: input.userId, service: input.service, acknowledged_at: input.acknowledgedAt })
    .onConflict((conflict) => conflict.columns(['user_id', 'service']).doNothing())
    .execute();
}
