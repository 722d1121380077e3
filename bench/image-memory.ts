/**
 * `pnpm bench:image-memory`: the resident memory of a store process while it takes hostile images
 * (issue 8, item 3). Eight uploads of a progressive JPEG (12000×12000 by default: 845 KB that
 * decode to 432 MB) and 32 anonymous preview requests (every preset of every image, at once), against
 * a server in its own process on PGlite, whose RSS is sampled every 100 ms. Prints one JSON line:
 * the peak and final RSS, and what the requests answered.
 *
 *   pnpm bench:image-memory                                  # defaults: the 12000×12000 JPEGs are refused
 *   pnpm bench:image-memory --width 8660 --height 5773       # the largest image the defaults accept
 *   pnpm bench:image-memory --max-pixels 144000000           # a store that raised maxPixels to take them
 *
 * Runs itself as the server too (`--serve`), so the server holds nothing but image-proxy.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sampleRss } from './rss.js';

const CONDITION = '--conditions=development';
const STORE = 'sto_01jd2x7k9q3m4n5p6r7s8t9v0a';
const PRESETS = ['thumb', 'card', 'detail', 'og'];

const { values } = parseArgs({
  options: {
    serve: { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
    'max-pixels': { type: 'string' },
    width: { type: 'string', default: '12000' },
    height: { type: 'string', default: '12000' },
    images: { type: 'string', default: '8' },
  },
});

if (!process.execArgv.includes(CONDITION)) {
  // Workspace packages are read from their sources (the `development` condition), as in bench/run.ts.
  const child = spawn(process.execPath, [CONDITION, '--import', import.meta.resolve('tsx'), fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exitCode = await new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
} else if (values.serve) {
  await serve();
} else {
  await measure();
}

/** The server side: image-proxy alone, on PGlite, printing its URL and a store session token. */
async function serve(): Promise<void> {
  const { createServer } = await import('@tokobapak/server');
  const { imageProxyPlugin } = await import('@tokobapak/plugin-image-proxy');
  const dataDir = values['data-dir'] as string;
  const server = await createServer({
    plugins: [imageProxyPlugin({ blobDir: join(dataDir, 'blobs'), ...(values['max-pixels'] ? { maxPixels: Number(values['max-pixels']) } : {}) })],
    database: { dataDir: join(dataDir, 'db') },
    logLevel: 'warn',
  });
  const url = await server.listen({ port: 0, host: '127.0.0.1' });
  const token = server.tokens.signAccessToken({
    userId: 'usr_01jd2x7k9q3m4n5p6r7s8t9v0w',
    role: 'customer',
    sessionId: `ses_${'0'.repeat(26)}`,
    storeId: STORE,
    storeRole: 'owner',
  });
  // Start-up (tsx compiling the sources, migrations on a new PGlite folder) leaves garbage behind:
  // collected here, so that the idle figure is the server's own.
  (globalThis as { gc?: () => void }).gc?.();
  process.stdout.write(`${JSON.stringify({ event: 'listening', url, token })}\n`);
  process.stdin.on('end', () => void server.close().then(() => process.exit(0)));
  process.stdin.resume();
}

/** Starts the server side and waits for its URL and token. */
async function startServing(args: string[]): Promise<{ child: ChildProcess; url: string; token: string }> {
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const { url, token } = await new Promise<{ url: string; token: string }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the server exited (${code})`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const message = JSON.parse(line) as { event?: string; url: string; token: string };
      if (message.event === 'listening') resolve(message);
    });
  });
  return { child, url, token };
}

/** One HTTP request with no client-side timeout (renders of huge originals wait their turn for minutes). */
function send(method: string, url: string, headers: Record<string, string>, body?: Buffer): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function measure(): Promise<void> {
  const sharp = (await import('sharp')).default;
  const width = Number(values.width);
  const height = Number(values.height);
  const count = Number(values.images);
  // A flat colour with a gradient overlay compresses like the file (845 KB at 12000×12000).
  const jpeg = await sharp({ create: { width, height, channels: 3, background: { r: 200, g: 120, b: 40 } } })
    .jpeg({ progressive: true, quality: 80 })
    .toBuffer();

  const dir = await mkdtemp(join(tmpdir(), 'tokobapak-image-memory-'));
  const serverArgs = ['--expose-gc', CONDITION, '--import', import.meta.resolve('tsx'), fileURLToPath(import.meta.url), '--serve', '--data-dir', dir];
  if (values['max-pixels']) serverArgs.push('--max-pixels', values['max-pixels']);
  // A store's first start creates its PGlite cluster, which leaves hundreds of MiB resident
  // (docs/performance.md, "Embedded memory"); the measured process is a restart, as in production.
  const first = await startServing(serverArgs);
  first.child.stdin?.end();
  await new Promise((resolve) => first.child.once('exit', resolve));
  const { child, url, token } = await startServing(serverArgs);
  try {
    const pid = child.pid as number;
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const before = await sampleRss(pid, 100).stop();

    const sampler = sampleRss(pid, 100);
    const started = performance.now();
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(jpeg)], { type: 'image/jpeg' }), 'bomb.jpg');
    const encoded = new Response(form);
    const multipart = { body: Buffer.from(await encoded.arrayBuffer()), type: encoded.headers.get('content-type') ?? '' };
    const uploads = await Promise.all(
      Array.from({ length: count }, async () => {
        const response = await send('POST', `${url}/image-proxy/images`, { authorization: `Bearer ${token}`, 'content-type': multipart.type }, multipart.body);
        const body = JSON.parse(response.body.toString()) as { id?: string; code?: string };
        return { status: response.status, id: body.id, code: body.code };
      }),
    );
    // Previews of every image (a placeholder id for a refused one, which must answer 404).
    const ids = uploads.map((upload, index) => upload.id ?? `img_${String(index).padStart(26, '0')}`);
    const previews = await Promise.all(
      ids.flatMap((id) =>
        PRESETS.map(async (preset) => {
          const response = await send('GET', `${url}/image-proxy/images/${id}/variants/${preset}`, {});
          return response.status === 200 ? '200' : `${response.status} ${(JSON.parse(response.body.toString()) as { code?: string }).code}`;
        }),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const during = await sampler.stop();
    const tally = (answers: string[]) => Object.fromEntries([...new Set(answers)].map((answer) => [answer, answers.filter((a) => a === answer).length]));
    process.stdout.write(
      `${JSON.stringify({
        image: { width, height, bytes: jpeg.length, progressive: true },
        maxPixels: values['max-pixels'] ? Number(values['max-pixels']) : 'default',
        uploads: tally(uploads.map((upload) => (upload.status === 201 ? '201' : `${upload.status} ${upload.code}`))),
        previews: tally(previews),
        seconds: Math.round(seconds * 10) / 10,
        rssMiB: { idle: Math.round(before.lastMiB), peak: Math.round(during.maxMiB), after: Math.round(during.lastMiB) },
      })}\n`,
    );
  } finally {
    child.stdin?.end();
    await new Promise((resolve) => child.once('exit', resolve));
    await rm(dir, { recursive: true, force: true });
  }
}
