import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Account, type JWK } from 'oidc-provider';

/** A person the test provider can sign in. */
export interface TestOidcAccount {
  sub: string;
  email: string;
  emailVerified: boolean;
  name: string;
}

/** Options for {@link startTestOidcProvider}. */
export interface TestOidcProviderOptions {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  accounts: TestOidcAccount[];
  /**
   * Put `email`, `email_verified` and `name` in the ID token as well as in userinfo (what Google
   * does). Default `false`: oidc-provider's OIDC Core behaviour, claims only from userinfo.
   */
  claimsInIdToken?: boolean;
}

/** A running OpenID provider on 127.0.0.1 and a scripted browser for it. */
export interface TestOidcProvider {
  /** `http://127.0.0.1:<port>`. */
  issuer: string;
  /**
   * Opens `authorizationUrl` as a browser would (cookies kept, redirects followed), signs in as
   * `sub`, grants consent, and returns the URL the provider sends the browser back to, without
   * opening it.
   */
  login(authorizationUrl: string, sub: string): Promise<URL>;
  /** Like {@link login}, but the user cancels at the sign-in form (`error=access_denied`). */
  deny(authorizationUrl: string): Promise<URL>;
  close(): Promise<void>;
}

/**
 * Starts the `oidc-provider` library with one confidential client, PKCE required and an in-memory
 * store. Interactions are a two-route app of our own (sign-in form, consent form) finished through
 * `provider.interactionFinished`, so tests drive the real protocol end to end.
 */
export async function startTestOidcProvider(options: TestOidcProviderOptions): Promise<TestOidcProvider> {
  let route: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.writeHead(503).end();
  };
  const server = createServer((req, res) => route(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const accounts = new Map(options.accounts.map((account) => [account.sub, account]));
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: options.redirectUris,
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    conformIdTokenClaims: !options.claimsInIdToken,
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    jwks: { keys: [{ ...signingKey, kid: randomUUID(), alg: 'RS256', use: 'sig' } as JWK] },
    pkce: { required: () => true },
    // Explicit lifetimes (seconds) keep oidc-provider from printing a notice per default.
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 3600, IdToken: 600, Interaction: 600, Session: 3600 },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount(_ctx, sub): Account | undefined {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        claims: () => ({ sub, email: account.email, email_verified: account.emailVerified, name: account.name }),
      };
    },
  });
  const providerApp = provider.callback();

  async function interaction(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const [, , uid, action] = new URL(req.url ?? '/', issuer).pathname.split('/');
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) return void res.writeHead(400).end('interaction mismatch');

    if (req.method === 'GET') {
      const prompt = details.prompt.name;
      const field = prompt === 'login' ? '<input name="sub" autocomplete="username">' : '';
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><title>${prompt}</title>` +
          `<form method="post" action="/interaction/${uid}/${prompt}">${field}<button>Continue</button></form>` +
          `<form method="post" action="/interaction/${uid}/abort"><button>Cancel</button></form>`,
      );
      return;
    }

    const form = new URLSearchParams(await readBody(req));
    if (action === 'login') {
      const sub = form.get('sub') ?? '';
      if (!accounts.has(sub)) return void res.writeHead(400).end(`unknown account ${sub}`);
      await provider.interactionFinished(req, res, { login: { accountId: sub } }, { mergeWithLastSubmission: false });
    } else if (action === 'consent') {
      const accountId = details.session?.accountId;
      const clientId = details.params.client_id;
      if (!accountId || typeof clientId !== 'string') return void res.writeHead(400).end('no session');
      const grant = (details.grantId ? await provider.Grant.find(details.grantId) : undefined) ?? new provider.Grant({ accountId, clientId });
      const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(resource, scopes.join(' '));
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    } else if (action === 'abort') {
      await provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'The user cancelled the sign-in' },
        { mergeWithLastSubmission: false },
      );
    } else {
      res.writeHead(404).end();
    }
  }

  route = (req, res) => {
    if (req.url?.startsWith('/interaction/')) {
      interaction(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      });
    } else {
      void providerApp(req, res);
    }
  };

  const isRedirectUri = (url: URL) => options.redirectUris.some((uri) => stripQuery(new URL(uri)) === stripQuery(url));

  // A browser: follows redirects by hand (so the final one is returned, not opened), keeps cookies,
  // and submits the interaction page's first form (sign-in or consent) or its cancel form.
  async function browse(authorizationUrl: string, choose: { sub: string } | 'cancel'): Promise<URL> {
    const jar = new Map<string, string>();
    let request: { url: URL; method: 'GET' | 'POST'; body?: string } = { url: new URL(authorizationUrl), method: 'GET' };
    for (let step = 0; step < 20; step++) {
      const response = await fetch(request.url, {
        method: request.method,
        redirect: 'manual',
        headers: {
          ...(jar.size ? { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; ') } : {}),
          ...(request.body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
        },
        ...(request.body === undefined ? {} : { body: request.body }),
      });
      storeCookies(jar, response.headers.getSetCookie());
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel();
        const next = new URL(location, request.url);
        if (isRedirectUri(next)) return next;
        request = { url: next, method: 'GET' };
        continue;
      }
      const page = await response.text();
      if (response.status !== 200) throw new Error(`${request.method} ${request.url.pathname} answered ${response.status}: ${page.slice(0, 500)}`);
      const actions = [...page.matchAll(/<form method="post" action="([^"]+)">/g)].map((match) => match[1] as string);
      const action = choose === 'cancel' ? actions.find((a) => a.endsWith('/abort')) : actions.find((a) => !a.endsWith('/abort'));
      if (!action) throw new Error(`no form to submit at ${request.url.pathname}`);
      const body = new URLSearchParams();
      if (choose !== 'cancel' && page.includes('name="sub"')) body.set('sub', choose.sub);
      request = { url: new URL(action, request.url), method: 'POST', body: body.toString() };
    }
    throw new Error('too many steps without reaching the redirect URI');
  }

  return {
    issuer,
    login: (authorizationUrl, sub) => browse(authorizationUrl, { sub }),
    deny: (authorizationUrl) => browse(authorizationUrl, 'cancel'),
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function storeCookies(jar: Map<string, string>, setCookies: string[]): void {
  for (const header of setCookies) {
    const [pair = '', ...attributes] = header.split(';');
    const separator = pair.indexOf('=');
    if (separator < 1) continue;
    const name = pair.slice(0, separator).trim();
    const value = pair.slice(separator + 1).trim();
    const expired = attributes.some((attribute) => {
      const [key = '', raw = ''] = attribute.split('=');
      const k = key.trim().toLowerCase();
      return (k === 'expires' && Date.parse(raw) <= Date.now()) || (k === 'max-age' && Number(raw) <= 0);
    });
    // Paths are ignored: every cookie of this one-host provider is sent everywhere, which it tolerates.
    if (expired || value === '') jar.delete(name);
    else jar.set(name, value);
  }
}

function stripQuery(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
