import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { annotateForReference } from './api-docs-annotations.js';
import type { OpenApiDocument, Plugin } from './plugin.js';

// The reference's header: the name in place of the Swagger logo, linking back to the landing page.
const LOGO = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="220" height="40" viewBox="0 0 220 40"><title>TokoBapak</title>' +
    '<rect width="40" height="40" rx="8" fill="#e8590c"/><text x="20" y="27" font-family="system-ui,sans-serif" font-size="18" font-weight="700" fill="#fff" text-anchor="middle">TB</text>' +
    '<text x="50" y="27" font-family="system-ui,sans-serif" font-size="20" font-weight="700" fill="#fff">TokoBapak</text></svg>',
);

/**
 * Merges the loaded plugins' specs into one document for the reference page. Shared components
 * (identical in every spec) merge as one; a same-named component that differs between services is
 * renamed `<service>_<Name>` in that service's part, so no definition silently replaces another.
 */
export function mergeSpecs(plugins: Plugin[], version: string): OpenApiDocument {
  const merged: OpenApiDocument = {
    openapi: '3.1.0',
    info: {
      title: 'TokoBapak API',
      version,
      description: `The API of this TokoBapak store. Services: ${plugins.map((plugin) => plugin.name).join(', ')}. Each operation says which credential it needs.`,
      license: { name: 'MIT', identifier: 'MIT' },
    },
    // Relative: the document is served by the store it describes, whatever its address.
    servers: [{ url: '/', description: 'this store' }],
    paths: {},
    components: {},
    tags: [],
  };
  const components = merged.components as Record<string, Record<string, unknown>>;
  const tagGroups: Array<{ name: string; tags: string[] }> = [];
  for (const plugin of plugins) {
    const reference = annotateForReference(plugin.name, plugin.spec);
    let text = JSON.stringify(reference.spec);
    for (const [kind, entries] of Object.entries(plugin.spec.components ?? {})) {
      for (const [name, definition] of Object.entries(entries)) {
        const existing = components[kind]?.[name];
        if (existing !== undefined && JSON.stringify(existing) !== JSON.stringify(definition)) {
          text = text.replaceAll(`"#/components/${kind}/${name}"`, `"#/components/${kind}/${plugin.name}_${name}"`);
        }
      }
    }
    const spec = JSON.parse(text) as OpenApiDocument;
    for (const [kind, entries] of Object.entries(spec.components ?? {})) {
      components[kind] ??= {};
      for (const [name, definition] of Object.entries(entries)) {
        const existing = components[kind][name];
        const target = existing !== undefined && JSON.stringify(existing) !== JSON.stringify(definition) ? `${plugin.name}_${name}` : name;
        components[kind][target] = definition;
      }
    }
    Object.assign(merged.paths, spec.paths);
    (merged.tags as unknown[]).push(...reference.tags);
    tagGroups.push({ name: plugin.name, tags: reference.tags.map((tag) => tag.name) });
  }
  // Renderers that know tag groups (Redoc) show one heading per service.
  merged['x-tagGroups'] = tagGroups;
  return merged;
}

/** Serves the merged spec at `/docs/json` and an interactive reference at `/docs` (assets served locally). */
export async function installApiDocs(app: FastifyInstance, plugins: Plugin[], version: string): Promise<void> {
  const document = mergeSpecs(plugins, version);
  await app.register(swagger, { mode: 'static', specification: { document: document as never } });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { deepLinking: true, docExpansion: 'none', filter: true },
    theme: { title: 'TokoBapak API reference' },
    logo: { type: 'image/svg+xml', content: LOGO, href: '/', target: '_self' },
    logLevel: 'warn',
  });
}
