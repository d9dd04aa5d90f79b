import { catalogApiRef } from '@backstage/plugin-catalog-react';

type CatalogApi = typeof catalogApiRef.T;

/**
 * `group:default/payments-team` is a group; `user:default/ada` is not. Reads
 * the ref as given: entityRefKey would throw on a claim that is not a ref.
 */
export function isGroupRef(ref: string): boolean {
  return ref.toLocaleLowerCase('en-US').startsWith('group:');
}

/**
 * The `limit` groups that own the most services, most first (then by ref),
 * for someone in no team: the teams whose figures say most about delivery.
 */
export async function teamsWithMostServices(
  catalogApi: CatalogApi,
  limit: number,
): Promise<string[]> {
  const { items } = await catalogApi.getEntities({
    filter: { kind: 'Component', 'spec.type': 'service' },
    fields: ['relations'],
  });
  const counts = new Map<string, number>();
  for (const service of items) {
    for (const relation of service.relations ?? []) {
      if (relation.type === 'ownedBy' && isGroupRef(relation.targetRef)) {
        counts.set(
          relation.targetRef,
          (counts.get(relation.targetRef) ?? 0) + 1,
        );
      }
    }
  }
  return [...counts]
    .sort(([a, m], [b, n]) => n - m || a.localeCompare(b))
    .slice(0, limit)
    .map(([ref]) => ref);
}
