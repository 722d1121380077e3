import { Box, render, Text } from 'ink';
import type { OutputStream } from '../services/cli-context.js';
import type { ImportSummary, ImportProgress as Progress } from '../services/products-import.js';
import type { RowIssue } from '../services/products-rows.js';
import type { OutputMode, Presentation } from './output.js';
import { writeLines } from './output.js';

const WIDTH = 30;

/** Props of {@link ImportProgressBar}. */
export interface ImportProgressBarProps {
  file: string;
  progress: Progress | undefined;
}

/** A bar filling up as batches are sent, then "committing…" while the server applies them. */
export function ImportProgressBar({ file, progress }: ImportProgressBarProps) {
  const ratio = progress && progress.total > 0 ? progress.done / progress.total : 0;
  const filled = Math.round(ratio * WIDTH);
  return (
    <Text>
      Importing {file} <Text color="green">{'█'.repeat(filled)}</Text>
      <Text color="gray">{'░'.repeat(WIDTH - filled)}</Text> {label(progress)}
    </Text>
  );
}

function label(progress: Progress | undefined): string {
  if (!progress) return 'checking rows';
  if (progress.phase === 'committing') return `${progress.total} products sent, committing…`;
  return `${progress.done}/${progress.total} products sent`;
}

/** Shows progress: a live bar on a terminal, a line per batch in plain mode, nothing with `--json`. */
export interface ImportReporter {
  update(progress: Progress): void;
  close(): void;
}

/** Creates the reporter for an output mode. */
export function createImportReporter(mode: OutputMode, stdout: OutputStream, file: string): ImportReporter {
  if (mode === 'json') return { update() {}, close() {} };
  if (mode === 'plain') {
    return {
      update: (progress) =>
        writeLines(stdout, [
          progress.phase === 'committing'
            ? `Committing ${progress.total} products…`
            : `Batch ${progress.batch}/${progress.batches}: ${progress.done} of ${progress.total} products sent`,
        ]),
      close() {},
    };
  }
  const instance = render(<ImportProgressBar file={file} progress={undefined} />, {
    stdout: stdout as NodeJS.WriteStream,
    patchConsole: false,
    exitOnCtrlC: false,
  });
  return {
    update: (progress) => instance.rerender(<ImportProgressBar file={file} progress={progress} />),
    close() {
      instance.clear();
      instance.unmount();
    },
  };
}

function where(issue: RowIssue): string {
  return `row ${issue.row}${issue.handle ? ` (${issue.handle})` : ''}${issue.field ? ` ${issue.field}` : ''}`;
}

/** The summary's lines: counts, then one line per rejected row. */
export function importSummaryText(summary: ImportSummary): string[] {
  const lines = [`${summary.file}: ${summary.created} created, ${summary.updated} updated, ${summary.rejected.length} rejected`];
  for (const issue of summary.rejected) lines.push(`  ${where(issue)}: ${issue.message}`);
  if (!summary.imported) lines.push('Nothing was imported. Fix the rows above, or pass --valid-only to import the others.');
  return lines;
}

/** `tokobapak products import` on a terminal. */
export function ImportSummaryView({ summary }: { summary: ImportSummary }) {
  return (
    <Box flexDirection="column">
      <Text>
        {summary.file}: <Text color="green">{summary.created} created</Text>, <Text color="cyan">{summary.updated} updated</Text>,{' '}
        <Text color={summary.rejected.length > 0 ? 'red' : undefined}>{summary.rejected.length} rejected</Text>
      </Text>
      {summary.rejected.map((issue) => (
        <Text key={`${issue.row}:${issue.field}:${issue.message}`}>
          {'  '}
          <Text bold>{where(issue)}</Text>: {issue.message}
        </Text>
      ))}
      {summary.imported ? null : <Text color="yellow">Nothing was imported. Fix the rows above, or pass --valid-only to import the others.</Text>}
    </Box>
  );
}

/** `tokobapak products import`. */
export function importSummaryPresentation(summary: ImportSummary): Presentation {
  return {
    json: () => summary,
    plain: () => importSummaryText(summary),
    tty: () => <ImportSummaryView summary={summary} />,
  };
}
