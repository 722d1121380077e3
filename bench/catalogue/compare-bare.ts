/**
 * The list page against its baseline (`bare-server.ts`) in the same run: rounds of one measured
 * run each, alternating which server goes first, so that whatever else the shared machine is doing
 * falls on both. The figure is the ratio of each round, with the spread over the rounds.
 */
import { runScenario, type ScenarioResult } from '../load.js';
import type { Scenario } from '../scenarios/scenario.js';
import { type CatalogueServer, type CatalogueServerLaunch, startBareServer } from './server-process.js';

export interface BareRound {
  round: number;
  ours: ScenarioResult;
  bare: ScenarioResult;
  /** ours req/s ÷ bare req/s. */
  ratio: number;
}

export interface BareComparison {
  rounds: BareRound[];
  ratio: { min: number; median: number; max: number };
}

interface Load {
  connections: number;
  duration: number;
  warmup: number;
  quietWait: number;
}

export async function compareWithBare(
  ours: CatalogueServer,
  launch: CatalogueServerLaunch,
  scenario: Scenario,
  load: Load,
  rounds: number,
  log: (message: string) => void,
): Promise<BareComparison> {
  const bare = await startBareServer(launch);
  const results: BareRound[] = [];
  try {
    const run = (server: CatalogueServer) => runScenario(scenario, { ...load, url: server.url, serverPid: server.pid, attempts: 1 });
    for (let round = 1; round <= Math.max(3, rounds); round++) {
      // Odd rounds measure ours first, even rounds the baseline first.
      const [first, second] = round % 2 === 1 ? [ours, bare] : [bare, ours];
      const a = await run(first);
      const b = await run(second);
      const [mine, theirs] = first === ours ? [a, b] : [b, a];
      const ratio = mine.requestsPerSecond / theirs.requestsPerSecond;
      log(
        `list-page-vs-bare round ${round}: ours ${mine.requestsPerSecond.toFixed(0)} req/s (p99 ${mine.latencyMs.p99} ms), bare ${theirs.requestsPerSecond.toFixed(0)} req/s (p99 ${theirs.latencyMs.p99} ms): ${ratio.toFixed(2)}×; other work ${mine.otherCores.toFixed(2)} / ${theirs.otherCores.toFixed(2)} cores`,
      );
      results.push({ round, ours: mine, bare: theirs, ratio });
    }
  } finally {
    await bare.stop();
  }
  const sorted = results.map((round) => round.ratio).sort((x, y) => x - y);
  const median =
    sorted.length % 2 ? (sorted[(sorted.length - 1) / 2] as number) : ((sorted[sorted.length / 2 - 1] as number) + (sorted[sorted.length / 2] as number)) / 2;
  return { rounds: results, ratio: { min: sorted[0] as number, median, max: sorted[sorted.length - 1] as number } };
}
