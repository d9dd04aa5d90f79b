/*
 * The catalog's REST API (/api/catalog) as the CLI uses it: entities by
 * query (every page), by name and by refs.
 */
import { Entity, parseEntityRef } from '@backstage/catalog-model';
import { PortalClient } from './PortalClient';

const PAGE_SIZE = '100';

export interface EntityQueryOptions {
  /** Only these fields of each entity (`metadata.name`, `spec.type`). */
  fields?: string[];
  /** `metadata.name,asc` */
  orderField?: string;
}

/**
 * Every entity matching all of `filter` (`{ kind: 'template' }`): the
 * catalog's by-query, a page at a time. A cursor stands for the filter
 * and order; the fields and page size go with every page.
 */
export async function queryEntities(
  portal: PortalClient,
  filter: Record<string, string>,
  options: EntityQueryOptions = {},
): Promise<Entity[]> {
  const each: Record<string, string> = { limit: PAGE_SIZE };
  if (options.fields) {
    each.fields = options.fields.join(',');
  }
  const first: Record<string, string> = {
    filter: Object.entries(filter)
      .map(([key, value]) => `${key}=${value}`)
      .join(','),
  };
  if (options.orderField) {
    first.orderField = options.orderField;
  }
  const items: Entity[] = [];
  let cursor: string | undefined;
  do {
    const query = new URLSearchParams({
      ...(cursor ? { cursor } : first),
      ...each,
    });
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
export function getEntity(
  portal: PortalClient,
  ref: string,
): Promise<Entity | undefined> {
  const { kind, namespace, name } = parseEntityRef(ref);
  return portal.find<Entity>(
    `/api/catalog/entities/by-name/${encodeURIComponent(
      kind,
    )}/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`,
  );
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
