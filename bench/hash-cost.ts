import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

/**
 * The Argon2id cost the auth plugin uses by default (OWASP's minimum: 19 MiB, 2 passes, 1 lane).
 * The bench store runs `authPlugin()` without options, so this is the cost every login pays.
 */
export const DEFAULT_ARGON2_COST = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** What one password verification costs on this machine, and the sign-in rate that allows. */
export interface HashCost {
  params: string;
  /** Median wall time of one verification, alone on an idle machine. */
  verifyMs: number;
  /** Verifications per second with `concurrency` running at once (libuv's thread pool), nothing else running. */
  verifiesPerSecond: number;
  concurrency: number;
}

interface Argon2 {
  hash(password: string, options: Record<string, number>): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

/**
 * Measures Argon2id verification with the same library the auth plugin loads (resolved from its
 * package, so no second copy is installed): the ceiling a login benchmark can approach.
 */
export async function measureHashCost(seconds = 3): Promise<HashCost> {
  const authEntry = fileURLToPath(import.meta.resolve('@tokobapak/plugin-auth'));
  const argon2 = createRequire(authEntry)('@node-rs/argon2') as Argon2;
  const options = { ...DEFAULT_ARGON2_COST, algorithm: 2 /* Argon2id */ };
  const stored = await argon2.hash('Rahasia-bench-cost-1!', options);

  const single: number[] = [];
  for (let i = 0; i < 7; i++) {
    const started = performance.now();
    await argon2.verify(stored, 'Rahasia-bench-cost-1!');
    single.push(performance.now() - started);
  }
  single.sort((a, b) => a - b);

  const concurrency = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
  let done = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        await argon2.verify(stored, 'Rahasia-bench-cost-1!');
        done++;
      }
    }),
  );
  return {
    params: `argon2id m=${DEFAULT_ARGON2_COST.memoryCost} KiB, t=${DEFAULT_ARGON2_COST.timeCost}, p=${DEFAULT_ARGON2_COST.parallelism}`,
    verifyMs: single[Math.floor(single.length / 2)] as number,
    verifiesPerSecond: done / ((performance.now() - started) / 1000),
    concurrency,
  };
}
