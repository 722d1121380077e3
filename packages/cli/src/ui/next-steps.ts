import { relative } from 'node:path';
import type { ScaffoldResult } from '../services/scaffold.js';

/** The commands to run after `tokobapak new`, from the folder the user is in. */
export function nextSteps(result: ScaffoldResult, cwd: string): string[] {
  const dir = relative(cwd, result.dir) || '.';
  const steps = dir === '.' ? [] : [`cd ${dir.includes(' ') ? JSON.stringify(dir) : dir}`];
  if (result.linkedWorkspace) steps.push(`(cd ${result.linkedWorkspace} && pnpm build)   # the linked packages run from dist/`);
  steps.push('npm install', 'npm start');
  return steps;
}
