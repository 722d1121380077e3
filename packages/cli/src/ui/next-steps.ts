import { relative } from 'node:path';
import type { ScaffoldResult } from '../services/scaffold.js';

/** The commands to run after `tokobapak new`, from the folder the user is in. */
export function nextSteps(result: ScaffoldResult, cwd: string): string[] {
  const dir = relative(cwd, result.dir) || '.';
  const steps = dir === '.' ? [] : [`cd ${dir.includes(' ') ? JSON.stringify(dir) : dir}`];
  steps.push('npm install', 'npm start');
  return steps;
}

/** Where the new store's dependencies come from, in one line. */
export function dependencySource(result: ScaffoldResult): string {
  return result.linkedWorkspace
    ? `Dependencies are packed from the checkout at ${result.linkedWorkspace} into vendor/`
    : 'Dependencies use the published packages';
}
