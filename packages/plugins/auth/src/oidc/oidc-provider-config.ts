/** One OpenID Connect provider a store lets people sign in with; see `docs/oidc.md`. */
export interface OidcProviderConfig {
  /** Lower-case id used in the sign-in paths (`/auth/oidc/<id>/authorize`): `[a-z0-9][a-z0-9-]{0,39}`. */
  id: string;
  /** Display name for a sign-in button. */
  name: string;
  /** The issuer identifier; its `/.well-known/openid-configuration` is fetched once. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Defaults to `['openid', 'email', 'profile']`; `openid` is always added. */
  scopes?: string[];
}

/** A provider as written in `tokobapak.config.mjs` (`auth.oidcProviders`): anything but `id` may come from the environment. */
export type OidcProviderInput = Partial<OidcProviderConfig> & { id: string };

const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;
const ENV_PREFIX = 'TOKOBAPAK_OIDC_';
const WELL_KNOWN: Record<string, { name: string; issuer: string }> = {
  google: { name: 'Google', issuer: 'https://accounts.google.com' },
};

/**
 * Completes the configured providers from `TOKOBAPAK_OIDC_<ID>_*` variables (`ISSUER`,
 * `CLIENT_ID`, `CLIENT_SECRET`, `NAME`, `SCOPES`), which win over the file so that secrets can stay
 * out of it. `<ID>` is the id upper-cased with `-` as `_` (`my-idp` → `MY_IDP`). A provider that
 * only the environment names (it has an `_ISSUER`, or `_CLIENT_ID` for a well-known id such as
 * `google`) is added too. Throws, naming the variable, when a provider is incomplete.
 *
 * @example
 * ```ts
 * const providers = resolveOidcProviders([{ id: 'google' }], {
 *   TOKOBAPAK_OIDC_GOOGLE_CLIENT_ID: '123.apps.googleusercontent.com',
 *   TOKOBAPAK_OIDC_GOOGLE_CLIENT_SECRET: 'secret',
 * });
 * // [{ id: 'google', name: 'Google', issuer: 'https://accounts.google.com', clientId: '123…', clientSecret: 'secret' }]
 * ```
 */
export function resolveOidcProviders(configured: readonly OidcProviderInput[], env: Record<string, string | undefined>): OidcProviderConfig[] {
  const inputs = new Map<string, OidcProviderInput>();
  for (const input of configured) {
    if (!ID_PATTERN.test(input.id)) throw new Error(`auth.oidcProviders: id "${input.id}" must match ${ID_PATTERN.source}`);
    if (inputs.has(input.id)) throw new Error(`auth.oidcProviders: id "${input.id}" is listed twice`);
    inputs.set(input.id, input);
  }
  for (const key of Object.keys(env).sort()) {
    const match = /^TOKOBAPAK_OIDC_([A-Z0-9_]+)_(ISSUER|CLIENT_ID)$/.exec(key);
    if (!match?.[1] || !env[key]?.trim()) continue;
    const id = match[1].toLowerCase().replaceAll('_', '-');
    if (match[2] === 'CLIENT_ID' && !WELL_KNOWN[id]) continue;
    if (!ID_PATTERN.test(id)) throw new Error(`${key}: "${id}" is not a valid provider id (${ID_PATTERN.source})`);
    if (!inputs.has(id)) inputs.set(id, { id });
  }
  return [...inputs.values()].map((input) => complete(input, env));
}

function complete(input: OidcProviderInput, env: Record<string, string | undefined>): OidcProviderConfig {
  const prefix = `${ENV_PREFIX}${input.id.toUpperCase().replaceAll('-', '_')}_`;
  const read = (name: string) => {
    const value = env[prefix + name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const known = WELL_KNOWN[input.id];
  const required = (name: string, field: keyof OidcProviderConfig, value: string | undefined) => {
    if (value === undefined || value === '') {
      throw new Error(`OIDC provider "${input.id}" has no ${field}: set ${prefix}${name} or auth.oidcProviders[].${field}`);
    }
    return value;
  };
  const issuer = required('ISSUER', 'issuer', read('ISSUER') ?? input.issuer ?? known?.issuer);
  try {
    new URL(issuer);
  } catch {
    throw new Error(`OIDC provider "${input.id}": issuer "${issuer}" is not a URL`);
  }
  const scopes =
    read('SCOPES')
      ?.split(/[\s,]+/)
      .filter(Boolean) ?? input.scopes;
  return {
    id: input.id,
    name: read('NAME') ?? input.name ?? known?.name ?? input.id,
    issuer,
    clientId: required('CLIENT_ID', 'clientId', read('CLIENT_ID') ?? input.clientId),
    clientSecret: required('CLIENT_SECRET', 'clientSecret', read('CLIENT_SECRET') ?? input.clientSecret),
    ...(scopes === undefined ? {} : { scopes }),
  };
}
