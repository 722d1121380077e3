import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_LOG_LEVEL } from '@tokobapak/server';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { CliError } from '../src/index.js';
import { loadStoreConfig } from '../src/services/config-file.js';
import { buildServerConfig, databaseConfig } from '../src/services/server-config.js';
import { resolveStoreSettings, type StoreFlags } from '../src/services/settings.js';
import { tempDir } from './helpers.js';

const builtIn = ['auth', 'user', 'cart'];
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => cleanup());

async function writeConfig(body: string, name = 'tokobapak.config.mjs', folder = dir): Promise<void> {
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, name), body);
}

async function settingsFor(flags: StoreFlags, env: Record<string, string>, configPath?: string) {
  const file = await loadStoreConfig(dir, configPath);
  return resolveStoreSettings({ flags, env, cwd: dir, file, builtIn });
}

describe('precedence: flags > TOKOBAPAK_* env > config file > defaults', () => {
  test('defaults, with no config file', async () => {
    const settings = await settingsFor({}, {});
    expect(settings).toMatchObject({
      services: builtIn,
      port: 4000,
      host: '127.0.0.1',
      database: { kind: 'pglite', dataDir: join(dir, '.tokobapak/data') },
      demo: false,
      logLevel: 'warn',
      remoteServices: {},
      sources: { services: 'default', port: 'default', host: 'default', data: 'default' },
    });
    // The CLI and an embedded server log alike when nobody says otherwise.
    expect(settings.logLevel).toBe(DEFAULT_LOG_LEVEL);
    expect(settings.configPath).toBeUndefined();
  });

  test('the config file beats the defaults', async () => {
    await writeConfig(`export default { services: ['auth'], port: 4100, host: '0.0.0.0', dataDir: 'db', logLevel: 'info' };`);
    const settings = await settingsFor({}, {});
    expect(settings).toMatchObject({
      services: ['auth'],
      port: 4100,
      host: '0.0.0.0',
      database: { kind: 'pglite', dataDir: join(dir, 'db') },
      logLevel: 'info',
      configPath: join(dir, 'tokobapak.config.mjs'),
      sources: { services: 'config', port: 'config', host: 'config', data: 'config' },
    });
  });

  test('env beats the config file', async () => {
    await writeConfig(`export default { services: ['auth'], port: 4100, host: '0.0.0.0', dataDir: 'db' };`);
    const settings = await settingsFor(
      {},
      {
        TOKOBAPAK_SERVICES: 'user, cart',
        TOKOBAPAK_PORT: '4200',
        TOKOBAPAK_HOST: '::1',
        TOKOBAPAK_DATA: 'env-db',
        TOKOBAPAK_DEMO: 'yes',
        TOKOBAPAK_LOG_LEVEL: 'debug',
      },
    );
    expect(settings).toMatchObject({
      services: ['user', 'cart'],
      port: 4200,
      host: '::1',
      database: { kind: 'pglite', dataDir: join(dir, 'env-db') },
      demo: true,
      logLevel: 'debug',
      sources: { services: 'env', port: 'env', host: 'env', data: 'env' },
    });
  });

  test('flags beat env', async () => {
    await writeConfig(`export default { services: ['auth'], port: 4100 };`);
    const settings = await settingsFor(
      { services: 'cart', port: '0', host: 'localhost', data: 'flag-db', demo: true, logLevel: 'silent' },
      { TOKOBAPAK_SERVICES: 'user', TOKOBAPAK_PORT: '4200', TOKOBAPAK_HOST: '::1', TOKOBAPAK_DATA: 'env-db', TOKOBAPAK_DEMO: 'false' },
    );
    expect(settings).toMatchObject({
      services: ['cart'],
      port: 0,
      host: 'localhost',
      database: { kind: 'pglite', dataDir: join(dir, 'flag-db') },
      demo: true,
      logLevel: false,
      sources: { services: 'flag', port: 'flag', host: 'flag', data: 'flag' },
    });
  });

  test('a blank variable counts as unset', async () => {
    await writeConfig(`export default { port: 4100 };`);
    expect((await settingsFor({}, { TOKOBAPAK_PORT: '  ', TOKOBAPAK_SERVICES: '' })).port).toBe(4100);
  });

  test('DATABASE_URL switches to PostgreSQL whatever the data folder says; :memory: keeps nothing', async () => {
    const postgres = await settingsFor({ data: 'ignored' }, { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' });
    expect(postgres.database).toEqual({ kind: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/test' });
    expect((await settingsFor({ data: ':memory:' }, {})).database).toEqual({ kind: 'memory' });
  });

  test('TOKOBAPAK_PG_PREPARED_STATEMENTS=false turns named prepared statements off for poolers', async () => {
    const env = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test', TOKOBAPAK_PG_PREPARED_STATEMENTS: 'false' };
    const settings = await settingsFor({}, env);
    expect(settings.database).toEqual({ kind: 'postgres', url: env.DATABASE_URL, preparedStatements: false });
    expect(databaseConfig(settings.database)).toEqual({ url: env.DATABASE_URL, preparedStatements: false });
    await expect(settingsFor({}, { ...env, TOKOBAPAK_PG_PREPARED_STATEMENTS: 'sometimes' })).rejects.toThrow(CliError);
  });

  test('paths in the config file are relative to the file, paths in flags and env to the working folder', async () => {
    await writeConfig(`export default { dataDir: 'data' };`, 'store.mjs', join(dir, 'conf'));
    expect((await settingsFor({}, {}, 'conf/store.mjs')).database).toEqual({ kind: 'pglite', dataDir: join(dir, 'conf', 'data') });
    expect((await settingsFor({}, { TOKOBAPAK_DATA: 'data' }, 'conf/store.mjs')).database).toEqual({ kind: 'pglite', dataDir: join(dir, 'data') });
  });
});

describe('other store settings', () => {
  test('remote services come from the config file and TOKOBAPAK_<SERVICE>_URL (env wins); local ones are dropped', async () => {
    await writeConfig(`export default { services: ['cart'], remoteServices: { auth: 'http://auth.internal:4001', search: 'http://search:4009' } };`);
    const settings = await settingsFor({}, { TOKOBAPAK_AUTH_URL: 'http://127.0.0.1:4001', TOKOBAPAK_CART_URL: 'http://elsewhere:1' });
    expect(settings.remoteServices).toEqual({ auth: 'http://127.0.0.1:4001', search: 'http://search:4009' });
  });

  test('the remote-call timeout comes from the config file or TOKOBAPAK_REMOTE_SERVICE_TIMEOUT_MS (env wins) and reaches the server', async () => {
    expect(buildServerConfig(await settingsFor({}, {}), []).remoteServiceTimeoutMs).toBeUndefined();
    await writeConfig(`export default { remoteServiceTimeoutMs: 20000 };`);
    const fromFile = await settingsFor({}, {});
    expect(fromFile.serviceOptions).toEqual({});
    expect(buildServerConfig(fromFile, []).remoteServiceTimeoutMs).toBe(20_000);
    expect(buildServerConfig(await settingsFor({}, { TOKOBAPAK_REMOTE_SERVICE_TIMEOUT_MS: '45000' }), []).remoteServiceTimeoutMs).toBe(45_000);
    for (const wrong of ['0', '-5', '30s', '1.5']) {
      await expect(settingsFor({}, { TOKOBAPAK_REMOTE_SERVICE_TIMEOUT_MS: wrong })).rejects.toMatchObject({ code: 'CLI_INVALID_VALUE' });
    }
    // Another file name: a module is imported once per URL.
    await writeConfig(`export default { remoteServiceTimeoutMs: '30s' };`, 'wrong.config.mjs');
    await expect(settingsFor({}, {}, 'wrong.config.mjs')).rejects.toMatchObject({ code: 'CLI_CONFIG_INVALID' });
  });

  test('service options are the config keys named after services; secret, metrics token and public URL come from env', async () => {
    await writeConfig(`export default { port: 4000, auth: { oidcProviders: [] }, cart: { ttl: 5 } };`);
    const settings = await settingsFor({}, { TOKOBAPAK_SECRET: 's3cret', TOKOBAPAK_PUBLIC_URL: 'https://shop.example', TOKOBAPAK_METRICS_TOKEN: 'scrape' });
    expect(settings.serviceOptions).toEqual({ auth: { oidcProviders: [] }, cart: { ttl: 5 } });
    expect(settings).toMatchObject({ secret: 's3cret', publicUrl: 'https://shop.example', metricsToken: 'scrape' });
    expect(buildServerConfig(settings, []).metricsToken).toBe('scrape');
  });

  test('the anonymous rate limit: on by default, TOKOBAPAK_RATE_LIMIT sets or turns it off; TOKOBAPAK_TRUST_PROXY', async () => {
    const quotes = { quoteShippingRates: { max: 120, windowSeconds: 60 }, quoteCartShipping: { max: 120, windowSeconds: 60 } };
    const byDefault = await settingsFor({}, {});
    expect(buildServerConfig(byDefault, []).rateLimit).toEqual({ max: 600, windowSeconds: 60, operations: quotes });
    expect(buildServerConfig(byDefault, []).trustProxy).toBeUndefined();
    const set = await settingsFor({}, { TOKOBAPAK_RATE_LIMIT: '30/10', TOKOBAPAK_TRUST_PROXY: 'true' });
    expect(buildServerConfig(set, [])).toMatchObject({ rateLimit: { max: 30, windowSeconds: 10, operations: quotes }, trustProxy: true });
    expect(buildServerConfig(await settingsFor({}, { TOKOBAPAK_RATE_LIMIT: 'off' }), []).rateLimit).toBe(false);
    for (const wrong of ['600 per minute', '0/60', '10/0', '-1/60']) {
      await expect(settingsFor({}, { TOKOBAPAK_RATE_LIMIT: wrong })).rejects.toMatchObject({ code: 'CLI_INVALID_VALUE' });
    }
  });

  test('mail: variables override the config file; the SMTP URL alone selects smtp', async () => {
    await writeConfig(`export default { mail: { transport: 'file', dir: 'outbox', from: 'Shop <shop@example.com>' } };`);
    expect((await settingsFor({}, {})).mail).toEqual({ transport: 'file', dir: join(dir, 'outbox'), from: 'Shop <shop@example.com>' });
    expect((await settingsFor({}, { TOKOBAPAK_MAIL_TRANSPORT: 'smtp', TOKOBAPAK_SMTP_URL: 'smtp://127.0.0.1:2525' })).mail).toEqual({
      transport: 'smtp',
      url: 'smtp://127.0.0.1:2525',
      from: 'Shop <shop@example.com>',
    });
  });

  test('mail without any setting is left to the server; the file transport defaults beside the data folder', async () => {
    expect((await settingsFor({}, {})).mail).toBeUndefined();
    expect((await settingsFor({ data: 'x/data' }, { TOKOBAPAK_MAIL_FROM: 'a@b.c' })).mail).toEqual({
      transport: 'file',
      dir: join(dir, 'x/mail'),
      from: 'a@b.c',
    });
    expect((await settingsFor({}, { TOKOBAPAK_SMTP_URL: 'smtp://h:25' })).mail).toEqual({ transport: 'smtp', url: 'smtp://h:25' });
  });

  test.each([
    [{ port: 'http' }, {}, '--port <number> must be a port number from 0 to 65535, got "http"'],
    [{}, { TOKOBAPAK_PORT: '70000' }, 'TOKOBAPAK_PORT must be a port number from 0 to 65535, got "70000"'],
    [{}, { TOKOBAPAK_DEMO: 'sure' }, 'TOKOBAPAK_DEMO must be true or false, got "sure"'],

    [{}, { TOKOBAPAK_MAIL_TRANSPORT: 'pigeon' }, 'TOKOBAPAK_MAIL_TRANSPORT must be file, smtp or memory, got "pigeon"'],
    [{}, { TOKOBAPAK_MAIL_TRANSPORT: 'smtp' }, 'The smtp mail transport needs TOKOBAPAK_SMTP_URL (or mail.smtpUrl in the config file)'],
    [{ services: 'user' }, { TOKOBAPAK_AUTH_URL: 'not a url' }, 'The URL of remote service auth is not a URL: not a url'],
  ] as Array<[StoreFlags, Record<string, string>, string]>)('rejects %o %o naming the culprit', async (flags, env, message) => {
    await expect(settingsFor(flags, env)).rejects.toThrow(new CliError('CLI_INVALID_VALUE', message));
  });

  test('unknown services are refused, naming where the list came from', async () => {
    await expect(settingsFor({ services: 'auth,payments' }, {})).rejects.toThrow(
      new CliError('CLI_UNKNOWN_SERVICE', 'Unknown service payments (from --services); built-in services: auth, user, cart'),
    );
    await expect(settingsFor({}, { TOKOBAPAK_SERVICES: 'x,y' })).rejects.toThrow('Unknown services x, y (from TOKOBAPAK_SERVICES)');
    await writeConfig(`export default { services: ['auth', 'nope'] };`);
    await expect(settingsFor({}, {})).rejects.toMatchObject({ code: 'CLI_UNKNOWN_SERVICE', message: expect.stringContaining('(from the config file)') });
  });

  test('config file problems name the file and the key', async () => {
    await expect(settingsFor({}, {}, 'missing.mjs')).rejects.toMatchObject({ code: 'CLI_CONFIG_NOT_FOUND' });
    await writeConfig(`export default { port: '4000' };`);
    await expect(settingsFor({}, {})).rejects.toThrow('tokobapak.config.mjs: `port` must be an integer from 0 to 65535');
    await writeConfig(`export default { services: 'auth' };`, 'b.mjs');
    await expect(settingsFor({}, {}, 'b.mjs')).rejects.toMatchObject({ code: 'CLI_CONFIG_INVALID' });
    await writeConfig(`export const port = 1;`, 'c.mjs');
    await expect(settingsFor({}, {}, 'c.mjs')).rejects.toThrow('has no default export');
    await writeConfig(`export default {`, 'd.mjs');
    await expect(settingsFor({}, {}, 'd.mjs')).rejects.toMatchObject({ code: 'CLI_CONFIG_INVALID' });
  });
});
