import {
  Entity,
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
  RELATION_OWNED_BY,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';

/** Annotations the card reads; the example catalog documents them. */
export const ANNOTATIONS = {
  onCall: 'paved-road.io/on-call',
  pagerDutyService: 'pagerduty.com/service-id',
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

/** Everything an engineer paged at night needs, in the order they need it. */
export interface OnCallSummary {
  owner?: Contact & { slackChannel?: string };
  /** The owner ref when it points at a group that is not in the catalog. */
  unknownOwnerRef?: string;
  onCall?: Contact;
  /** The on-call ref when it points at a user that is not in the catalog. */
  unknownOnCallRef?: string;
  pagerDutyServiceId?: string;
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

/** `marco-rossi` or `user:default/marco-rossi`, as a full ref. */
function onCallRef(entity: Entity): string | undefined {
  const value = entity.metadata.annotations?.[ANNOTATIONS.onCall];
  if (!value) {
    return undefined;
  }
  try {
    return stringifyEntityRef(
      parseEntityRef(value, {
        defaultKind: 'user',
        defaultNamespace: 'default',
      }),
    );
  } catch {
    return value;
  }
}

/** The refs the card must look up to describe `entity`. */
export function refsToLoad(entity: Entity) {
  return {
    owner: relationTargets(entity, RELATION_OWNED_BY)[0],
    onCall: onCallRef(entity),
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

/** Who answers a page for one component now, and where its runbook is. */
export interface OnCallNow {
  /** The component's own ref. */
  entityRef: string;
  onCall?: Contact;
  /** The on-call ref when it points at a user that is not in the catalog. */
  unknownOnCallRef?: string;
  pagerDutyServiceId?: string;
  runbooks: Link[];
}

/**
 * Who is on call for `entity` and its runbooks, given the on-call user as
 * the catalog returned it (keyed by its full ref; see `refsToLoad`).
 */
export function onCallNow(
  entity: Entity,
  loaded: Map<string, Entity>,
): OnCallNow {
  const ref = onCallRef(entity);
  const onCallEntity = ref ? loaded.get(ref) : undefined;
  return {
    entityRef: stringifyEntityRef(entity),
    onCall: onCallEntity && contactOf(onCallEntity),
    unknownOnCallRef: ref && !onCallEntity ? ref : undefined,
    pagerDutyServiceId:
      entity.metadata.annotations?.[ANNOTATIONS.pagerDutyService],
    runbooks: (entity.metadata.links ?? [])
      .filter(l => /runbook/i.test(`${l.title ?? ''} ${l.type ?? ''}`))
      .map(l => ({ title: l.title ?? 'Runbook', url: l.url })),
  };
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
  const now = onCallNow(entity, loaded);
  const links = entity.metadata.links ?? [];
  return {
    owner: ownerEntity && {
      ...contactOf(ownerEntity),
      slackChannel:
        ownerEntity.metadata.annotations?.[ANNOTATIONS.slackChannel],
    },
    unknownOwnerRef: refs.owner && !ownerEntity ? refs.owner : undefined,
    onCall: now.onCall,
    unknownOnCallRef: now.unknownOnCallRef,
    pagerDutyServiceId: now.pagerDutyServiceId,
    runbooks: now.runbooks,
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
