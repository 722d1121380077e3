import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

// One PGlite cold start (~3 s) for the whole run; every test file loads this dump (~0.7 s).
export default async function setup(): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'tokobapak-snapshot-'));
  const file = join(dir, 'empty-cluster.tar.gz');
  const pglite = await PGlite.create();
  const dump = await pglite.dumpDataDir('gzip');
  await writeFile(file, Buffer.from(await dump.arrayBuffer()));
  await pglite.close();
  process.env.TOKOBAPAK_PGLITE_SNAPSHOT = file;
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}
