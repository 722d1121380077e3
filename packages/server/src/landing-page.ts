import type { FastifyInstance } from 'fastify';
import type { Plugin } from './plugin.js';

/** An account a visitor may sign in with (demo stores only). */
export interface DemoAccount {
  role: string;
  email: string;
  password: string;
}

/** What the page at `/` shows beyond what the server knows itself. */
export interface LandingPageOptions {
  /** Accounts to try, shown with their passwords: pass them only for a demo. */
  demoAccounts?: DemoAccount[];
}

interface PageFacts extends LandingPageOptions {
  plugins: Plugin[];
  version: string;
  databaseKind: string;
}

const LINKS = [
  { href: '/docs', label: 'API reference', note: 'every operation of every running service, with the credential it needs' },
  { href: '/docs/json', label: 'OpenAPI document', note: 'the merged spec, for client generators and linters' },
  { href: '/health', label: 'Health', note: 'database and services' },
  { href: '/metrics', label: 'Metrics', note: 'Prometheus text' },
];

/**
 * `GET /`: a small page saying what runs here and where to go next, so the URL `start` prints does
 * not answer 404. A client asking for JSON gets the same facts as a document.
 */
export function installLandingPage(app: FastifyInstance, facts: PageFacts): void {
  app.get('/', { logLevel: 'warn' }, async (request, reply) => {
    const services = facts.plugins.map((plugin) => ({ name: plugin.name, summary: plugin.summary ?? '' }));
    const accept = request.headers.accept ?? '';
    if (/application\/json/.test(accept) && !/text\/html/.test(accept)) {
      return { name: 'TokoBapak', version: facts.version, database: facts.databaseKind, services, links: LINKS, demoAccounts: facts.demoAccounts ?? [] };
    }
    void reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:")
      .header('x-content-type-options', 'nosniff');
    return renderPage(facts, services);
  });
}

function renderPage(facts: PageFacts, services: Array<{ name: string; summary: string }>): string {
  const accounts = facts.demoAccounts ?? [];
  const demo = accounts.length
    ? `<section><h2>Demo accounts</h2><p>This is a demo store: sign in with any of these (<code>auth.login</code>).</p>
<table><thead><tr><th>role</th><th>email</th><th>password</th></tr></thead><tbody>
${accounts.map((account) => `<tr><td>${escapeHtml(account.role)}</td><td><code>${escapeHtml(account.email)}</code></td><td><code>${escapeHtml(account.password)}</code></td></tr>`).join('\n')}
</tbody></table></section>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>TokoBapak</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #1f2328; }
h1 { margin-bottom: 0; } .version { color: #59636e; margin-top: 0; }
table { border-collapse: collapse; } td, th { text-align: left; padding: .2rem .8rem .2rem 0; vertical-align: top; }
code { background: #f6f8fa; padding: 0 .2rem; border-radius: 3px; }
</style>
</head>
<body>
<header><h1>TokoBapak</h1><p class="version">marketplace backend ${escapeHtml(facts.version)} · ${escapeHtml(facts.databaseKind === 'postgres' ? 'PostgreSQL' : 'PGlite (embedded)')}</p></header>
<main>
<section><h2>Start here</h2><ul>
${LINKS.map((link) => `<li><a href="${link.href}">${escapeHtml(link.label)}</a> — ${escapeHtml(link.note)}</li>`).join('\n')}
</ul></section>
<section><h2>Services running here</h2><table><tbody>
${services.map((service) => `<tr><td><code>${escapeHtml(service.name)}</code></td><td>${escapeHtml(service.summary)}</td></tr>`).join('\n')}
</tbody></table></section>
${demo}
<section><h2>From code</h2><pre><code>import { createClient } from '@tokobapak/sdk';
const client = createClient({ baseUrl: '&lt;this address&gt;' });</code></pre></section>
</main>
</body>
</html>
`;
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ENTITIES[character] ?? character);
}
