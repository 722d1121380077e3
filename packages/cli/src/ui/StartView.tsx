import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import type { StartState } from '../services/start.js';

type ReadyState = Extract<StartState, { phase: 'ready' }>;

/** Props of {@link StartView}. */
export interface StartViewProps {
  state: StartState;
  /** The ready state, kept on screen while stopping so the URLs do not vanish. */
  ready?: ReadyState;
}

/** `tokobapak start` on a terminal, redrawn at each phase. */
export function StartView({ state, ready }: StartViewProps) {
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
          <ReadyPanel state={state} />
          <Text dimColor>Press Ctrl+C to stop.</Text>
        </Box>
      );
    case 'stopping':
      return (
        <Box flexDirection="column">
          {ready ? <ReadyPanel state={ready} /> : null}
          <Text>
            <Text color="yellow">
              <Spinner type="dots" />
            </Text>{' '}
            Stopping ({state.signal})
          </Text>
        </Box>
      );
    case 'stopped':
      return (
        <Box flexDirection="column">
          {ready ? <ReadyPanel state={ready} /> : null}
          <Text dimColor>Stopped.</Text>
        </Box>
      );
  }
}

function ReadyPanel({ state }: { state: ReadyState }) {
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
      {state.demo?.stores?.map((store) => (
        <Line key={store.handle} label="Demo store" value={`${store.handle}, ${store.products} products`} note={store.status} />
      ))}
    </Box>
  );
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
