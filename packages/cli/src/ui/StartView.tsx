import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import type { StartState } from '../services/start.js';

/** `tokobapak start` on a terminal, redrawn at each phase. */
export function StartView({ state }: { state: StartState }) {
  switch (state.phase) {
    case 'starting':
      return (
        <Text>
          <Text color="cyan">
            <Spinner type="dots" />
          </Text>{' '}
          Starting {state.services.join(', ')} <Text dimColor>({state.database})</Text>
        </Text>
      );
    case 'ready':
      return (
        <Box flexDirection="column">
          <Text>
            <Text color="green">●</Text> Store <Text bold>{state.url}</Text>
          </Text>
          <Line label="API reference" value={state.docsUrl} />
          <Line label="Services" value={state.services.join(', ')} />
          {Object.entries(state.remoteServices).map(([service, url]) => (
            <Line key={service} label={`Remote ${service}`} value={url} />
          ))}
          <Line label="Database" value={state.database} />
          {state.demo?.skipped ? <Line label="Demo data" value={`skipped: ${state.demo.skipped}`} /> : null}
          {state.demo?.users.map((user) => (
            <Line key={user.email} label={`Demo ${user.role}`} value={`${user.email} / ${user.password}`} note={user.status} />
          ))}
          <Text dimColor>Press Ctrl+C to stop.</Text>
        </Box>
      );
    case 'stopping':
      return (
        <Text>
          <Text color="yellow">
            <Spinner type="dots" />
          </Text>{' '}
          Stopping ({state.signal})
        </Text>
      );
    case 'stopped':
      return <Text dimColor>Stopped.</Text>;
  }
}

function Line({ label, value, note }: { label: string; value: string; note?: string }) {
  return (
    <Text>
      {'  '}
      <Text dimColor>{label.padEnd(15)}</Text>
      {value}
      {note ? <Text dimColor> ({note})</Text> : null}
    </Text>
  );
}
