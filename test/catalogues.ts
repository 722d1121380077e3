import { authErrors } from '@tokobapak/plugin-auth';
import { userErrors } from '@tokobapak/plugin-user';
import { type ErrorSpec, platformErrors } from '@tokobapak/server';

/** Every package's error catalogue, by the heading it has in docs/errors.md. */
export const catalogues: Record<string, Readonly<Record<string, ErrorSpec>>> = {
  platform: platformErrors.specs,
  auth: authErrors.specs,
  user: userErrors.specs,
};
