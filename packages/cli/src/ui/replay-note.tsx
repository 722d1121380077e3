import { Box, Text } from 'ink';
import type { Presentation } from './output.js';

// A command run again with the same --idempotency-key did nothing again: the store answered the
// first run's result as it was then. Saying so keeps a person from thinking it happened twice.

const NOTE = "Replayed: this idempotency key was used before, so nothing was done again; this is the first run's answer.";

/** `presentation` with `replayed` in its JSON, and a note under it when the server replayed the answer. */
export function withReplayNote(presentation: Presentation, replayed: boolean): Presentation {
  return {
    json: () => ({ ...(presentation.json() as object), replayed }),
    plain: () => [...presentation.plain(), ...(replayed ? [NOTE] : [])],
    tty: () => (
      <Box flexDirection="column">
        {presentation.tty()}
        {replayed ? <Text dimColor>{NOTE}</Text> : null}
      </Box>
    ),
  };
}
