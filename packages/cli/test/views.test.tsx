import { render } from 'ink-testing-library';
import { describe, expect, test } from 'vitest';
import type { ScaffoldResult } from '../src/index.js';
import type { StartState } from '../src/services/start.js';
import { MigrationReportView } from '../src/ui/MigrationReportView.js';
import { MigrationStatusView } from '../src/ui/MigrationStatusView.js';
import { ScaffoldView } from '../src/ui/ScaffoldView.js';
import { ServicesView } from '../src/ui/ServicesView.js';
import { StartView } from '../src/ui/StartView.js';

// ink-testing-library renders without colour, so frames compare as plain text.

describe('ink views', () => {
  test('ServicesView: a table of services and what the config loads', () => {
    const { lastFrame } = render(
      <ServicesView
        loadedBy="/shop/tokobapak.config.mjs"
        services={[
          { name: 'auth', summary: 'Sign-in and sessions', operations: 19, loaded: true, remote: null },
          { name: 'user', summary: 'Profiles and addresses', operations: 17, loaded: false, remote: 'http://10.0.0.2:4000' },
        ]}
      />,
    );
    const lines = (lastFrame() ?? '').split('\n').map((line) => line.trimEnd());
    expect(lines).toEqual([
      'SERVICE  OPS  LOADED                       SUMMARY',
      'auth      19  yes                          Sign-in and sessions',
      'user      17  remote http://10.0.0.2:4000  Profiles and addresses',
      '',
      'Loaded by /shop/tokobapak.config.mjs: auth',
    ]);
  });

  test('MigrationStatusView: executed and pending migrations', () => {
    const { lastFrame } = render(
      <MigrationStatusView
        rows={[
          { service: 'auth', migration: '0001_init', executedAt: new Date('2026-01-02T03:04:05Z') },
          { service: 'user', migration: '0001_init', executedAt: null },
        ]}
      />,
    );
    expect(lastFrame()).toContain('SERVICE  MIGRATION  EXECUTED AT');
    expect(lastFrame()).toContain('auth     0001_init  2026-01-02 03:04:05 UTC');
    expect(lastFrame()).toContain('user     0001_init  pending');
    expect(lastFrame()).toContain('1 executed, 1 pending');
    expect(render(<MigrationStatusView rows={[]} />).lastFrame()).toBe('No migrations.');
  });

  test('MigrationReportView: results, an empty run, and a failure', () => {
    const ok = render(
      <MigrationReportView direction="up" report={{ results: [{ service: 'auth', migration: '0001_init', direction: 'up', status: 'Success' }] }} />,
    );
    expect(ok.lastFrame()).toContain('auth     0001_init  up         Success');
    expect(render(<MigrationReportView direction="down" report={{ results: [] }} />).lastFrame()).toBe('Nothing to revert.');
    const failed = render(<MigrationReportView direction="up" report={{ results: [], error: 'boom' }} />);
    expect(failed.lastFrame()).toContain('No pending migrations.');
    expect(failed.lastFrame()).toContain('Migration failed: boom');
  });

  test('StartView: a spinner while starting, then the URLs, services and demo credentials', () => {
    const view = render(<StartView state={{ phase: 'starting', services: ['auth', 'user'], database: 'PGlite /shop/.tokobapak/data' }} />);
    expect(view.lastFrame()).toMatch(/^\S+ Starting auth, user \(PGlite \/shop\/\.tokobapak\/data\)$/);
    const ready: Extract<StartState, { phase: 'ready' }> = {
      phase: 'ready',
      url: 'http://127.0.0.1:4000',
      docsUrl: 'http://127.0.0.1:4000/docs',
      services: ['auth', 'user'],
      remoteServices: { cart: 'http://10.0.0.3:4000' },
      database: 'PGlite /shop/.tokobapak/data',
      demo: { users: [{ role: 'admin', email: 'admin@demo.tokobapak.dev', password: 'demo-boss-password', name: 'Ibu Sari', status: 'created' }] },
    };
    view.rerender(<StartView state={ready} />);
    const frame = view.lastFrame() ?? '';
    expect(frame).toContain('● Store http://127.0.0.1:4000');
    expect(frame).toContain('API reference  http://127.0.0.1:4000/docs');
    expect(frame).toContain('Services       auth, user');
    expect(frame).toContain('Remote cart    http://10.0.0.3:4000');
    expect(frame).toContain('Demo admin     admin@demo.tokobapak.dev / demo-boss-password (created)');
    expect(frame).toContain('Press Ctrl+C to stop.');
    // While stopping, the URLs stay on screen.
    view.rerender(<StartView state={{ phase: 'stopped' }} ready={ready} />);
    expect(view.lastFrame()).toContain('● Store http://127.0.0.1:4000');
    expect(view.lastFrame()).toMatch(/Stopped\.$/);
    expect(view.lastFrame()).not.toContain('Press Ctrl+C');
    expect(render(<StartView state={{ phase: 'stopped' }} />).lastFrame()).toBe('Stopped.');
  });

  test('ScaffoldView: the files and the next steps', () => {
    const result: ScaffoldResult = {
      dir: '/home/budi/shop',
      storeName: 'Toko Budi',
      files: ['package.json', 'README.md'],
      dependencies: {},
      services: ['auth', 'user'],
      linkedWorkspace: '/src/tokobapak',
    };
    const frame = render(<ScaffoldView result={result} cwd="/home/budi" />).lastFrame() ?? '';
    expect(frame).toContain('✔ Created Toko Budi in /home/budi/shop');
    expect(frame).toContain('  package.json');
    expect(frame).toContain('Dependencies are packed from the checkout at /src/tokobapak into vendor/');
    expect(frame).toContain('  cd shop');
    expect(frame).not.toContain('pnpm build');
    expect(frame).toContain('  npm install');
  });
});
