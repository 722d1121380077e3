import { Box, Text } from 'ink';
import type { Presentation } from './output.js';

/** One "label  value" line of a record. */
export type Field = [label: string, value: string];

/** Aligned "label  value" lines. */
export function fieldLines(fields: Field[]): string[] {
  const width = Math.max(0, ...fields.map(([label]) => label.length));
  return fields.map(([label, value]) => `${label.padEnd(width)}  ${value}`);
}

/** A title line and aligned fields on a terminal. */
export function FieldsView({ title, fields, notes = [] }: { title: string; fields: Field[]; notes?: string[] }) {
  const width = Math.max(0, ...fields.map(([label]) => label.length));
  return (
    <Box flexDirection="column">
      <Text color="green">{title}</Text>
      {fields.map(([label, value]) => (
        <Text key={label}>
          <Text dimColor>{label.padEnd(width)} </Text> {value}
        </Text>
      ))}
      {notes.map((note) => (
        <Text key={note} color="yellow">
          {note}
        </Text>
      ))}
    </Box>
  );
}

/** One result as a record: `json` for `--json`, a title, fields and notes (next steps) otherwise. */
export function recordPresentation(json: unknown, title: string, fields: Field[], notes: string[] = []): Presentation {
  return {
    json: () => json,
    plain: () => [title, ...fieldLines(fields), ...notes],
    tty: () => <FieldsView title={title} fields={fields} notes={notes} />,
  };
}
