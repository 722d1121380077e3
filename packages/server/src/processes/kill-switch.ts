/**
 * Fault injection for the crash tests: with `TOKOBAPAK_TEST_KILL_AT=<plugin>.<process>.<step>:<before|after>`
 * the server kills itself (SIGKILL: no clean-up runs, as in a power cut) just before that step's action,
 * or just after it returned and before its outcome is stored. The variable is read once, when the
 * server's code loads (the crash tests set it on the process they start): `process.env` is a call
 * into the C++ side on every read, and this runs twice per step of every process.
 */
const KILL_AT = process.env.TOKOBAPAK_TEST_KILL_AT;
const NOT_HERE = Promise.resolve();

export function killSwitch(where: string): Promise<void> {
  if (KILL_AT !== where) return NOT_HERE;
  process.kill(process.pid, 'SIGKILL');
  // The signal ends the process; nothing after this point may run meanwhile.
  return new Promise(() => undefined);
}
