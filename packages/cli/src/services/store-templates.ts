import { type EnvVar, flagVariables, otherVariables, remoteServiceVariable } from './environment.js';
import { HEAP_GROWING_PERCENT_VARIABLE } from './heap-growth.js';
import { WASM_TIER_UP_VARIABLE } from './wasm-tiering.js';

/**
 * The files `tokobapak new` writes, as functions of the store's name and dependency specifiers.
 * They live in TypeScript (rather than a `templates/` folder) so the bundle always carries them and
 * `tsc` checks every interpolation; a test runs `node --check` on the generated scripts.
 */

/** What the templates are filled with. */
export interface StoreTemplateInput {
  /** Human-readable name, e.g. "Toko Bapak". */
  storeName: string;
  /** npm package name of the store project. */
  packageName: string;
  /** Services the new store runs. */
  services: string[];
  /** Dependency name → specifier (`^0.1.0` or `file:vendor/<tarball>`). */
  dependencies: Record<string, string>;
}

/** Services a new store starts with (generated from the plugin packages by `pnpm generate`). */
export { STORE_SERVICES } from './store-services.js';

/** The npm package of a built-in service. */
export function servicePackage(service: string): string {
  return `@tokobapak/plugin-${service}`;
}

/** Relative path → file content, for every file of a new store. */
export function storeFiles(input: StoreTemplateInput): Record<string, string> {
  return {
    'package.json': packageJson(input),
    'tokobapak.config.mjs': configFile(input),
    '.env.example': envExample(input),
    'README.md': readme(input),
    'seed.mjs': seedScript(),
    '.gitignore': gitignore(),
  };
}

function packageJson({ storeName, packageName, dependencies }: StoreTemplateInput): string {
  const manifest = {
    name: packageName,
    version: '0.0.0',
    private: true,
    description: `${storeName}: a TokoBapak store`,
    type: 'module',
    engines: { node: '>=20.19' },
    scripts: { start: 'tokobapak start', migrate: 'tokobapak migrate', seed: 'node seed.mjs' },
    dependencies: Object.fromEntries(Object.entries(dependencies).sort(([a], [b]) => a.localeCompare(b))),
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

function configFile({ services }: StoreTemplateInput): string {
  return `// Configuration of this store, read by \`tokobapak start\`, \`tokobapak migrate\` and \`tokobapak services\`.
// Command-line flags win over TOKOBAPAK_* environment variables, which win over this file
// (.env.example lists the variables; \`tokobapak start --help\` lists the flags).

/** @type {import('tokobapak').StoreConfig} */
export default {
  // The services this process runs. Run a subset here and point at the others with
  // remoteServices (or TOKOBAPAK_<SERVICE>_URL) to split the store over several processes.
  services: ${JSON.stringify(services).replaceAll('"', "'").replaceAll(',', ', ')},

  // HTTP port of the store (TOKOBAPAK_PORT, --port).
  port: 4000,

  // Folder of the embedded PostgreSQL (PGlite) database, relative to this file (TOKOBAPAK_DATA,
  // --data). Set DATABASE_URL to use a PostgreSQL server instead.
  dataDir: '.tokobapak/data',

  // Services running elsewhere, by name:
  // remoteServices: { auth: 'http://127.0.0.1:4001' },

  // Outgoing mail: one file per message under <dataDir>/mail unless configured otherwise.
  // mail: { transport: 'smtp', smtpUrl: 'smtp://127.0.0.1:587', from: 'Shop <shop@example.com>' },

  // Options of one service go under its name.
  auth: {
    // OpenID Connect providers customers can sign in with (Google, a company IdP, ...).
    oidcProviders: [],
  },
};
`;
}

function envLine(variable: EnvVar): string {
  return `# ${variable.description}\n# ${variable.name}=${variable.example}\n`;
}

function envExample({ services }: StoreTemplateInput): string {
  const byName = (name: string): EnvVar => {
    const variable = otherVariables.find((v) => v.name === name);
    if (!variable) throw new Error(`no such variable ${name}`);
    return variable;
  };
  const remote = byName('TOKOBAPAK_<SERVICE>_URL');
  const sections: Array<[string, EnvVar[]]> = [
    ['Database', [byName('DATABASE_URL'), byName('TOKOBAPAK_PG_PREPARED_STATEMENTS'), flagVariables.data, byName(WASM_TIER_UP_VARIABLE)]],
    [
      'Server',
      [
        flagVariables.services,
        flagVariables.port,
        flagVariables.host,
        byName('TOKOBAPAK_PUBLIC_URL'),
        byName('TOKOBAPAK_CORS_ORIGINS'),
        byName('TOKOBAPAK_SECRET'),
        byName('TOKOBAPAK_METRICS_TOKEN'),
        byName('TOKOBAPAK_RATE_LIMIT'),
        byName('TOKOBAPAK_TRUST_PROXY'),
        flagVariables.logLevel,
        flagVariables.demo,
        flagVariables.config,
        byName(HEAP_GROWING_PERCENT_VARIABLE),
      ],
    ],
    [
      'Services running in other processes',
      services.map((service) => ({
        ...remote,
        name: remoteServiceVariable(service),
        description: `base URL of the ${service} service when another process runs it`,
      })),
    ],
    [
      'Auth service',
      [
        byName('TOKOBAPAK_ADMIN_EMAILS'),
        { ...byName('TOKOBAPAK_OIDC_<ID>_CLIENT_ID'), name: 'TOKOBAPAK_OIDC_GOOGLE_CLIENT_ID' },
        { ...byName('TOKOBAPAK_OIDC_<ID>_CLIENT_ID'), name: 'TOKOBAPAK_OIDC_GOOGLE_CLIENT_SECRET', description: 'its client secret', example: 'change-me' },
      ],
    ],
    ['Mail', [byName('TOKOBAPAK_MAIL_TRANSPORT'), byName('TOKOBAPAK_MAIL_DIR'), byName('TOKOBAPAK_SMTP_URL'), byName('TOKOBAPAK_MAIL_FROM')]],
    ['Scripts', [byName('TOKOBAPAK_URL'), flagVariables.json]],
    ['tokobapak new (only when scaffolding another store)', [flagVariables.name, flagVariables.link]],
  ];
  const body = sections
    .filter(([title]) => title !== 'Auth service' || services.includes('auth'))
    .map(([title, variables]) => `## ${title}\n\n${variables.map(envLine).join('\n')}`)
    .join('\n');
  return `# Environment of this store. Copy to .env (never commit it) or set these in your process manager.
# Every variable is optional; the values shown are examples.
# Precedence: command-line flags > these variables > tokobapak.config.mjs > defaults.

${body}`;
}

function readme({ storeName, services }: StoreTemplateInput): string {
  return `# ${storeName}

A marketplace store built on TokoBapak. It runs the
${services.map((s) => `\`${s}\``).join(' and ')} services in one Node.js process, with its data in an embedded
PostgreSQL (PGlite) folder, so it needs nothing but Node.js 20.19 or newer.

## Run it

\`\`\`sh
npm install
npm start            # applies pending migrations, then serves the store on http://127.0.0.1:4000
\`\`\`

Open http://127.0.0.1:4000/docs for the API reference of every running service. In another terminal:

\`\`\`sh
npm run seed         # registers a demo customer through the TokoBapak SDK
\`\`\`

\`npx tokobapak start --demo\` seeds demo users at start-up instead and prints their credentials.

## Files

| file | what it is |
|---|---|
| \`tokobapak.config.mjs\` | services, port, data folder and per-service options |
| \`.env.example\` | every environment variable the CLI reads; copy it to \`.env\` |
| \`seed.mjs\` | a script using \`@tokobapak/sdk\` against the running store |
| \`.tokobapak/\` | local data (database, mail); not committed |

## Everyday commands

\`\`\`sh
npx tokobapak services           # the built-in services, and which ones this config loads
npx tokobapak migrate status     # migrations of each service and when they ran
npx tokobapak migrate            # apply pending migrations (start does this too)
npx tokobapak migrate down       # revert the latest migration of each service
npx tokobapak start --port 4100  # flags win over TOKOBAPAK_* variables, which win over the config file
\`\`\`

Every command takes \`--json\` for scripts and \`--help\` for its flags.

## Going to production

- Set \`DATABASE_URL\` to a PostgreSQL database; each service keeps its tables in its own schema.
- Set \`TOKOBAPAK_SECRET\` to the same long random string in every process of the store.
- Split services over processes: \`tokobapak start --services auth --port 4001\` in one, and
  \`TOKOBAPAK_AUTH_URL=http://127.0.0.1:4001 tokobapak start --services user\` in another, behind a
  reverse proxy that routes \`/auth/*\` and \`/user/*\` by the first path segment.
- Configure mail with \`TOKOBAPAK_SMTP_URL\` and \`TOKOBAPAK_MAIL_FROM\`.
`;
}

function seedScript(): string {
  return `// Registers a demo customer in the running store through the TokoBapak SDK.
// Start the store first (npm start), then: npm run seed
import { createClient } from '@tokobapak/sdk';
import config from './tokobapak.config.mjs';

const port = process.env.TOKOBAPAK_PORT ?? config.port ?? 4000;
const baseUrl = process.env.TOKOBAPAK_URL ?? \`http://127.0.0.1:\${port}\`;
const client = createClient({ baseUrl });

// The services refuse passwords built from the email or the name.
const customer = {
  email: 'customer@example.com',
  password: 'kopi-susu-gula-aren',
  name: 'Sari Wulandari',
};

try {
  const user = await client.user.register({ body: customer });
  console.log(\`Registered \${customer.email} (\${user.id}); password: \${customer.password}\`);
} catch (error) {
  // Running the seed twice is fine: the second time the e-mail address is taken.
  if (error?.status === 409) {
    console.log(\`\${customer.email} is already registered; password: \${customer.password}\`);
  } else {
    console.error(\`Could not seed \${baseUrl}: \${error?.message ?? error}\`);
    process.exitCode = 1;
  }
}
`;
}

function gitignore(): string {
  return `node_modules/
.tokobapak/
.env
*.log
`;
}
