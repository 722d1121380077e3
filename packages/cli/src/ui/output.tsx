import { render, renderToString, Text } from 'ink';
import Spinner from 'ink-spinner';
import type { ReactElement } from 'react';
import type { OutputStream } from '../services/cli-context.js';
import type { Env } from '../services/settings.js';

/** How a command prints: one JSON document, ink on a terminal, or plain lines. */
export type OutputMode = 'json' | 'tty' | 'plain';

/**
 * `--json` wins; otherwise ink on a terminal and plain lines for pipes, files, dumb terminals and
 * terminals that report no width (a bare pty), where ink would wrap after every character.
 */
export function outputMode(json: boolean, stdout: OutputStream, env: Env): OutputMode {
  if (json) return 'json';
  return stdout.isTTY && env.TERM !== 'dumb' && (stdout.columns ?? 0) > 0 ? 'tty' : 'plain';
}

/** Prints one JSON document on one line (easy to read line by line from a child process). */
export function writeJson(stdout: OutputStream, value: unknown): void {
  stdout.write(`${JSON.stringify(value)}\n`);
}

/** Prints lines. */
export function writeLines(stdout: OutputStream, lines: string[]): void {
  stdout.write(lines.map((line) => `${line}\n`).join(''));
}

/** Prints an ink element once, at the terminal's width. */
export function writeInk(stdout: OutputStream, element: ReactElement): void {
  stdout.write(`${renderToString(element, { columns: stdout.columns || 80 })}\n`);
}

/** The same view in the three modes: a value for `--json`, lines for pipes, an element for terminals. */
export interface Presentation {
  json: () => unknown;
  plain: () => string[];
  tty: () => ReactElement;
}

/** Prints a presentation in the given mode. */
export function present(mode: OutputMode, stdout: OutputStream, presentation: Presentation): void {
  if (mode === 'json') writeJson(stdout, presentation.json());
  else if (mode === 'plain') writeLines(stdout, presentation.plain());
  else writeInk(stdout, presentation.tty());
}

/** Runs `work` behind a spinner on a terminal; silently elsewhere (the result is printed after). */
export async function withSpinner<T>(mode: OutputMode, stdout: OutputStream, label: string, work: () => Promise<T>): Promise<T> {
  if (mode !== 'tty') return work();
  const instance = render(
    <Text>
      <Text color="cyan">
        <Spinner type="dots" />
      </Text>{' '}
      {label}
    </Text>,
    { stdout: stdout as NodeJS.WriteStream, patchConsole: false, exitOnCtrlC: false },
  );
  try {
    return await work();
  } finally {
    instance.clear();
    instance.unmount();
  }
}
