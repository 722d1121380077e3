import type { MigrationReport, MigrationStatusRow } from '../services/migrate.js';
import type { ScaffoldResult } from '../services/scaffold.js';
import type { ServiceInfo } from '../services/service-catalogue.js';
import type { StartState } from '../services/start.js';
import { type Column, migrationResultColumns, migrationStatusColumns, serviceColumns } from './columns.js';
import { dependencySource, nextSteps } from './next-steps.js';

// What the commands print when stdout is not a terminal: plain lines, no colour, no redrawing,
// easy to grep. The ink views show the same facts on a terminal.

/** Rows as aligned columns under a header line. */
export function textTable<Row>(columns: Array<Column<Row>>, rows: Row[]): string[] {
  const cells = rows.map((row) => columns.map((column) => column.value(row)));
  const widths = columns.map((column, i) => Math.max(column.title.length, ...cells.map((line) => (line[i] ?? '').length)));
  const pad = (value: string, i: number): string => (columns[i]?.alignRight ? value.padStart(widths[i] ?? 0) : value.padEnd(widths[i] ?? 0));
  const line = (values: string[]): string => values.map(pad).join('  ').trimEnd();
  return [line(columns.map((column) => column.title)), ...cells.map(line)];
}

/** `tokobapak services`. */
export function servicesText(services: ServiceInfo[], loadedBy: string | undefined): string[] {
  const loaded = services.filter((s) => s.loaded).map((s) => s.name);
  return [...textTable(serviceColumns, services), '', `Loaded by ${loadedBy ?? 'the defaults'}: ${loaded.join(', ') || 'none'}`];
}

/** `tokobapak migrate status`. */
export function migrationStatusText(rows: MigrationStatusRow[]): string[] {
  if (rows.length === 0) return ['No migrations.'];
  const pending = rows.filter((row) => !row.executedAt).length;
  return [...textTable(migrationStatusColumns, rows), '', `${rows.length - pending} executed, ${pending} pending`];
}

/** `tokobapak migrate up|down`. */
export function migrationReportText(direction: 'up' | 'down', report: MigrationReport): string[] {
  const lines =
    report.results.length === 0 ? [direction === 'up' ? 'No pending migrations.' : 'Nothing to revert.'] : textTable(migrationResultColumns, report.results);
  if (report.error) lines.push('', `Migration failed: ${report.error}`);
  return lines;
}

/** `tokobapak new`. */
export function scaffoldText(result: ScaffoldResult, cwd: string): string[] {
  return [
    `Created ${result.storeName} in ${result.dir}`,
    ...result.files.map((file) => `  ${file}`),
    dependencySource(result),
    '',
    'Next:',
    ...nextSteps(result, cwd).map((step) => `  ${step}`),
  ];
}

/** `tokobapak start`, one phase at a time. */
export function startText(state: StartState): string[] {
  switch (state.phase) {
    case 'starting':
      return [`Starting ${state.services.join(', ')} (${state.database})`];
    case 'ready': {
      const lines = [`Store: ${state.url}`, `API reference: ${state.docsUrl}`, `Services: ${state.services.join(', ')}`];
      for (const [service, url] of Object.entries(state.remoteServices)) lines.push(`Remote ${service}: ${url}`);
      lines.push(`Database: ${state.database}`);
      if (state.demo?.skipped) lines.push(`Demo data skipped: ${state.demo.skipped}`);
      for (const user of state.demo?.users ?? []) lines.push(`Demo ${user.role}: ${user.email} / ${user.password} (${user.status})`);
      for (const store of state.demo?.stores ?? []) lines.push(`Demo store: ${store.handle}, ${store.products} products (${store.status})`);
      lines.push('Press Ctrl+C to stop.');
      return lines;
    }
    case 'stopping':
      return [`Stopping (${state.signal})`];
    case 'stopped':
      return ['Stopped.'];
  }
}
