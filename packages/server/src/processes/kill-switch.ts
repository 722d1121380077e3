/**
 * Fault injection for the crash tests: with `TOKOBAPAK_TEST_KILL_AT=<plugin>.<process>.<step>:<before|after>`
 * the server kills itself (SIGKILL: no clean-up runs, as in a power cut) just before that step's action,
 * or just after it returned and before its outcome is stored. Unset, it costs one lookup per step.
 */
export async function killSwitch(where: string): Promise<void> {
  if (process.env.TOKOBAPAK_TEST_KILL_AT !== where) return;
  process.kill(process.pid, 'SIGKILL');
  // The signal ends the process; nothing after this point may run meanwhile.
  await new Promise(() => undefined);
}
