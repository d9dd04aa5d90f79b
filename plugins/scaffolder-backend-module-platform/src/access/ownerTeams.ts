import { AuthService } from '@backstage/backend-plugin-api';
import {
  parseEntityRef,
  stringifyEntityRef,
  Entity,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { OwnerTeam } from './permissions';

/** A group's children, read from both `spec.parent` and `spec.children`. */
function childrenByParent(groups: Entity[]): Map<string, Set<string>> {
  const children = new Map<string, Set<string>>();
  const add = (parent: string, child: string) => {
    const set = children.get(parent) ?? new Set<string>();
    set.add(child);
    children.set(parent, set);
  };
  for (const group of groups) {
    const ref = stringifyEntityRef(group);
    const spec = (group.spec ?? {}) as { parent?: string; children?: string[] };
    const toRef = (name: string) =>
      stringifyEntityRef(
        parseEntityRef(name, {
          defaultKind: 'group',
          defaultNamespace: group.metadata.namespace ?? 'default',
        }),
      );
    if (spec.parent) {
      add(toRef(spec.parent), ref);
    }
    for (const child of spec.children ?? []) {
      add(ref, toRef(child));
    }
  }
  return children;
}

/**
 * Loads owner teams from the catalog with the portal's own credentials:
 * each team with every group below it. A ref the catalog does not hold as a
 * Group loads as undefined, which the permission framework denies.
 */
export function createOwnerTeamLoader(options: {
  catalog: CatalogService;
  auth: AuthService;
}) {
  return async (refs: string[]): Promise<Array<OwnerTeam | undefined>> => {
    const { items } = await options.catalog.getEntities(
      {
        filter: { kind: 'Group' },
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'spec.parent',
          'spec.children',
        ],
      },
      { credentials: await options.auth.getOwnServiceCredentials() },
    );
    const known = new Set(items.map(group => stringifyEntityRef(group)));
    const children = childrenByParent(items);
    return refs.map(ref => {
      // As asked, in lower case (the configured platform team, or any ref a
      // caller sends): a short ref or one that is not a ref stays unknown
      // (denied), where entityRefKey would complete it or throw.
      const teamRef = ref.toLocaleLowerCase('en-US');
      if (!known.has(teamRef)) {
        return undefined;
      }
      const groups = new Set<string>([teamRef]);
      const queue = [teamRef];
      while (queue.length) {
        for (const child of children.get(queue.pop()!) ?? []) {
          if (!groups.has(child)) {
            groups.add(child);
            queue.push(child);
          }
        }
      }
      return { ref: teamRef, groups: [...groups] };
    });
  };
}
