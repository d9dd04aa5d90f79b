import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { OnCallNow, onCallNow, refsToLoad } from './onCallSummary';

/** The part of the catalog API the loaders use. */
export type CatalogLookup = Pick<typeof catalogApiRef.T, 'getEntitiesByRefs'>;

/**
 * The catalog entities of `refs`, keyed by their full ref, in one request
 * (none without refs). Refs the catalog does not know are left out.
 */
export async function loadByRefs(
  catalogApi: CatalogLookup,
  refs: Array<string | undefined>,
  fields?: string[],
): Promise<Map<string, Entity>> {
  const wanted = [...new Set(refs.filter((r): r is string => Boolean(r)))];
  const loaded = new Map<string, Entity>();
  if (wanted.length === 0) {
    return loaded;
  }
  const { items } = await catalogApi.getEntitiesByRefs({
    entityRefs: wanted,
    fields,
  });
  for (const item of items) {
    if (item) {
      loaded.set(stringifyEntityRef(item), item);
    }
  }
  return loaded;
}

/**
 * Who is on call now for each of `entities` (in their order), with one
 * catalog request for all of their on-call users.
 *
 * @public
 */
export async function loadOnCallNow(
  catalogApi: CatalogLookup,
  entities: Entity[],
): Promise<OnCallNow[]> {
  const users = await loadByRefs(
    catalogApi,
    entities.map(entity => refsToLoad(entity).onCall),
    [
      'kind',
      'metadata.name',
      'metadata.namespace',
      'metadata.title',
      'spec.profile',
    ],
  );
  return entities.map(entity => onCallNow(entity, users));
}
