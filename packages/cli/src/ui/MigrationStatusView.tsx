import { Box, Text } from 'ink';
import type { MigrationStatusRow } from '../services/migrate.js';
import { migrationStatusColumns } from './columns.js';
import { Table } from './Table.js';

/** `tokobapak migrate status` on a terminal. */
export function MigrationStatusView({ rows }: { rows: MigrationStatusRow[] }) {
  if (rows.length === 0) return <Text>No migrations.</Text>;
  const pending = rows.filter((row) => !row.executedAt).length;
  return (
    <Box flexDirection="column" gap={1}>
      <Table columns={migrationStatusColumns} rows={rows} />
      <Text>
        <Text color="green">{rows.length - pending} executed</Text>, <Text color={pending > 0 ? 'yellow' : undefined}>{pending} pending</Text>
      </Text>
    </Box>
  );
}
