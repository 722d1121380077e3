import { toPaymentMethod } from '../mappers.js';
import { deletePaymentMethod, listPaymentMethods, savePaymentMethod, setDefaultPaymentMethod } from '../payment-methods.js';
import { signedInAccount } from '../users.js';
import type { UserHandlers } from './types.js';

/** The caller's saved payment methods (gateway tokens, never shown). */
export function paymentMethodHandlers(): Pick<UserHandlers, 'listPaymentMethods' | 'savePaymentMethod' | 'deletePaymentMethod' | 'setDefaultPaymentMethod'> {
  return {
    async listPaymentMethods({ query }, ctx) {
      return listPaymentMethods(ctx.db, await signedInAccount(ctx.db, ctx.caller), query);
    },

    async savePaymentMethod({ body }, ctx) {
      return toPaymentMethod(await savePaymentMethod(ctx.transaction, await signedInAccount(ctx.db, ctx.caller), body, ctx.clock.now()));
    },

    async deletePaymentMethod({ params }, ctx) {
      await deletePaymentMethod(ctx.transaction, await signedInAccount(ctx.db, ctx.caller), params.paymentMethodId, ctx.clock.now());
    },

    async setDefaultPaymentMethod({ params }, ctx) {
      return toPaymentMethod(
        await setDefaultPaymentMethod(ctx.transaction, await signedInAccount(ctx.db, ctx.caller), params.paymentMethodId, ctx.clock.now()),
      );
    },
  };
}
