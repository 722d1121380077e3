import { createHash, randomBytes } from 'node:crypto';
import { eventTypes, type MerchantComponents } from '@tokobapak/sdk';
import { decodeCursorMatching, isUniqueViolation, newId, type Page, platformErrors, toPage } from '@tokobapak/server';
import { type Db, type MerchantContext, normalizeEmail } from './context.js';
import { merchantErrors } from './errors.js';
import { type InvitationRow, type MembershipRow, toInvitation } from './mappers.js';
import type { MerchantSettings } from './options.js';
import { emailOf } from './users.js';

type Schemas = MerchantComponents['schemas'];

/** A fresh invitation token: 256 random bits, base64url. */
export function newInvitationToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What is stored of a token: its SHA-256, so a database leak yields no working link. */
export function hashInvitationToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Invites `input.email` to a store and mails the single-use link. An earlier pending invitation of
 * the same email to the same store is revoked, so only the newest link works. The mail goes out
 * after the commit (mail is not transactional); when it cannot be sent, the invitation is revoked
 * again and the caller gets 503, so no invitation exists that nobody was told about.
 */
export async function inviteStaff(
  ctx: MerchantContext,
  settings: MerchantSettings,
  inviter: { storeId: string; userId: string },
  input: Schemas['InviteStaffInput'],
): Promise<InvitationRow> {
  const now = ctx.clock.now();
  const email = normalizeEmail(input.email);
  const token = newInvitationToken();
  const { invitation, storeName } = await ctx.transaction(async (tx) => {
    // The store lock makes concurrent invitations of one email replace each other in turn.
    const store = await tx.db.selectFrom('stores').select(['name', 'status']).where('id', '=', inviter.storeId).forUpdate().executeTakeFirst();
    if (!store) throw merchantErrors.MERCHANT_STORE_NOT_FOUND();
    if (store.status !== 'active') throw merchantErrors.MERCHANT_STORE_SUSPENDED();
    await tx.db
      .updateTable('invitations')
      .set({ status: 'revoked' })
      .where('store_id', '=', inviter.storeId)
      .where('email', '=', email)
      .where('status', '=', 'pending')
      .execute();
    const invitation = await tx.db
      .insertInto('invitations')
      .values({
        id: newId('inv'),
        store_id: inviter.storeId,
        email,
        role: input.role,
        token_hash: hashInvitationToken(token),
        status: 'pending',
        invited_by_user_id: inviter.userId,
        expires_at: new Date(now.getTime() + settings.invitationTtlMs),
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { invitation, storeName: store.name };
  });

  try {
    await sendInvitationMail(ctx, settings, { email, token, storeName, role: input.role });
  } catch (error) {
    ctx.log.error({ err: error, invitationId: invitation.id }, 'invitation mail could not be sent; withdrawing the invitation');
    await ctx.db.updateTable('invitations').set({ status: 'revoked' }).where('id', '=', invitation.id).where('status', '=', 'pending').execute();
    throw platformErrors.SERVICE_UNAVAILABLE('The invitation mail could not be sent; try again later');
  }
  return invitation;
}

async function sendInvitationMail(
  ctx: Pick<MerchantContext, 'mailer' | 'publicUrl'>,
  settings: MerchantSettings,
  invitation: { email: string; token: string; storeName: string; role: string },
): Promise<void> {
  const link = (settings.invitationUrl ?? `${ctx.publicUrl}/accept-invitation?token={token}`).replace('{token}', encodeURIComponent(invitation.token));
  const days = Math.max(1, Math.round(settings.invitationTtlMs / 86_400_000));
  await ctx.mailer.send({
    to: invitation.email,
    subject: `You are invited to work at ${invitation.storeName} on TokoBapak`,
    text: [
      `You are invited to join the store ${invitation.storeName} as ${invitation.role}.`,
      '',
      `Sign in with this email address (${invitation.email}) and open this link within ${days} days:`,
      link,
      '',
      `Or use this invitation token: ${invitation.token}`,
      '',
      'The link works once. If you did not expect this invitation, ignore this mail.',
    ].join('\n'),
  });
}

/** One page of a store's invitations, newest first; `expired` means pending past its expiry. */
export async function listInvitations(
  db: Db,
  storeId: string,
  query: { status?: Schemas['InvitationStatus'] | undefined; cursor?: string | undefined; limit?: number | undefined },
  now: Date,
): Promise<Page<Schemas['Invitation']>> {
  const limit = query.limit ?? 20;
  const after = decodeCursorMatching(query.cursor, /^inv_[0-9a-z]{26}$/);
  let select = db.selectFrom('invitations').selectAll().where('store_id', '=', storeId);
  switch (query.status) {
    case 'pending':
      select = select.where('status', '=', 'pending').where('expires_at', '>', now);
      break;
    case 'expired':
      select = select.where('status', '=', 'pending').where('expires_at', '<=', now);
      break;
    case 'accepted':
    case 'revoked':
      select = select.where('status', '=', query.status);
      break;
  }
  if (after) select = select.where('id', '<', after);
  const rows = await select
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  return toPage(
    rows,
    limit,
    (row) => row.id,
    (row) => toInvitation(row, now),
  );
}

/** Revokes a pending invitation of the store; another store's is reported exactly like a missing one. */
export async function revokeInvitation(db: Db, storeId: string, invitationId: string, now: Date): Promise<void> {
  const revoked = await db
    .updateTable('invitations')
    .set({ status: 'revoked' })
    .where('id', '=', invitationId)
    .where('store_id', '=', storeId)
    .where('status', '=', 'pending')
    .where('expires_at', '>', now)
    .returning('id')
    .executeTakeFirst();
  if (revoked) return;
  const existing = await db.selectFrom('invitations').select('id').where('id', '=', invitationId).where('store_id', '=', storeId).executeTakeFirst();
  if (!existing) throw merchantErrors.MERCHANT_INVITATION_NOT_FOUND();
  throw merchantErrors.MERCHANT_INVITATION_NOT_PENDING();
}

/**
 * The signed-in user accepts an invitation: their email (asked of the user service, before the
 * transaction) must be the invited one. Spending the token, adding the membership and publishing
 * `merchant.staff-added` commit together; the row lock on the invitation makes the token single-use
 * even under concurrent attempts.
 */
export async function acceptInvitation(ctx: MerchantContext, userId: string, token: string): Promise<MembershipRow> {
  const email = await emailOf(ctx, userId);
  const now = ctx.clock.now();
  try {
    return await ctx.transaction(async (tx) => {
      const invitation = await tx.db.selectFrom('invitations').selectAll().where('token_hash', '=', hashInvitationToken(token)).forUpdate().executeTakeFirst();
      if (invitation?.status !== 'pending' || new Date(invitation.expires_at).getTime() <= now.getTime()) {
        throw merchantErrors.MERCHANT_INVITATION_INVALID();
      }
      if (invitation.email !== email) throw merchantErrors.MERCHANT_INVITATION_EMAIL_MISMATCH();
      const store = await tx.db.selectFrom('stores').select('status').where('id', '=', invitation.store_id).forShare().executeTakeFirst();
      if (!store) throw merchantErrors.MERCHANT_INVITATION_INVALID();
      if (store.status !== 'active') throw merchantErrors.MERCHANT_STORE_SUSPENDED();
      const member = await tx.db
        .selectFrom('memberships')
        .select('role')
        .where('store_id', '=', invitation.store_id)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (member) throw merchantErrors.MERCHANT_ALREADY_MEMBER();
      const membership = await tx.db
        .insertInto('memberships')
        .values({ store_id: invitation.store_id, user_id: userId, role: invitation.role, email, created_at: now })
        .returningAll()
        .executeTakeFirstOrThrow();
      await tx.db
        .updateTable('invitations')
        .set({ status: 'accepted', accepted_at: now, accepted_by_user_id: userId })
        .where('id', '=', invitation.id)
        .execute();
      await tx.publish({ type: eventTypes.merchant.staffAdded, subject: invitation.store_id, data: { storeId: invitation.store_id, userId } });
      return membership;
    });
  } catch (error) {
    // Two invitations to one store accepted at once by the same person: the second finds the first's row.
    if (isUniqueViolation(error)) throw merchantErrors.MERCHANT_ALREADY_MEMBER();
    throw error;
  }
}
