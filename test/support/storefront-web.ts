import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The part of Vite's API used here (Vite is the example's dependency, so its types are not the root's). */
interface ViteApi {
  build(config: object): Promise<unknown>;
  preview(config: object): Promise<{ resolvedUrls: { local: string[] } | null; close(): Promise<void> }>;
}

/** The web storefront example's folder. */
export const STOREFRONT_WEB = resolve(import.meta.dirname, '../../examples/storefront-web');

/**
 * Builds examples/storefront-web with its own Vite (as `pnpm bundle` there does, into a temporary
 * folder) and serves the result with `vite preview` on a free port: the page as it would be deployed.
 */
export async function serveStorefrontWeb(): Promise<{ url: string; close(): Promise<void> }> {
  // Vite is the example's dependency, not the repository's: load the copy its package resolves.
  const entry = createRequire(join(STOREFRONT_WEB, 'package.json')).resolve('vite');
  const vite = (await import(pathToFileURL(entry).href)) as ViteApi;
  const outDir = await mkdtemp(join(tmpdir(), 'tokobapak-storefront-web-'));
  const config = { root: STOREFRONT_WEB, configFile: false as const, logLevel: 'silent' as const, build: { outDir, emptyOutDir: true } };
  await vite.build(config);
  const server = await vite.preview({ ...config, preview: { host: '127.0.0.1', port: 0, strictPort: true } });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not say where it listens');
  return {
    url,
    async close() {
      await server.close();
      await rm(outDir, { recursive: true, force: true });
    },
  };
}
