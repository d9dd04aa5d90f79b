/*
 * The portal double's catalog: the repository's own templates/, as the
 * catalog serves entities it loaded from file locations, a small
 * organisation around them, and the by-query semantics (filters, fields,
 * cursors) of the real catalog.
 */
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';

export type Json = Record<string, any>;

const repoRoot = path.resolve(__dirname, '../../../..');

/** The repository's templates, as the catalog serves entities loaded from file locations. */
function templateEntities(): Json[] {
  const dir = path.join(repoRoot, 'templates');
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter(e => e.isDirectory())
    .map(e => path.join(dir, e.name, 'template.yaml'))
    .filter(file => fs.existsSync(file))
    .map(file => {
      const entity = yaml.parse(fs.readFileSync(file, 'utf8'));
      entity.metadata.namespace = 'default';
      entity.metadata.uid = `uid-${entity.metadata.name}`;
      entity.metadata.annotations = {
        'backstage.io/managed-by-location': `file:${file}`,
        'backstage.io/managed-by-origin-location': `file:${path.join(
          dir,
          'all.yaml',
        )}`,
      };
      entity.relations = [
        { type: 'ownedBy', targetRef: 'group:default/platform-team' },
      ];
      return entity;
    });
}

function organisation(): Json[] {
  const group = (name: string, type: string) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default' },
    spec: { type, children: [] },
    relations: [],
  });
  const system = (name: string, owner: string) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name, namespace: 'default' },
    spec: { owner },
    relations: [{ type: 'ownedBy', targetRef: `group:default/${owner}` }],
  });
  return [
    group('engineering', 'department'),
    group('fulfilment-team', 'team'),
    group('platform-team', 'team'),
    system('order-management', 'fulfilment-team'),
    system('shipping', 'fulfilment-team'),
    system('developer-platform', 'platform-team'),
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'orders-service',
        namespace: 'default',
        annotations: {
          'github.com/project-slug': 'acme-freight/orders-service',
        },
      },
      spec: {
        type: 'service',
        owner: 'fulfilment-team',
        lifecycle: 'production',
        system: 'order-management',
      },
      relations: [
        { type: 'ownedBy', targetRef: 'group:default/fulfilment-team' },
      ],
    },
  ];
}

/** What the double's catalog holds unless a test says otherwise. */
export function defaultEntities(): Json[] {
  return [...templateEntities(), ...organisation()];
}

/** `kind:namespace/name`, lower case, as the catalog compares refs. */
export function entityRef(entity: Json): string {
  return `${entity.kind}:${entity.metadata.namespace ?? 'default'}/${
    entity.metadata.name
  }`.toLocaleLowerCase('en-US');
}

/** The catalog's filter semantics: case-insensitive, arrays descended, relations.<type>=<ref>. */
function matches(entity: Json, condition: string): boolean {
  const [key, value] = condition
    .split('=', 2)
    .map(s => s.toLocaleLowerCase('en-US'));
  if (key.startsWith('relations.')) {
    const type = key.slice('relations.'.length);
    return (entity.relations ?? []).some(
      (r: Json) =>
        r.type.toLocaleLowerCase('en-US') === type &&
        r.targetRef.toLocaleLowerCase('en-US') === value,
    );
  }
  let values: any[] = [entity];
  for (const part of key.split('.')) {
    values = values
      .flatMap(v => (Array.isArray(v) ? v : [v]))
      .flatMap(v => {
        if (typeof v === 'string') {
          // An array's string items match as `<key>.<item>=true`.
          return v.toLocaleLowerCase('en-US') === part ? ['true'] : [];
        }
        return v && typeof v === 'object' && part in v ? [v[part]] : [];
      });
  }
  const found = values
    .flatMap(v => (Array.isArray(v) ? v : [v]))
    .map(v => String(v).toLocaleLowerCase('en-US'));
  return value === undefined ? found.length > 0 : found.includes(value);
}

/** Only the `fields` asked for (`metadata.name`), as the catalog's field selection. */
function selectFields(entity: Json, fields: string[]): Json {
  const selected: Json = {};
  for (const field of fields) {
    const keys = field.split('.');
    let from: any = entity;
    let to = selected;
    keys.forEach((key, i) => {
      if (from === undefined || from === null || !(key in from)) {
        from = undefined;
        return;
      }
      from = from[key];
      if (i === keys.length - 1) {
        to[key] = from;
      } else {
        to[key] ??= {};
        to = to[key];
      }
    });
  }
  return selected;
}

/**
 * GET /api/catalog/entities/by-query: one page of the entities matching
 * any `filter` (each a comma-separated AND). The cursor stands for the
 * filters and the offset, as the real one does; `limit` and `fields` come
 * with every page.
 */
export function queryPage(
  entities: Json[],
  query: URLSearchParams,
  pageSize: number,
): Json {
  const cursor = query.get('cursor');
  const { filters, offset } = cursor
    ? JSON.parse(Buffer.from(cursor, 'base64url').toString())
    : { filters: query.getAll('filter'), offset: 0 };
  const items = entities.filter(
    e =>
      filters.length === 0 ||
      filters.some((f: string) => f.split(',').every(c => matches(e, c))),
  );
  const limit = Math.min(Number(query.get('limit') ?? pageSize), pageSize);
  const fields = query.get('fields')?.split(',');
  const next = offset + limit;
  return {
    items: items
      .slice(offset, next)
      .map(e => (fields ? selectFields(e, fields) : e)),
    totalItems: items.length,
    pageInfo:
      next < items.length
        ? {
            nextCursor: Buffer.from(
              JSON.stringify({ filters, offset: next }),
            ).toString('base64url'),
          }
        : {},
  };
}
