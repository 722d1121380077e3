import { Box, Text } from 'ink';
import type { MigrationDirection, MigrationReport } from '../services/migrate.js';
import { migrationResultColumns } from './columns.js';
import { Table } from './Table.js';

/** Props of {@link MigrationReportView}. */
export interface MigrationReportViewProps {
  direction: MigrationDirection;
  report: MigrationReport;
}

/** `tokobapak migrate up|down` on a terminal. */
export function MigrationReportView({ direction, report }: MigrationReportViewProps) {
  return (
    <Box flexDirection="column" gap={1}>
      {report.results.length === 0 ? (
        <Text>{direction === 'up' ? 'No pending migrations.' : 'Nothing to revert.'}</Text>
      ) : (
        <Table columns={migrationResultColumns} rows={report.results} />
      )}
      {report.error ? <Text color="red">Migration failed: {report.error}</Text> : null}
    </Box>
  );
}
