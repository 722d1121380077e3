import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createOidcClient,
  type OidcClient,
  OidcClientError,
  type OidcProviderConfig,
  randomCodeVerifier,
  randomNonce,
  randomState,
  resolveOidcProviders,
} from '../src/oidc/oidc-client.js';
import { startTestOidcProvider, type TestOidcProvider } from './support/oidc-provider.js';

const clientId = 'tokobapak-test';
const clientSecret = 'a-long-enough-client-secret-for-tests';
// Never opened: login() stops at the redirect and hands the URL back.
const redirectUri = 'http://127.0.0.1:9/auth/oidc/test/callback';
const alice = { sub: 'alice-0001', email: 'alice@example.com', emailVerified: true, name: 'Alice Wijaya' };
const bob = { sub: 'bob-0002', email: 'bob@example.com', emailVerified: false, name: 'Bob Santoso' };

function providerConfig(issuer: string): OidcProviderConfig {
  return { id: 'test', name: 'Test IdP', issuer, clientId, clientSecret };
}

// Counts requests by path so tests can see what the client fetched.
function countingFetch(): { fetch: typeof fetch; paths: string[] } {
  const paths: string[] = [];
  return {
    paths,
    fetch: (input, init) => {
      paths.push(new URL(input instanceof Request ? input.url : input).pathname);
      return fetch(input, init);
    },
  };
}

async function startLogin(client: OidcClient) {
  const login = { state: randomState(), nonce: randomNonce(), codeVerifier: randomCodeVerifier() };
  const url = await client.authorizationUrl({ redirectUri, ...login });
  return { ...login, url };
}

async function rejection(promise: Promise<unknown>): Promise<OidcClientError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(OidcClientError);
  return error as OidcClientError;
}

describe.each([
  { claimsInIdToken: false, where: 'userinfo' },
  { claimsInIdToken: true, where: 'the ID token' },
])('OIDC client against oidc-provider (claims from $where)', ({ claimsInIdToken }) => {
  let idp: TestOidcProvider;
  let client: OidcClient;
  let requests: ReturnType<typeof countingFetch>;

  beforeAll(async () => {
    idp = await startTestOidcProvider({ clientId, clientSecret, redirectUris: [redirectUri], accounts: [alice, bob], claimsInIdToken });
    requests = countingFetch();
    client = createOidcClient(providerConfig(idp.issuer), { allowInsecureHttp: true, fetch: requests.fetch });
  });

  afterAll(async () => {
    await idp.close();
  });

  it('builds a code + PKCE S256 authorization URL and signs a user in', async () => {
    const login = await startLogin(client);
    expect(login.url.origin).toBe(idp.issuer);
    expect(Object.fromEntries(login.url.searchParams)).toMatchObject({
      client_id: clientId,
      response_type: 'code',
      redirect_uri: redirectUri,
      scope: 'openid email profile',
      state: login.state,
      nonce: login.nonce,
      code_challenge_method: 'S256',
    });
    expect(login.url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(login.url.href).not.toContain(login.codeVerifier);

    const callback = await idp.login(login.url.href, alice.sub);
    expect(callback.searchParams.get('state')).toBe(login.state);
    expect(callback.searchParams.get('code')).toBeTruthy();

    const identity = await client.exchangeCode({
      currentUrl: callback,
      redirectUri,
      expectedState: login.state,
      expectedNonce: login.nonce,
      codeVerifier: login.codeVerifier,
    });
    expect(identity).toEqual({ subject: alice.sub, email: alice.email, emailVerified: true, name: alice.name });
    expect(requests.paths.includes('/me')).toBe(!claimsInIdToken);
  });

  it('reports an unverified email as unverified', async () => {
    const login = await startLogin(client);
    const callback = await idp.login(login.url.href, bob.sub);
    const identity = await client.exchangeCode({
      currentUrl: callback,
      redirectUri,
      expectedState: login.state,
      expectedNonce: login.nonce,
      codeVerifier: login.codeVerifier,
    });
    expect(identity).toEqual({ subject: bob.sub, email: bob.email, emailVerified: false, name: bob.name });
  });

  it('discovers the provider once', () => {
    expect(requests.paths.filter((path) => path === '/.well-known/openid-configuration')).toHaveLength(1);
  });
});

describe('OIDC client rejections', () => {
  let idp: TestOidcProvider;
  let client: OidcClient;

  beforeAll(async () => {
    idp = await startTestOidcProvider({ clientId, clientSecret, redirectUris: [redirectUri], accounts: [alice] });
    client = createOidcClient(providerConfig(idp.issuer), { allowInsecureHttp: true });
  });

  afterAll(async () => {
    await idp.close();
  });

  it('rejects a tampered state before calling the token endpoint', async () => {
    const login = await startLogin(client);
    const callback = await idp.login(login.url.href, alice.sub);
    const tampered = new URL(callback);
    tampered.searchParams.set('state', randomState());

    const error = await rejection(
      client.exchangeCode({ currentUrl: tampered, redirectUri, expectedState: login.state, expectedNonce: login.nonce, codeVerifier: login.codeVerifier }),
    );
    expect(error.reason).toBe('state_mismatch');
    expect(error.providerId).toBe('test');

    // The code was not spent: the genuine callback still works.
    const identity = await client.exchangeCode({
      currentUrl: callback,
      redirectUri,
      expectedState: login.state,
      expectedNonce: login.nonce,
      codeVerifier: login.codeVerifier,
    });
    expect(identity.subject).toBe(alice.sub);
  });

  it('rejects an ID token whose nonce is not the expected one', async () => {
    const login = await startLogin(client);
    const callback = await idp.login(login.url.href, alice.sub);
    const error = await rejection(
      client.exchangeCode({ currentUrl: callback, redirectUri, expectedState: login.state, expectedNonce: randomNonce(), codeVerifier: login.codeVerifier }),
    );
    expect(error.reason).toBe('invalid_response');
    expect(error.message).toMatch(/nonce/);
  });

  it('rejects a wrong PKCE verifier and a code used twice', async () => {
    const login = await startLogin(client);
    const callback = await idp.login(login.url.href, alice.sub);
    const wrongVerifier = await rejection(
      client.exchangeCode({ currentUrl: callback, redirectUri, expectedState: login.state, expectedNonce: login.nonce, codeVerifier: randomCodeVerifier() }),
    );
    expect(wrongVerifier.reason).toBe('code_rejected');
    expect(wrongVerifier.providerError).toBe('invalid_grant');

    const again = await startLogin(client);
    const secondCallback = await idp.login(again.url.href, alice.sub);
    const params = { currentUrl: secondCallback, redirectUri, expectedState: again.state, expectedNonce: again.nonce, codeVerifier: again.codeVerifier };
    await client.exchangeCode(params);
    const reused = await rejection(client.exchangeCode(params));
    expect(reused.reason).toBe('code_rejected');
    expect(reused.providerError).toBe('invalid_grant');
  });

  it('reports a sign-in the user cancelled at the provider', async () => {
    const login = await startLogin(client);
    const callback = await idp.deny(login.url.href);
    expect(callback.searchParams.get('code')).toBeNull();
    const error = await rejection(
      client.exchangeCode({ currentUrl: callback, redirectUri, expectedState: login.state, expectedNonce: login.nonce, codeVerifier: login.codeVerifier }),
    );
    expect(error.reason).toBe('denied');
    expect(error.providerError).toBe('access_denied');
  });

  it('refuses an http issuer unless allowed, and reports an unreachable one', async () => {
    expect(() => createOidcClient(providerConfig(idp.issuer))).toThrow(/https/);

    const gone = await startTestOidcProvider({ clientId, clientSecret, redirectUris: [redirectUri], accounts: [] });
    await gone.close();
    const unreachable = createOidcClient(providerConfig(gone.issuer), { allowInsecureHttp: true });
    const error = await rejection(
      unreachable.authorizationUrl({ redirectUri, state: randomState(), nonce: randomNonce(), codeVerifier: randomCodeVerifier() }),
    );
    expect(error.reason).toBe('unavailable');
  });
});

describe('resolveOidcProviders', () => {
  it('fills providers from TOKOBAPAK_OIDC_<ID>_* variables, which win over the file', () => {
    const providers = resolveOidcProviders(
      [
        { id: 'google', clientId: 'from-file' },
        { id: 'my-idp', name: 'My IdP', issuer: 'https://idp.example.com', clientId: 'c', clientSecret: 'file-secret', scopes: ['openid', 'email'] },
      ],
      {
        TOKOBAPAK_OIDC_GOOGLE_CLIENT_ID: 'from-env.apps.googleusercontent.com',
        TOKOBAPAK_OIDC_GOOGLE_CLIENT_SECRET: 'google-secret',
        TOKOBAPAK_OIDC_MY_IDP_CLIENT_SECRET: 'env-secret',
        TOKOBAPAK_OIDC_KEYCLOAK_ISSUER: 'https://sso.example.com/realms/shop',
        TOKOBAPAK_OIDC_KEYCLOAK_CLIENT_ID: 'shop',
        TOKOBAPAK_OIDC_KEYCLOAK_CLIENT_SECRET: 'kc-secret',
        TOKOBAPAK_OIDC_KEYCLOAK_NAME: 'Staff SSO',
        TOKOBAPAK_OIDC_KEYCLOAK_SCOPES: 'openid email',
      },
    );
    expect(providers).toEqual([
      { id: 'google', name: 'Google', issuer: 'https://accounts.google.com', clientId: 'from-env.apps.googleusercontent.com', clientSecret: 'google-secret' },
      { id: 'my-idp', name: 'My IdP', issuer: 'https://idp.example.com', clientId: 'c', clientSecret: 'env-secret', scopes: ['openid', 'email'] },
      {
        id: 'keycloak',
        name: 'Staff SSO',
        issuer: 'https://sso.example.com/realms/shop',
        clientId: 'shop',
        clientSecret: 'kc-secret',
        scopes: ['openid', 'email'],
      },
    ]);
  });

  it('names what is missing or wrong', () => {
    expect(() => resolveOidcProviders([{ id: 'google', clientId: 'x' }], {})).toThrow(/TOKOBAPAK_OIDC_GOOGLE_CLIENT_SECRET/);
    expect(() => resolveOidcProviders([{ id: 'corp', clientId: 'x', clientSecret: 'y' }], {})).toThrow(/TOKOBAPAK_OIDC_CORP_ISSUER/);
    expect(() => resolveOidcProviders([{ id: 'Bad_Id' }], {})).toThrow(/id "Bad_Id"/);
    expect(() => resolveOidcProviders([{ id: 'a' }, { id: 'a' }], {})).toThrow(/twice/);
    expect(() =>
      resolveOidcProviders([], { TOKOBAPAK_OIDC_X_ISSUER: 'not a url', TOKOBAPAK_OIDC_X_CLIENT_ID: 'i', TOKOBAPAK_OIDC_X_CLIENT_SECRET: 's' }),
    ).toThrow(/not a URL/);
  });
});
