import {
  Entity,
  parseEntityRef,
  RELATION_DEPENDS_ON,
  RELATION_OWNED_BY,
} from '@backstage/catalog-model';
import { entityRefKey } from '@internal/paved-road-common';
import { FactSourceResult } from './types';

/** What the catalog fact source needs besides the entity itself. */
export interface CatalogFactContext {
  /** Refs (lower case) of every Group and User in the catalog. */
  ownerRefs: Set<string>;
  /** Entities the evaluated entities depend on, by lower-case ref. */
  dependencies: Map<string, Entity>;
}

function safeRef(
  ref: unknown,
  defaults: { defaultKind?: string; defaultNamespace: string },
): string | undefined {
  if (typeof ref !== 'string' || !ref) {
    return undefined;
  }
  try {
    return entityRefKey(ref, defaults);
  } catch {
    return undefined;
  }
}

/** The refs an entity depends on, from relations and from spec.dependsOn. */
export function dependencyRefs(entity: Entity): string[] {
  const namespace = entity.metadata.namespace ?? 'default';
  const refs = new Set<string>();
  for (const relation of entity.relations ?? []) {
    if (relation.type === RELATION_DEPENDS_ON) {
      refs.add(entityRefKey(relation.targetRef));
    }
  }
  const spec = entity.spec as { dependsOn?: unknown } | undefined;
  if (Array.isArray(spec?.dependsOn)) {
    for (const target of spec!.dependsOn) {
      const ref = safeRef(target, { defaultNamespace: namespace });
      if (ref) {
        refs.add(ref);
      }
    }
  }
  return [...refs];
}

function ownerRef(entity: Entity): string | undefined {
  const namespace = entity.metadata.namespace ?? 'default';
  const relation = entity.relations?.find(r => r.type === RELATION_OWNED_BY);
  if (relation) {
    return entityRefKey(relation.targetRef);
  }
  const spec = entity.spec as { owner?: unknown } | undefined;
  return safeRef(spec?.owner, {
    defaultKind: 'group',
    defaultNamespace: namespace,
  });
}

/** Facts read from the entity itself and the catalog around it. */
export function collectCatalogFacts(
  entity: Entity,
  context: CatalogFactContext,
  now: Date,
): FactSourceResult {
  const spec = (entity.spec ?? {}) as Record<string, unknown>;
  const links = (entity.metadata.links ?? []).map(link => ({
    title: link.title ?? null,
    url: link.url,
    icon: link.icon ?? null,
    type: link.type ?? null,
  }));
  const owner = ownerRef(entity);
  const dependencies = dependencyRefs(entity).map(ref => {
    const target = context.dependencies.get(ref);
    const targetSpec = (target?.spec ?? {}) as Record<string, unknown>;
    return {
      ref,
      kind: parseEntityRef(ref).kind,
      exists: Boolean(target),
      type: typeof targetSpec.type === 'string' ? targetSpec.type : null,
      annotations: target?.metadata.annotations ?? {},
      tags: target?.metadata.tags ?? [],
    };
  });
  const resources = dependencies.filter(d => d.kind === 'resource');
  return {
    source: 'catalog',
    collectedAt: now,
    values: {
      kind: entity.kind,
      namespace: entity.metadata.namespace ?? 'default',
      name: entity.metadata.name,
      title: entity.metadata.title ?? null,
      type: typeof spec.type === 'string' ? spec.type : null,
      lifecycle: typeof spec.lifecycle === 'string' ? spec.lifecycle : null,
      annotations: entity.metadata.annotations ?? {},
      labels: entity.metadata.labels ?? {},
      tags: entity.metadata.tags ?? [],
      links,
      linkTitles: links.map(l => l.title).filter(Boolean),
      owner: owner
        ? {
            ref: owner,
            kind: parseEntityRef(owner).kind,
            exists: context.ownerRefs.has(owner),
          }
        : null,
      dependencies: {
        all: dependencies,
        resources,
        databases: resources.filter(r => r.type === 'database'),
        components: dependencies.filter(d => d.kind === 'component'),
      },
    },
  };
}
