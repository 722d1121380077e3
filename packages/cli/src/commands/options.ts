import { Option } from 'commander';
import type { EnvVar } from '../services/environment.js';
import { flagVariables } from '../services/environment.js';

/** A commander option for a flag of the environment table; its help names the variable. */
export function envOption(variable: EnvVar & { flag: string }): Option {
  return new Option(variable.flag, `${variable.description} [env: ${variable.name}]`);
}

/** The store flags shared by `start` and `migrate`. */
export const storeOptions = {
  services: () => envOption(flagVariables.services),
  data: () => envOption(flagVariables.data),
  config: () => envOption(flagVariables.config),
  json: () => envOption(flagVariables.json),
};
