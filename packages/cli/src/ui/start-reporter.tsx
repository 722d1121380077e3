import { render } from 'ink';
import type { OutputStream } from '../services/cli-context.js';
import type { StartState } from '../services/start.js';
import type { OutputMode } from './output.js';
import { writeJson, writeLines } from './output.js';
import { startText } from './plain-text.js';
import { StartView } from './StartView.js';

/** Shows the phases of `tokobapak start`. */
export interface StartReporter {
  update(state: StartState): void;
  /** Releases the terminal (after the last phase, or on failure). */
  close(): void;
}

/**
 * A live ink view on a terminal; one line per fact in plain mode; with `--json`, one document when
 * the store is ready (`{ url, docsUrl, services, ... }`) and nothing else, so a script can read the
 * first line of output and go.
 */
export function createStartReporter(mode: OutputMode, stdout: OutputStream): StartReporter {
  if (mode === 'json') {
    return {
      update(state) {
        if (state.phase === 'ready') {
          const { phase: _phase, ...ready } = state;
          writeJson(stdout, ready);
        }
      },
      close() {},
    };
  }
  if (mode === 'plain') {
    return { update: (state) => writeLines(stdout, startText(state)), close() {} };
  }
  let instance: ReturnType<typeof render> | undefined;
  let ready: Extract<StartState, { phase: 'ready' }> | undefined;
  return {
    update(state) {
      if (state.phase === 'ready') ready = state;
      const view = <StartView state={state} ready={ready} />;
      if (instance) instance.rerender(view);
      else instance = render(view, { stdout: stdout as NodeJS.WriteStream, patchConsole: false, exitOnCtrlC: false });
    },
    close() {
      instance?.unmount();
      instance = undefined;
    },
  };
}
