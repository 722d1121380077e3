import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { buildProgram, cliErrors } from '../src/index.js';
import { createContext } from '../src/services/cli-context.js';
import { flagVariables, otherVariables, variableForFlag } from '../src/services/environment.js';

const docs = readFileSync(resolve(import.meta.dirname, '../../../docs/cli.md'), 'utf8');

describe('docs/cli.md and the code agree', () => {
  test('every error code is documented, and no documented code is stale', () => {
    const documented = new Set(docs.match(/\bCLI_[A-Z_]+\b/g));
    expect([...documented].sort()).toEqual(Object.keys(cliErrors).sort());
  });

  test('every environment variable is documented', () => {
    for (const variable of [...Object.values(flagVariables), ...otherVariables]) expect(docs).toContain(`\`${variable.name}\``);
  });

  test('every flag of every command names its TOKOBAPAK_* variable in --help', () => {
    const program = buildProgram(createContext());
    for (const command of program.commands) {
      for (const option of command.options) {
        if (!option.long || option.long === '--help') continue;
        expect(option.description, `${command.name()} ${option.long}`).toContain(`[env: ${variableForFlag(option.long)}`);
      }
    }
  });
});
