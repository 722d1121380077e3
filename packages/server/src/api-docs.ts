import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import type { OpenApiDocument, Plugin } from './plugin.js';

/**
 * Merges the loaded plugins' specs into one document for the reference page. Shared components
 * (identical in every spec) merge as one; a same-named component that differs between services is
 * renamed `<service>_<Name>` in that service's part, so no definition silently replaces another.
 */
export function mergeSpecs(plugins: Plugin[], version: string): OpenApiDocument {
  const merged: OpenApiDocument = {
    openapi: '3.1.0',
    info: { title: 'TokoBapak API', version, description: `Services: ${plugins.map((plugin) => plugin.name).join(', ')}` },
    paths: {},
    components: {},
    tags: [],
  };
  const components = merged.components as Record<string, Record<string, unknown>>;
  for (const plugin of plugins) {
    let text = JSON.stringify(plugin.spec);
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
    (merged.tags as unknown[]).push(...((spec.tags as unknown[] | undefined) ?? []));
  }
  return merged;
}

/** Serves the merged spec at `/docs/json` and an interactive reference at `/docs` (assets served locally). */
export async function installApiDocs(app: FastifyInstance, plugins: Plugin[], version: string): Promise<void> {
  const document = mergeSpecs(plugins, version);
  await app.register(swagger, { mode: 'static', specification: { document: document as never } });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true }, logLevel: 'warn' });
}
