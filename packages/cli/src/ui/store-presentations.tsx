import type { Invitation, OwnershipTransfer, Store } from '../services/store-actions.js';
import type { Presentation } from './output.js';
import { type Field, FieldsView, fieldLines } from './record.js';

// `tokobapak store`: one record per result, as aligned "label  value" lines or an ink view.

function storeFields(store: Store): Field[] {
  const address = store.address
    ? [store.address.line1, store.address.line2, store.address.city, store.address.region, store.address.postalCode, store.address.countryCode]
    : [];
  return [
    ['id', store.id],
    ['handle', store.handle],
    ['name', store.name],
    ['status', store.status === 'suspended' ? `suspended (${store.suspensionReason ?? 'no reason given'})` : store.status],
    ['description', store.description ?? '-'],
    ['contact email', store.contactEmail ?? '-'],
    ['phone', store.phone ?? '-'],
    ['address', address.filter((part) => part).join(', ') || '-'],
    ['logo image', store.logoImageId ?? '-'],
    ['created', store.createdAt],
  ];
}

function invitationFields(invitation: Invitation): Field[] {
  return [
    ['id', invitation.id],
    ['email', invitation.email],
    ['role', invitation.role],
    ['status', invitation.status],
    ['expires', invitation.expiresAt],
  ];
}

/** `tokobapak store create` and `tokobapak store show`. */
export function storePresentation(store: Store, created: boolean): Presentation {
  const title = created ? `Opened store ${store.handle}; you are its owner, and you now act in it.` : `Store ${store.handle}`;
  return {
    json: () => ({ store }),
    plain: () => [title, ...fieldLines(storeFields(store))],
    tty: () => <FieldsView title={title} fields={storeFields(store)} />,
  };
}

/** `tokobapak store invite`. */
export function invitationPresentation(invitation: Invitation): Presentation {
  const title = `Invited ${invitation.email} as ${invitation.role}; the invitation mail is on its way.`;
  return {
    json: () => ({ invitation }),
    plain: () => [title, ...fieldLines(invitationFields(invitation))],
    tty: () => <FieldsView title={title} fields={invitationFields(invitation)} />,
  };
}

function transferFields(transfer: OwnershipTransfer): Field[] {
  const who = (member: { userId: string; email: string | null }) => (member.email ? `${member.email} (${member.userId})` : member.userId);
  return [
    ['store', transfer.storeId],
    ['new owner', who(transfer.newOwner)],
    ['former owner', transfer.previousOwner ? `${who(transfer.previousOwner)}, now ${transfer.previousOwner.role}` : '-'],
    ['transferred', transfer.transferredAt],
  ];
}

/** `tokobapak store transfer`. */
export function transferPresentation(transfer: OwnershipTransfer): Presentation {
  const title = `Handed the store to ${transfer.newOwner.email ?? transfer.newOwner.userId}; you are now a ${transfer.previousOwner?.role ?? 'manager'} there.`;
  return {
    json: () => ({ transfer }),
    plain: () => [title, ...fieldLines(transferFields(transfer))],
    tty: () => <FieldsView title={title} fields={transferFields(transfer)} />,
  };
}
