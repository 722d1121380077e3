import type { MigrationDirection, MigrationReport, MigrationStatusRow } from '../services/migrate.js';
import type { ScaffoldResult } from '../services/scaffold.js';
import type { ServiceInfo } from '../services/service-catalogue.js';
import { MigrationReportView } from './MigrationReportView.js';
import { MigrationStatusView } from './MigrationStatusView.js';
import type { Presentation } from './output.js';
import { migrationReportText, migrationStatusText, scaffoldText, servicesText } from './plain-text.js';
import { ScaffoldView } from './ScaffoldView.js';
import { ServicesView } from './ServicesView.js';

// One function per command result: the JSON document, the plain lines and the ink view of it.

/** `tokobapak new`. */
export function scaffoldPresentation(result: ScaffoldResult, cwd: string): Presentation {
  return {
    json: () => result,
    plain: () => scaffoldText(result, cwd),
    tty: () => <ScaffoldView result={result} cwd={cwd} />,
  };
}

/** `tokobapak services`. */
export function servicesPresentation(services: ServiceInfo[], configPath: string | undefined, loadedBy: string | undefined): Presentation {
  return {
    json: () => ({ services, configPath: configPath ?? null, loadedBy: loadedBy ?? 'defaults' }),
    plain: () => servicesText(services, loadedBy),
    tty: () => <ServicesView services={services} loadedBy={loadedBy} />,
  };
}

/** `tokobapak migrate status`. */
export function migrationStatusPresentation(rows: MigrationStatusRow[]): Presentation {
  return {
    json: () => ({ migrations: rows.map((row) => ({ ...row, executedAt: row.executedAt ? new Date(row.executedAt).toISOString() : null })) }),
    plain: () => migrationStatusText(rows),
    tty: () => <MigrationStatusView rows={rows} />,
  };
}

/** `tokobapak migrate up|down`. */
export function migrationReportPresentation(direction: MigrationDirection, report: MigrationReport): Presentation {
  return {
    json: () => ({ direction, ...report }),
    plain: () => migrationReportText(direction, report),
    tty: () => <MigrationReportView direction={direction} report={report} />,
  };
}
