import {
  Entity,
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';

/**
 * Annotations the cards read; the example catalog documents them. Who is on
 * call comes from the on-call backend, which reads the on-call ones.
 */
export const ANNOTATIONS = {
  tier: 'paved-road.io/tier',
  slackChannel: 'paved-road.io/slack-channel',
} as const;

export interface Contact {
  ref: string;
  name: string;
  email?: string;
}

export interface RelatedService {
  ref: string;
  name: string;
  kind: string;
  /** Owner ref of the related entity, or undefined when it has none. */
  owner?: string;
}

export interface Link {
  title: string;
  url: string;
}

/**
 * What the catalog tells an engineer paged at night, in the order they need
 * it; who is on call comes from the on-call backend.
 */
export interface OnCallSummary {
  owner?: Contact & { slackChannel?: string };
  /** The owner ref when it points at a group that is not in the catalog. */
  unknownOwnerRef?: string;
  runbooks: Link[];
  dashboards: Link[];
  dependencies: RelatedService[];
  dependents: RelatedService[];
  lifecycle?: string;
  tier?: string;
}

function relationTargets(entity: Entity, type: string): string[] {
  return (entity.relations ?? [])
    .filter(r => r.type === type)
    .map(r => r.targetRef);
}

/** The refs the card must look up to describe `entity`. */
export function refsToLoad(entity: Entity) {
  return {
    owner: relationTargets(entity, RELATION_OWNED_BY)[0],
    dependencies: relationTargets(entity, RELATION_DEPENDS_ON),
    dependents: relationTargets(entity, RELATION_DEPENDENCY_OF),
  };
}

/** A user's or a group's name and email, from its profile. */
export function contactOf(entity: Entity): Contact {
  const profile = (entity.spec?.profile ?? {}) as {
    displayName?: string;
    email?: string;
  };
  return {
    ref: stringifyEntityRef(entity),
    name: entity.metadata.title ?? profile.displayName ?? entity.metadata.name,
    email: profile.email,
  };
}

/** The entity's links titled (or typed) "runbook". */
export function runbooksOf(entity: Entity): Link[] {
  return (entity.metadata.links ?? [])
    .filter(l => /runbook/i.test(`${l.title ?? ''} ${l.type ?? ''}`))
    .map(l => ({ title: l.title ?? 'Runbook', url: l.url }));
}

/** How to reach a team, from its group entity. */
export interface TeamContacts {
  email?: string;
  /** The `paved-road.io/slack-channel` annotation, e.g. `#team-payments`. */
  slackChannel?: string;
  /** The group's first chat link (icon `chat`), e.g. the channel on Slack. */
  chatLink?: Link;
}

/** The team's email (`spec.profile.email`), Slack channel and chat link. */
export function teamContactsOf(group: Entity): TeamContacts {
  const chat = (group.metadata.links ?? []).find(l => l.icon === 'chat');
  return {
    email: (group.spec?.profile as { email?: string } | undefined)?.email,
    slackChannel: group.metadata.annotations?.[ANNOTATIONS.slackChannel],
    chatLink: chat && { title: chat.title ?? chat.url, url: chat.url },
  };
}

function related(refs: string[], loaded: Map<string, Entity>) {
  return refs.map(ref => {
    const entity = loaded.get(ref);
    return {
      ref,
      name: entity?.metadata.title ?? ref.split('/').pop() ?? ref,
      kind: ref.split(':')[0],
      owner: entity ? relationTargets(entity, RELATION_OWNED_BY)[0] : undefined,
    };
  });
}

/**
 * Builds the card's content from the entity and the related entities the
 * catalog returned (keyed by their full ref). Missing pieces stay undefined
 * so the card can say plainly what is not known.
 */
export function summarize(
  entity: Entity,
  loaded: Map<string, Entity>,
): OnCallSummary {
  const refs = refsToLoad(entity);
  const ownerEntity = refs.owner ? loaded.get(refs.owner) : undefined;
  const links = entity.metadata.links ?? [];
  return {
    owner: ownerEntity && {
      ...contactOf(ownerEntity),
      slackChannel:
        ownerEntity.metadata.annotations?.[ANNOTATIONS.slackChannel],
    },
    unknownOwnerRef: refs.owner && !ownerEntity ? refs.owner : undefined,
    runbooks: runbooksOf(entity),
    dashboards: links
      .filter(
        l =>
          l.icon === 'dashboard' ||
          /dashboard/i.test(`${l.title ?? ''} ${l.type ?? ''}`),
      )
      .map(l => ({ title: l.title ?? 'Dashboard', url: l.url })),
    dependencies: related(refs.dependencies, loaded),
    dependents: related(refs.dependents, loaded),
    lifecycle: entity.spec?.lifecycle as string | undefined,
    tier: entity.metadata.annotations?.[ANNOTATIONS.tier],
  };
}
