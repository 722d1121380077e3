import { readFileSync } from 'node:fs';
import { checkoutOnce, type JsonConnection, type Shelf } from './shopper.js';

/**
 * Nanoseconds the server's main thread (the event loop, which bounds throughput) has run on a CPU,
 * from `/proc/<pid>/schedstat`: exact, where `/proc/<pid>/stat` counts 10 ms ticks.
 */
function mainThreadCpuNs(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[0]);
}

/** Lets the work a request set off after answering (events, their consumers, durable steps) finish, so it counts against that request. */
const AFTERMATH_MS = 60;

/**
 * The server's CPU per request of a checkout: one shopper checks out `count` times, one request at a
 * time, and after each answer the bench waits for the work it set off to finish before reading the
 * server's CPU. Nothing else runs, so each step's figure is what that step costs the store, its
 * aftermath included (paying includes the settlement the events drive). Means per step, in ms.
 */
export async function costByRequest(
  connection: JsonConnection,
  shelf: Shelf,
  pid: number,
  count: number,
  nextHeaders: () => Record<string, string>,
): Promise<Map<string, number[]>> {
  const costs = new Map<string, number[]>();
  for (let turn = 0; turn < count; turn++) {
    connection.headers = nextHeaders();
    // What the store does with no request at all in the same wait (its relay's and jobs' polling), to read the steps against.
    const idleFrom = mainThreadCpuNs(pid);
    await new Promise((resolve) => setTimeout(resolve, AFTERMATH_MS));
    const idle = costs.get('(nothing, same wait)') ?? [];
    idle.push((mainThreadCpuNs(pid) - idleFrom) / 1e6);
    costs.set('(nothing, same wait)', idle);
    let before = mainThreadCpuNs(pid);
    await checkoutOnce(connection, shelf, turn, { waitSeconds: 10, pollMs: 200 }, 30_000, async (step) => {
      await new Promise((resolve) => setTimeout(resolve, AFTERMATH_MS));
      const now = mainThreadCpuNs(pid);
      const list = costs.get(step) ?? [];
      list.push((now - before) / 1e6);
      costs.set(step, list);
      before = mainThreadCpuNs(pid);
    });
  }
  return costs;
}
