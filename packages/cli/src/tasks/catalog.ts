import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { ExitCode } from '../exitCodes';
import { CliError, PortalClient } from '../portal/PortalClient';

/**
 * A catalogFilter as the wizard's pickers take it (`ui:options.catalogFilter`):
 * keys are entity paths (`kind`, `spec.type`), values a value, a list of
 * values (any of them), or `{ exists: true|false }`. A list of filters
 * matches when any one of them does.
 */
export type CatalogFilter = Record<
  string,
  | string
  | number
  | boolean
  | Array<string | number | boolean>
  | { exists: boolean }
>;

/** Every entity matching all of `filter` (the catalog's by-query, paged). */
export async function queryEntities(
  portal: PortalClient,
  filter: Record<string, string>,
): Promise<Entity[]> {
  const condition = Object.entries(filter)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  const items: Entity[] = [];
  let cursor: string | undefined;
  do {
    const query = new URLSearchParams(
      cursor ? { cursor, limit: '100' } : { filter: condition, limit: '100' },
    );
    const page = await portal.json<{
      items: Entity[];
      pageInfo?: { nextCursor?: string };
    }>(`/api/catalog/entities/by-query?${query}`);
    items.push(...page.items);
    cursor = page.pageInfo?.nextCursor;
  } while (cursor);
  return items;
}

/** One entity by ref, or undefined when the catalog does not hold it. */
export async function getEntity(
  portal: PortalClient,
  ref: string,
): Promise<Entity | undefined> {
  const { kind, namespace, name } = parseEntityRef(ref);
  const path = `/api/catalog/entities/by-name/${encodeURIComponent(
    kind,
  )}/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
  const response = await portal.request(path);
  if (response.status === 404) {
    return undefined;
  }
  const text = await response.text();
  if (!response.ok) {
    let message = text.slice(0, 500) || response.statusText;
    try {
      message = JSON.parse(text).error?.message ?? message;
    } catch {
      // not JSON: keep the text
    }
    throw new CliError(
      `GET ${path} answered ${response.status}: ${message}`,
      ExitCode.Failed,
    );
  }
  return JSON.parse(text) as Entity;
}

/** Entities by ref, in order; undefined for the ones the catalog lacks. */
export async function getEntities(
  portal: PortalClient,
  refs: string[],
): Promise<Array<Entity | undefined>> {
  if (refs.length === 0) {
    return [];
  }
  const { items } = await portal.json<{ items: Array<Entity | null> }>(
    '/api/catalog/entities/by-refs',
    { method: 'POST', body: JSON.stringify({ entityRefs: refs }) },
  );
  return items.map(item => item ?? undefined);
}

export function entityRef(entity: Entity): string {
  return stringifyEntityRef(entity);
}

function valuesAt(entity: unknown, path: string): unknown[] {
  let current: unknown[] = [entity];
  for (const key of path.split('.')) {
    current = current.flatMap(value => {
      if (Array.isArray(value)) {
        return value.map(v => (v as Record<string, unknown>)?.[key]);
      }
      return [(value as Record<string, unknown> | undefined)?.[key]];
    });
  }
  return current
    .flatMap(value => (Array.isArray(value) ? value : [value]))
    .filter(value => value !== undefined && value !== null);
}

/** Does the entity pass the picker's catalogFilter (case-insensitive, as the catalog compares)? */
export function matchesCatalogFilter(
  entity: Entity,
  filter: CatalogFilter | CatalogFilter[] | undefined,
): boolean {
  if (!filter) {
    return true;
  }
  const filters = Array.isArray(filter) ? filter : [filter];
  if (filters.length === 0) {
    return true;
  }
  return filters.some(one =>
    Object.entries(one).every(([path, expected]) => {
      const actual = valuesAt(entity, path).map(v =>
        String(v).toLocaleLowerCase('en-US'),
      );
      if (
        expected &&
        typeof expected === 'object' &&
        !Array.isArray(expected)
      ) {
        return expected.exists ? actual.length > 0 : actual.length === 0;
      }
      const wanted = (Array.isArray(expected) ? expected : [expected]).map(v =>
        String(v).toLocaleLowerCase('en-US'),
      );
      return actual.some(v => wanted.includes(v));
    }),
  );
}

/** A filter as one line, for messages: `kind=Group, spec.type=team`. */
export function describeCatalogFilter(
  filter: CatalogFilter | CatalogFilter[] | undefined,
): string {
  const filters = [filter ?? []].flat();
  return filters
    .map(one =>
      Object.entries(one)
        .map(([key, value]) =>
          value && typeof value === 'object' && !Array.isArray(value)
            ? `${key} ${value.exists ? 'set' : 'unset'}`
            : `${key}=${Array.isArray(value) ? value.join('|') : value}`,
        )
        .join(', '),
    )
    .join(' or ');
}
