import { CliError } from './errors.js';

/**
 * A flag's value (or its variable's) that must be one of a fixed list, checked before the API would
 * refuse it less helpfully: undefined stays undefined, a value off the list names the flag, its
 * variable and the list.
 */
export function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], variable: { flag: string; name: string }): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new CliError('CLI_INVALID_VALUE', `${variable.flag.split(' ')[0]} / ${variable.name} must be one of ${allowed.join(', ')}, got "${value}"`);
}
