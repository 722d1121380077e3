import { createAddress, deleteAddress, getAddress, listAddresses, setDefaultAddress, updateAddress } from '../addresses.js';
import { toAddress } from '../mappers.js';
import { signedInAccount } from '../users.js';
import type { UserHandlers } from './types.js';

/** The caller's shipping addresses. */
export function addressHandlers(): Pick<
  UserHandlers,
  'listAddresses' | 'createAddress' | 'getAddress' | 'updateAddress' | 'deleteAddress' | 'setDefaultAddress'
> {
  return {
    async listAddresses({ query }, ctx) {
      return listAddresses(ctx.db, await signedInAccount(ctx.db, ctx.caller), query);
    },

    async createAddress({ body }, ctx) {
      return toAddress(await createAddress(ctx.transaction, await signedInAccount(ctx.db, ctx.caller), body, ctx.clock.now()));
    },

    async getAddress({ params }, ctx) {
      return toAddress(await getAddress(ctx.db, await signedInAccount(ctx.db, ctx.caller), params.addressId));
    },

    async updateAddress({ params, body }, ctx) {
      return toAddress(await updateAddress(ctx.db, await signedInAccount(ctx.db, ctx.caller), params.addressId, body, ctx.clock.now()));
    },

    async deleteAddress({ params }, ctx) {
      await deleteAddress(ctx.transaction, await signedInAccount(ctx.db, ctx.caller), params.addressId, ctx.clock.now());
    },

    async setDefaultAddress({ params }, ctx) {
      return toAddress(await setDefaultAddress(ctx.transaction, await signedInAccount(ctx.db, ctx.caller), params.addressId, ctx.clock.now()));
    },
  };
}
