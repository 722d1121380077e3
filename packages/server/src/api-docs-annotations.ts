import type { OpenApiDocument } from './plugin.js';

type Operation = { tags?: string[]; description?: string; security?: Array<Record<string, string[]>> };
type Tag = { name: string; description?: string };

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** The reference's tag of one of a service's own tags: operations group by service first. */
export function serviceTag(service: string, tag?: string): string {
  return tag ? `${service} · ${tag}` : service;
}

/**
 * One service's part of the reference: its tags renamed under the service, and each operation's
 * description opened with the credential it needs (the lock icon alone does not say which scope).
 */
export function annotateForReference(service: string, spec: OpenApiDocument): { spec: OpenApiDocument; tags: Tag[] } {
  const annotated = structuredClone(spec) as OpenApiDocument & { tags?: Tag[]; info?: { description?: string } };
  const tags: Tag[] = (annotated.tags ?? []).map((tag) => ({ ...tag, name: serviceTag(service, tag.name) }));
  if (tags.length === 0) tags.push({ name: serviceTag(service), description: firstParagraph(annotated.info?.description) });
  for (const item of Object.values((annotated.paths ?? {}) as Record<string, Record<string, Operation>>)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      operation.tags = operation.tags?.length ? operation.tags.map((tag) => serviceTag(service, tag)) : [serviceTag(service)];
      const credential = `**Credential:** ${describeSecurity(operation.security ?? [])}.`;
      operation.description = operation.description ? `${credential}\n\n${operation.description}` : credential;
    }
  }
  return { spec: annotated, tags };
}

/** "a store session (…) or an API key with `products:write`", from an operation's security alternatives. */
export function describeSecurity(security: Array<Record<string, string[]>>): string {
  if (security.length === 0) return 'none, anyone may call it';
  return security
    .map((requirement) =>
      Object.keys(requirement).length === 0
        ? 'no credential at all'
        : Object.entries(requirement)
            .map(([scheme, scopes]) => describeScheme(scheme, scopes))
            .join(' and '),
    )
    .join(', or ');
}

function describeScheme(scheme: string, scopes: string[]): string {
  switch (scheme) {
    case 'bearerAuth':
      return describeBearer(scopes);
    case 'apiKeyAuth':
      return scopes.length ? `an API key (\`X-Api-Key\`) with ${list(scopes)}` : 'an API key (`X-Api-Key`)';
    case 'serviceAuth':
      return scopes.length
        ? `a service credential (\`X-Service-Credential\`) of the ${list(scopes, '')} service${scopes.length > 1 ? 's' : ''}`
        : 'a service credential (`X-Service-Credential`): other services only';
    default:
      return `\`${scheme}\``;
  }
}

function describeBearer(scopes: string[]): string {
  if (scopes.length === 0) return "a signed-in person's access token (`Authorization: Bearer`)";
  return scopes
    .map((scope) => {
      if (scope === 'store') return 'a store session (`auth.selectStore`, any role)';
      if (scope.startsWith('store:')) return `a store session (\`auth.selectStore\`) with role ${scope.slice('store:'.length)} or above`;
      return `the access token of a person with role ${scope}`;
    })
    .join(', or ');
}

function list(items: string[], quote = '`'): string {
  return items.map((item) => `${quote}${item}${quote}`).join(', ');
}

function firstParagraph(text: string | undefined): string | undefined {
  return text
    ?.split(/\n\s*\n/)[0]
    ?.replace(/\s+/g, ' ')
    .trim();
}
