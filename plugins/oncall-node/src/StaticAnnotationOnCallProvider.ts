import { AuthService } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_ON_CALL,
  OnCallContact,
  OnCallRotation,
} from '@internal/plugin-oncall-common';
import { OnCallProvider } from './provider';

/** What the contact needs of the on-call user, and no more. */
const CONTACT_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'spec.profile',
];

/** `marco-rossi` or `user:default/marco-rossi`, as a full ref. */
function onCallRef(entity: Entity): string | undefined {
  const value = entity.metadata.annotations?.[ANNOTATION_ON_CALL];
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
    // Not a ref: shown as written, as not in the catalog.
    return value;
  }
}

/** A user's (or group's) name and email, from the catalog. */
function contactOf(entity: Entity): OnCallContact {
  const profile = (entity.spec?.profile ?? {}) as {
    displayName?: string;
    email?: string;
  };
  return {
    name: entity.metadata.title ?? profile.displayName ?? entity.metadata.name,
    email: profile.email,
    userEntityRef: stringifyEntityRef(entity),
  };
}

/**
 * Who is on call from the `paved-road.io/on-call` annotation, read as the
 * on-call card has always read it: a User ref or a bare user name, resolved
 * in the catalog to the user's title (or display name, or name) and email.
 * A ref the catalog does not have is answered as written, marked
 * `notInCatalog`. One level, the primary, always on call: the annotation
 * knows no schedule, no escalation and no incidents.
 *
 * The on-call backend asks it last, for the entities no on-call source
 * answers for.
 *
 * @public
 */
export class StaticAnnotationOnCallProvider implements OnCallProvider {
  readonly id = 'annotation';

  static create(options: {
    catalog: CatalogService;
    auth: AuthService;
  }): StaticAnnotationOnCallProvider {
    return new StaticAnnotationOnCallProvider(options.catalog, options.auth);
  }

  private constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
  ) {}

  answers(entity: Entity): boolean {
    return onCallRef(entity) !== undefined;
  }

  async onCallNow(entity: Entity): Promise<OnCallRotation[]> {
    const ref = onCallRef(entity);
    if (!ref) {
      return [];
    }
    const { items } = await this.catalog.getEntitiesByRefs(
      { entityRefs: [ref], fields: CONTACT_FIELDS },
      { credentials: await this.auth.getOwnServiceCredentials() },
    );
    const person = items[0];
    const contact = person
      ? contactOf(person)
      : { name: ref, userEntityRef: ref, notInCatalog: true };
    return [{ levels: [{ level: 1, now: [{ contact }], next: [] }] }];
  }
}
