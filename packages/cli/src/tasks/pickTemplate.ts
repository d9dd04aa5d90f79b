/*
 * Which golden path a command runs: the catalog says. Service templates are
 * the templates of `spec.type: service`, and a service template's language is
 * one of its tags (go-service is tagged `go`, nodejs-service `nodejs` and
 * `typescript`), so a new golden path is picked up without a change here.
 */
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { ExitCode } from '../exitCodes';
import { getEntity, queryEntities } from '../portal/catalog';
import { CliError, PortalClient } from '../portal/PortalClient';

/** The tag that breaks a tie between templates that both fit. */
const PREFERRED_TAG = 'recommended';

function tags(template: Entity): string[] {
  return (template.metadata.tags ?? []).map(t => t.toLocaleLowerCase('en-US'));
}

function describe(templates: Entity[]): string {
  return templates
    .map(t => `${t.metadata.name} (tags: ${tags(t).join(', ') || 'none'})`)
    .join('; ');
}

/** The templates of one `spec.type`, as the catalog holds them. */
export function listTemplates(
  portal: PortalClient,
  type: string,
): Promise<Entity[]> {
  return queryEntities(portal, { kind: 'template', 'spec.type': type });
}

/** A template named on the command line (`--template go-service`). */
export async function getTemplate(
  portal: PortalClient,
  ref: string,
): Promise<Entity> {
  const full = parseEntityRef(ref, {
    defaultKind: 'template',
    defaultNamespace: 'default',
  });
  const template = await getEntity(portal, stringifyEntityRef(full));
  if (!template || template.kind.toLocaleLowerCase('en-US') !== 'template') {
    throw new CliError(
      `--template ${ref}: the catalog holds no template ${full.namespace}/${full.name}`,
      ExitCode.BadInput,
    );
  }
  return template;
}

/** One of several candidates: the only one, or the only `recommended` one. */
function pickOne(candidates: Entity[], what: string): Entity {
  if (candidates.length === 1) {
    return candidates[0];
  }
  const preferred = candidates.filter(t => tags(t).includes(PREFERRED_TAG));
  if (preferred.length === 1) {
    return preferred[0];
  }
  throw new CliError(
    `${candidates.length} templates fit ${what}: ${describe(
      candidates,
    )}; pick one with --template <name>`,
    ExitCode.BadInput,
  );
}

/** The service template for `--language`, from the service templates in the catalog. */
export function pickServiceTemplate(
  services: Entity[],
  language: string | undefined,
): Entity {
  if (services.length === 0) {
    throw new CliError(
      'the catalog holds no service template (kind Template, spec.type service); is the portal loading templates/?',
      ExitCode.Failed,
    );
  }
  if (!language) {
    throw new CliError(
      `--language is required: the service templates are ${describe(services)}`,
      ExitCode.BadInput,
    );
  }
  const wanted = language.toLocaleLowerCase('en-US');
  const matches = services.filter(t => tags(t).includes(wanted));
  if (matches.length === 0) {
    throw new CliError(
      `--language ${language}: no service template is tagged "${wanted}"; the service templates are ${describe(
        services,
      )}`,
      ExitCode.BadInput,
    );
  }
  return pickOne(matches, `--language ${language}`);
}

/** The template of a type with no further choice (`environment`). */
export function pickTemplateOfType(templates: Entity[], type: string): Entity {
  if (templates.length === 0) {
    throw new CliError(
      `the catalog holds no template of spec.type ${type}; is the portal loading templates/?`,
      ExitCode.Failed,
    );
  }
  return pickOne(templates, `spec.type ${type}`);
}
