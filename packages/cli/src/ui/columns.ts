import type { MigrationReport, MigrationStatusRow } from '../services/migrate.js';
import type { ServiceInfo } from '../services/service-catalogue.js';

/** One table column: a title, how to print a row's cell, and (on a terminal) its colour. */
export interface Column<Row> {
  title: string;
  value(row: Row): string;
  color?(row: Row): string | undefined;
  /** Right-align (numbers). */
  alignRight?: boolean;
}

/** Columns of `tokobapak services`. */
export const serviceColumns: Array<Column<ServiceInfo>> = [
  { title: 'SERVICE', value: (s) => s.name, color: (s) => (s.loaded ? 'green' : undefined) },
  { title: 'OPS', value: (s) => String(s.operations), alignRight: true },
  {
    title: 'LOADED',
    value: (s) => (s.loaded ? 'yes' : s.remote ? `remote ${s.remote}` : 'no'),
    color: (s) => (s.loaded ? 'green' : s.remote ? 'cyan' : 'gray'),
  },
  { title: 'SUMMARY', value: (s) => s.summary },
];

/** Columns of `tokobapak migrate status`. */
export const migrationStatusColumns: Array<Column<MigrationStatusRow>> = [
  { title: 'SERVICE', value: (m) => m.service },
  { title: 'MIGRATION', value: (m) => m.migration },
  { title: 'EXECUTED AT', value: (m) => (m.executedAt ? formatTime(m.executedAt) : 'pending'), color: (m) => (m.executedAt ? 'green' : 'yellow') },
];

/** Columns of `tokobapak migrate up|down`. */
export const migrationResultColumns: Array<Column<MigrationReport['results'][number]>> = [
  { title: 'SERVICE', value: (r) => r.service },
  { title: 'MIGRATION', value: (r) => r.migration },
  { title: 'DIRECTION', value: (r) => r.direction },
  { title: 'STATUS', value: (r) => r.status, color: (r) => ({ Success: 'green', Error: 'red', NotExecuted: 'gray' })[r.status] },
];

/** `2026-11-24T03:04:05.678Z` → `2026-11-24 03:04:05 UTC`: stable, sortable, and the same on every machine. */
export function formatTime(value: Date | string): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
