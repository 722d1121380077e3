import { TokoBapakError } from '@tokobapak/sdk';
import { ProblemError, platformErrors } from '@tokobapak/server';
import { type MerchantContext, normalizeEmail } from './context.js';

/**
 * The user's login email, lower-cased, from the user service; an account that is gone means a dead
 * credential. Calls another service, so never inside a transaction.
 */
export async function emailOf(ctx: Pick<MerchantContext, 'clients'>, userId: string): Promise<string> {
  try {
    const user = await ctx.clients.user.getUser({ params: { userId } });
    return normalizeEmail(user.email);
  } catch (error) {
    if (error instanceof TokoBapakError && error.status === 404) {
      throw platformErrors.UNAUTHENTICATED('The account this credential belongs to no longer exists');
    }
    throw error;
  }
}

/**
 * Like {@link emailOf}, for a member's record only: when the user service cannot answer (down,
 * slow, remote and unreachable), the member is kept without an email (the staff list shows
 * `null`) rather than the request failing. A deleted account still refuses.
 */
export async function emailForRecord(ctx: Pick<MerchantContext, 'clients' | 'log'>, userId: string): Promise<string | null> {
  try {
    return await emailOf(ctx, userId);
  } catch (error) {
    if (error instanceof ProblemError) throw error;
    ctx.log.warn({ err: error, userId }, 'the user service did not give the email of a new store owner; it is recorded as null');
    return null;
  }
}
