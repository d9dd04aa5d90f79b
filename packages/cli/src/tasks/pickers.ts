/*
 * The wizard's entity pickers (owner, system, service): their answers are
 * entity refs, completed from the short names people type, and must name
 * entities the picker would offer (in the catalog, within its
 * catalogFilter).
 */
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { getEntity } from '../portal/catalog';
import { PortalClient } from '../portal/PortalClient';
import { JsonSchema } from '../portal/scaffolder';
import {
  CatalogFilter,
  isPicker,
  pickerDefaultKind,
  pickerFilter,
} from '../templates/wizard';
import type { Answers, FlagFor } from './answers';

/** A picker's answer as the full ref the wizard's picker would store. */
export function completeEntityRef(
  value: string,
  schema: JsonSchema,
): string | undefined {
  try {
    return stringifyEntityRef(
      parseEntityRef(value, {
        defaultKind: pickerDefaultKind(schema),
        defaultNamespace: schema['ui:options']?.defaultNamespace || 'default',
      }),
    );
  } catch {
    return undefined;
  }
}

/** Completes every picker answer to a full entity ref, in place. */
export function completeEntityRefs(
  answers: Answers,
  fields: Map<string, JsonSchema>,
) {
  for (const [name, value] of Object.entries(answers.values)) {
    const schema = fields.get(name);
    if (typeof value === 'string' && schema && isPicker(schema)) {
      answers.values[name] = completeEntityRef(value, schema) ?? value;
    }
  }
}

/**
 * Picker answers must name entities the picker would offer: in the catalog
 * and within its catalogFilter (a team for an owner, a service for a
 * preview). `known` saves lookups the command already made.
 */
export async function checkPickedEntities(options: {
  portal: PortalClient;
  answers: Answers;
  fields: Map<string, JsonSchema>;
  flagFor: FlagFor;
  known?: Map<string, Entity>;
}): Promise<string[]> {
  const { portal, answers, fields, flagFor } = options;
  const problems: string[] = [];
  for (const [name, value] of Object.entries(answers.values)) {
    const schema = fields.get(name);
    if (
      !schema ||
      !isPicker(schema) ||
      typeof value !== 'string' ||
      answers.problems.has(name)
    ) {
      continue;
    }
    const title = schema.title ?? name;
    const entity =
      options.known?.get(value) ?? (await getEntity(portal, value));
    if (!entity) {
      problems.push(
        `${flagFor(name)} ${JSON.stringify(
          value,
        )}: '${title}': the catalog holds no ${value}`,
      );
      continue;
    }
    const filter = pickerFilter(schema);
    if (!matchesCatalogFilter(entity, filter)) {
      const type = (entity.spec as { type?: string } | undefined)?.type;
      problems.push(
        `${flagFor(name)} ${JSON.stringify(
          value,
        )}: '${title}' must be ${describeCatalogFilter(filter)} (it is ${
          entity.kind
        }${type ? `, spec.type=${type}` : ''})`,
      );
    }
  }
  return problems;
}

function valuesAt(entity: unknown, path: string): unknown[] {
  let current: unknown[] = [entity];
  for (const key of path.split('.')) {
    current = current.flatMap(value => {
      if (Array.isArray(value)) {
        return value.map(v => (v as Record<string, unknown>)?.[key]);
      }
      return [(value as Record<string, unknown> | undefined)?.[key]];
    });
  }
  return current
    .flatMap(value => (Array.isArray(value) ? value : [value]))
    .filter(value => value !== undefined && value !== null);
}

/** Does the entity pass the picker's catalogFilter (case-insensitive, as the catalog compares)? */
export function matchesCatalogFilter(
  entity: Entity,
  filter: CatalogFilter | CatalogFilter[] | undefined,
): boolean {
  if (!filter) {
    return true;
  }
  const filters = Array.isArray(filter) ? filter : [filter];
  if (filters.length === 0) {
    return true;
  }
  return filters.some(one =>
    Object.entries(one).every(([path, expected]) => {
      const actual = valuesAt(entity, path).map(v =>
        String(v).toLocaleLowerCase('en-US'),
      );
      if (
        expected &&
        typeof expected === 'object' &&
        !Array.isArray(expected)
      ) {
        return expected.exists ? actual.length > 0 : actual.length === 0;
      }
      const wanted = (Array.isArray(expected) ? expected : [expected]).map(v =>
        String(v).toLocaleLowerCase('en-US'),
      );
      return actual.some(v => wanted.includes(v));
    }),
  );
}

/** A filter as one line, for messages: `kind=Group, spec.type=team`. */
export function describeCatalogFilter(
  filter: CatalogFilter | CatalogFilter[] | undefined,
): string {
  const filters = [filter ?? []].flat();
  return filters
    .map(one =>
      Object.entries(one)
        .map(([key, value]) =>
          value && typeof value === 'object' && !Array.isArray(value)
            ? `${key} ${value.exists ? 'set' : 'unset'}`
            : `${key}=${Array.isArray(value) ? value.join('|') : value}`,
        )
        .join(', '),
    )
    .join(' or ');
}
