import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { entityRefKey } from '@internal/paved-road-common';

/** A catalog Group in its hierarchy; refs in `entityRefKey` form. */
export interface GroupNode {
  ref: string;
  title?: string;
  /** From `spec.parent`, or else the group whose `spec.children` names it. */
  parent: string | null;
  /** From `spec.children` and the groups whose `spec.parent` names it. */
  children: string[];
}

/** The fields of a Group the hierarchy is read from. */
export const GROUP_HIERARCHY_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'spec.parent',
  'spec.children',
];

/** What loading the hierarchy needs of the catalog service. */
export interface GroupCatalog {
  getEntities(
    request: { filter: { kind: string }; fields: string[] },
    options: { credentials: BackstageCredentials },
  ): Promise<{ items: Entity[] }>;
}

/**
 * The catalog's Group tree, read from both `spec.parent` and
 * `spec.children` (as the catalog's own relations are), so that a team can
 * be asked for every group below it.
 */
export class GroupHierarchy {
  /** Every Group of the catalog, read with its own credentials. */
  static async load(
    catalog: GroupCatalog,
    credentials: BackstageCredentials,
  ): Promise<GroupHierarchy> {
    const { items } = await catalog.getEntities(
      { filter: { kind: 'Group' }, fields: GROUP_HIERARCHY_FIELDS },
      { credentials },
    );
    return GroupHierarchy.fromGroups(items);
  }

  /** Pure: the hierarchy of these Group entities. */
  static fromGroups(groups: Entity[]): GroupHierarchy {
    const byRef = new Map<string, GroupNode>();
    const declared: Array<{
      ref: string;
      parent?: string;
      children: string[];
    }> = [];
    for (const group of groups) {
      const ref = entityRefKey(group);
      const namespace = group.metadata.namespace ?? 'default';
      // A parent or child that is not a ref is ignored, as the catalog does.
      const groupRef = (value: unknown) => {
        if (typeof value !== 'string' || !value) return undefined;
        try {
          return entityRefKey(value, {
            defaultKind: 'group',
            defaultNamespace: namespace,
          });
        } catch {
          return undefined;
        }
      };
      const spec = (group.spec ?? {}) as {
        parent?: unknown;
        children?: unknown;
      };
      byRef.set(ref, {
        ref,
        title: group.metadata.title,
        parent: null,
        children: [],
      });
      declared.push({
        ref,
        parent: groupRef(spec.parent),
        children: (Array.isArray(spec.children) ? spec.children : [])
          .map(groupRef)
          .filter((child): child is string => Boolean(child)),
      });
    }
    const link = (parent: string, child: string) => {
      const node = byRef.get(parent);
      if (node && byRef.has(child) && !node.children.includes(child)) {
        node.children.push(child);
      }
    };
    for (const { ref, parent, children } of declared) {
      if (parent) {
        byRef.get(ref)!.parent = parent;
        link(parent, ref);
      }
      for (const child of children) link(ref, child);
    }
    // A parent known only from the parent's spec.children.
    for (const node of byRef.values()) {
      for (const child of node.children) {
        const childNode = byRef.get(child)!;
        childNode.parent ??= node.ref;
      }
    }
    return new GroupHierarchy(byRef);
  }

  private constructor(private readonly byRef: Map<string, GroupNode>) {}

  /** Every group. */
  get nodes(): GroupNode[] {
    return [...this.byRef.values()];
  }

  /** The group of a ref in `entityRefKey` form, if the catalog has it. */
  get(ref: string): GroupNode | undefined {
    return this.byRef.get(ref);
  }

  /**
   * The group and every group below it, each once (a cycle is cut); undefined
   * when the catalog has no such group.
   */
  subtree(ref: string): GroupNode[] | undefined {
    const root = this.byRef.get(ref);
    if (!root) return undefined;
    const found = new Map([[root.ref, root]]);
    const queue = [root];
    while (queue.length) {
      for (const child of queue.shift()!.children) {
        if (!found.has(child)) {
          const node = this.byRef.get(child)!;
          found.set(child, node);
          queue.push(node);
        }
      }
    }
    return [...found.values()];
  }
}
