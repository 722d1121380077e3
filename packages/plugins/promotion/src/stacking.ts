/** What stacking needs to know of a promotion. */
interface Stackable {
  scope: 'platform' | 'store';
  storeId: string | null;
  stacking: 'exclusive' | 'combinable';
}

/** What stacking needs to know of a line. */
interface StoreLine {
  input: { storeId: string };
}

/**
 * The stacking rule, as promotions are taken in order. A platform promotion that is exclusive
 * applies only first and then alone in the whole cart. A store's exclusive promotion is exclusive
 * on that store's lines only (the store funds it and decides about its own prices): it applies
 * only when nothing has applied to its store's lines yet, and afterwards no other promotion,
 * the platform's included, touches them; the rest of the cart stays open to other promotions.
 */
export class Stacking {
  private everything = false;
  private readonly lockedStores = new Set<string>();
  private readonly touchedStores = new Set<string>();
  private anyApplied = false;

  /** The covered lines this promotion may discount, or undefined when stacking refuses it. */
  admit<L extends StoreLine>(promotion: Stackable, covered: L[]): L[] | undefined {
    if (this.everything) return undefined;
    if (promotion.stacking === 'exclusive') {
      if (promotion.scope === 'platform' && this.anyApplied) return undefined;
      if (promotion.scope === 'store' && this.touchedStores.has(promotion.storeId as string)) return undefined;
    }
    const open = covered.filter((line) => !this.lockedStores.has(line.input.storeId));
    return open.length > 0 ? open : undefined;
  }

  /** Notes that the promotion applied to these lines. */
  record(promotion: Stackable, eligible: StoreLine[]): void {
    this.anyApplied = true;
    for (const line of eligible) this.touchedStores.add(line.input.storeId);
    if (promotion.stacking !== 'exclusive') return;
    if (promotion.scope === 'platform') this.everything = true;
    else this.lockedStores.add(promotion.storeId as string);
  }
}
