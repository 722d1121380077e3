import { Box, Text } from 'ink';
import type { ScaffoldResult } from '../services/scaffold.js';
import { dependencySource, nextSteps } from './next-steps.js';

/** Props of {@link ScaffoldView}. */
export interface ScaffoldViewProps {
  result: ScaffoldResult;
  /** The folder the user ran the command from (the `cd` step is relative to it). */
  cwd: string;
}

/** `tokobapak new` on a terminal: what was written and what to run next. */
export function ScaffoldView({ result, cwd }: ScaffoldViewProps) {
  return (
    <Box flexDirection="column" gap={1}>
      <Text>
        <Text color="green">✔</Text> Created <Text bold>{result.storeName}</Text> in {result.dir}
      </Text>
      <Box flexDirection="column" paddingLeft={2}>
        {result.files.map((file) => (
          <Text key={file} dimColor>
            {file}
          </Text>
        ))}
      </Box>
      <Text dimColor>{dependencySource(result)}</Text>
      <Box flexDirection="column">
        <Text bold>Next:</Text>
        {nextSteps(result, cwd).map((step) => (
          <Text key={step} color="cyan">
            {'  '}
            {step}
          </Text>
        ))}
      </Box>
    </Box>
  );
}
