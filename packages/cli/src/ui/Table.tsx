import { Box, Text } from 'ink';
import type { Column } from './columns.js';

/** Props of {@link Table}. */
export interface TableProps<Row> {
  columns: Array<Column<Row>>;
  rows: Row[];
}

/** Rows under a bold header, each column as wide as its widest cell. */
export function Table<Row>({ columns, rows }: TableProps<Row>) {
  const cells = rows.map((row) => columns.map((column) => column.value(row)));
  const widths = columns.map((column, i) => Math.max(column.title.length, ...cells.map((line) => (line[i] ?? '').length)));
  // The last column is not padded: trailing spaces would only make lines wrap early.
  const pad = (value: string, i: number): string =>
    columns[i]?.alignRight ? value.padStart(widths[i] ?? 0) : i === columns.length - 1 ? value : value.padEnd(widths[i] ?? 0);
  return (
    <Box flexDirection="column">
      <Box gap={2}>
        {columns.map((column, i) => (
          <Text key={column.title} bold>
            {pad(column.title, i)}
          </Text>
        ))}
      </Box>
      {rows.map((row, r) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity beyond their position
        <Box key={r} gap={2}>
          {columns.map((column, i) => (
            <Text key={column.title} color={column.color?.(row)} wrap="truncate-end">
              {pad(cells[r]?.[i] ?? '', i)}
            </Text>
          ))}
        </Box>
      ))}
    </Box>
  );
}
