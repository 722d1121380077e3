import { eventTypes, type PromotedItemComponents } from '@tokobapak/sdk';
import { promotedItemErrors } from './errors.js';
import { isLive, type Transact } from './slots.js';

type Schemas = PromotedItemComponents['schemas'];

/** Which event an interaction publishes. */
export type Interaction = 'impression' | 'click';

/**
 * Publishes an impression or click of a slot that is live now in the reported placement. Anything
 * else is refused, so a script cannot fill the analytics stream with ids that were never shown.
 * Nothing is stored but the outbox event.
 */
export async function recordInteraction(transact: Transact, interaction: Interaction, input: Schemas['TrackingInput'], now: Date): Promise<void> {
  await transact(async (tx) => {
    const slot = input.kind === 'banner' ? await findBanner(tx.db, input.id) : await findPromotion(tx.db, input.id);
    if (!slot) {
      throw input.kind === 'banner' ? promotedItemErrors.PROMOTED_ITEM_BANNER_NOT_FOUND() : promotedItemErrors.PROMOTED_ITEM_PROMOTION_NOT_FOUND();
    }
    if (!isLive(slot, now)) throw promotedItemErrors.PROMOTED_ITEM_NOT_LIVE(`${input.id} is not live now`);
    if (slot.placement !== input.placement) throw promotedItemErrors.PROMOTED_ITEM_NOT_LIVE(`${input.id} is not shown in ${input.placement}`);
    await tx.publish({
      type: interaction === 'impression' ? eventTypes.promotedItem.impression : eventTypes.promotedItem.click,
      subject: slot.id,
      data: {
        kind: input.kind,
        id: slot.id,
        placement: slot.placement,
        scope: slot.scope,
        storeId: slot.store_id,
        productId: slot.product_id,
        sessionId: input.sessionId ?? null,
      },
    });
  });
}

type Db = Parameters<Parameters<Transact>[0]>[0]['db'];

async function findBanner(db: Db, id: string) {
  // The id pattern admits both prefixes; a promotion id given as a banner is simply not found.
  if (!id.startsWith('ban_')) return undefined;
  const row = await db
    .selectFrom('banners')
    .select(['id', 'scope', 'store_id', 'placement', 'status', 'starts_at', 'ends_at'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row && { ...row, product_id: null };
}

async function findPromotion(db: Db, id: string) {
  if (!id.startsWith('pro_')) return undefined;
  return db
    .selectFrom('promotions')
    .select(['id', 'scope', 'store_id', 'placement', 'status', 'starts_at', 'ends_at', 'product_id'])
    .where('id', '=', id)
    .executeTakeFirst();
}
