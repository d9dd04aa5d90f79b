/*
 * Answers the command line may leave out because the portal knows them:
 * the owner (the signed-in user's team, or the previewed service's owner),
 * the system (the owner's only one), a preview's clone URL (the service's
 * annotations). Each is set only where the template asks for it and the
 * user gave nothing; when it cannot be known, the problem says what to pass.
 */
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { getEntities, queryEntities } from '../portal/catalog';
import { signedInUser } from '../portal/identity';
import { PortalClient } from '../portal/PortalClient';
import { JsonSchema } from '../portal/scaffolder';
import type { Answers } from './answers';
import { pickerFilter } from '../templates/wizard';
import { completeEntityRef, matchesCatalogFilter } from './pickers';

function kindOf(ref: string): string | undefined {
  try {
    return parseEntityRef(ref).kind.toLocaleLowerCase('en-US');
  } catch {
    return undefined;
  }
}

/** A few names of entities the picker offers, for "e.g." in a message. */
async function examples(
  portal: PortalClient,
  schema: JsonSchema,
): Promise<string[]> {
  const filter = pickerFilter(schema);
  const simple =
    filter?.length === 1 &&
    Object.values(filter[0]).every(v => typeof v === 'string');
  if (!simple) {
    return [];
  }
  const entities = await queryEntities(
    portal,
    filter[0] as Record<string, string>,
  );
  return entities.map(e => e.metadata.name).slice(0, 5);
}

/** `owner`: the signed-in user's first team (a group the owner picker would offer). */
export async function defaultOwnerToTeam(
  portal: PortalClient,
  answers: Answers,
  fields: Map<string, JsonSchema>,
) {
  const schema = fields.get('owner');
  if (!schema || answers.values.owner !== undefined) {
    return;
  }
  const user = await signedInUser(portal);
  const groups = user.ownershipRefs.filter(ref => kindOf(ref) === 'group');
  const entities = await getEntities(portal, groups);
  const team = entities.find(
    (e): e is Entity => !!e && matchesCatalogFilter(e, pickerFilter(schema)),
  );
  if (team) {
    answers.values.owner = stringifyEntityRef(team);
    answers.sources.set('owner', 'your team');
    return;
  }
  const teams = await examples(portal, schema);
  answers.problems.set(
    'owner',
    `--owner is required: ${
      user.userRef ?? 'the token'
    } is in no team the wizard offers as owner; pass --owner <team>${
      teams.length ? ` (e.g. ${teams.join(', ')})` : ''
    }`,
  );
}

/** `system`: the owner's system, when it owns exactly one. */
export async function defaultSystemToOwners(
  portal: PortalClient,
  answers: Answers,
  fields: Map<string, JsonSchema>,
) {
  const schema = fields.get('system');
  const owner = answers.values.owner;
  if (!schema || answers.values.system !== undefined) {
    return;
  }
  if (typeof owner !== 'string' || answers.problems.has('owner')) {
    // Known once the owner is: not worth a message of its own.
    answers.pending.add('system');
    return;
  }
  const systems = await queryEntities(portal, {
    kind: 'system',
    'relations.ownedBy': owner,
  });
  if (systems.length === 1) {
    answers.values.system = stringifyEntityRef(systems[0]);
    answers.sources.set('system', `the only system of ${owner}`);
    return;
  }
  answers.problems.set(
    'system',
    `--system is required: ${owner} owns ${
      systems.length === 0
        ? 'no system'
        : `${systems.length} systems (${systems
            .map(s => s.metadata.name)
            .join(', ')})`
    }; pass --system <system>`,
  );
}

/**
 * A clone URL for the service's repository: its source location when that
 * is a repository URL, else its GitHub project slug.
 */
export function cloneUrl(entity: Entity): string | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const source = annotations['backstage.io/source-location'];
  if (source?.startsWith('url:')) {
    const match = source
      .slice('url:'.length)
      .match(
        /^(https:\/\/[^/]+\/[^/]+\/[^/?#]+?)(?:\.git)?(?:\/(?:-\/)?(?:tree|blob|src)\/.*)?\/?$/,
      );
    if (match) {
      return `${match[1]}.git`;
    }
  }
  const slug = annotations['github.com/project-slug'];
  if (slug && /^[\w.-]+\/[\w.-]+$/.test(slug)) {
    return `https://github.com/${slug}.git`;
  }
  return undefined;
}

/**
 * For a preview of a service: the owner is the service's owner, and the
 * clone URL comes from the service's annotations. `service` is the
 * entity the command found for `--service`, if any.
 */
export function defaultsFromService(
  answers: Answers,
  fields: Map<string, JsonSchema>,
  service: Entity | undefined,
) {
  if (!service) {
    return;
  }
  const name = service.metadata.name;
  const owner = (service.spec as { owner?: unknown } | undefined)?.owner;
  const ownerSchema = fields.get('owner');
  if (
    ownerSchema &&
    answers.values.owner === undefined &&
    typeof owner === 'string'
  ) {
    answers.values.owner =
      completeEntityRef(owner, {
        ...ownerSchema,
        'ui:options': {
          ...ownerSchema['ui:options'],
          defaultNamespace: service.metadata.namespace ?? 'default',
        },
      }) ?? owner;
    answers.sources.set('owner', `the owner of ${name}`);
  }
  if (fields.has('repoUrl') && answers.values.repoUrl === undefined) {
    const url = cloneUrl(service);
    if (url) {
      answers.values.repoUrl = url;
      answers.sources.set('repoUrl', `the repository of ${name}`);
    } else {
      answers.problems.set(
        'repoUrl',
        `--repo-url is required: ${stringifyEntityRef(
          service,
        )} has no backstage.io/source-location or github.com/project-slug annotation to take it from`,
      );
    }
  }
}
