import { defineErrors } from '@tokobapak/server';

/** Every coded error the merchant service answers with (the spec's operation descriptions name them). */
export const merchantErrors = defineErrors({
  MERCHANT_HANDLE_TAKEN: { status: 409, title: 'Another store already has this handle' },
  MERCHANT_STORE_NOT_FOUND: { status: 404, title: 'No such store' },
  MERCHANT_STORE_SUSPENDED: { status: 409, title: 'The store is suspended' },
  MERCHANT_MEMBER_NOT_FOUND: { status: 404, title: 'No such member of this store' },
  MERCHANT_MEMBERSHIP_NOT_FOUND: { status: 404, title: 'The user is not a member of this store' },
  MERCHANT_OWNER_IMMUTABLE: { status: 409, title: "The store owner's membership cannot be removed or changed" },
  MERCHANT_NOT_OWNER: { status: 403, title: 'Only the current owner of the store may do this' },
  MERCHANT_NEW_OWNER_NOT_MEMBER: { status: 409, title: 'The new owner must already work in the store' },
  MERCHANT_ALREADY_OWNER: { status: 409, title: 'This person already owns the store' },
  MERCHANT_ALREADY_MEMBER: { status: 409, title: 'You are already a member of this store' },
  MERCHANT_INVITATION_NOT_FOUND: { status: 404, title: 'No such invitation' },
  MERCHANT_INVITATION_NOT_PENDING: { status: 409, title: 'The invitation is no longer pending' },
  MERCHANT_INVITATION_INVALID: { status: 400, title: 'The invitation token is unknown, used, revoked or expired' },
  MERCHANT_INVITATION_EMAIL_MISMATCH: { status: 403, title: 'The invitation is for another email address' },
  MERCHANT_ROLE_REQUIRED: { status: 403, title: 'Only the owner or a manager of the store may do this' },
  MERCHANT_INSUFFICIENT_BALANCE: { status: 409, title: 'The available balance is too small' },
  MERCHANT_AMOUNT_INVALID: { status: 400, title: 'The amount must not be zero' },
  MERCHANT_WITHDRAWAL_NOT_FOUND: { status: 404, title: 'No such withdrawal' },
  MERCHANT_WITHDRAWAL_INVALID_TRANSITION: { status: 409, title: 'The withdrawal cannot move to that state from its current one' },
});
