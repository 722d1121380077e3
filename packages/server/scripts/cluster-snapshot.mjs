// Run by tsup after each build of @tokobapak/server: writes dist/pglite-cluster.tar.gz, an empty
// PGlite cluster straight after initdb. A store's first start loads it instead of running initdb,
// which holds a second PostgreSQL instance and the initdb program in memory at once (about
// 450 MiB more at the peak; docs/performance.md, "Embedded memory").
import { writeFile } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';

const pglite = await PGlite.create();
const dump = await pglite.dumpDataDir('gzip');
await pglite.close();
await writeFile(new URL('../dist/pglite-cluster.tar.gz', import.meta.url), Buffer.from(await dump.arrayBuffer()));
