/*
 * The wizard a template declares (`spec.parameters`): its pages, the
 * properties they ask for (conditional ones too), and its entity pickers.
 * The linter and the sample answers read it from the template's YAML,
 * `create` from the portal's parameter schema.
 */
import { JsonSchema, ParameterSchema } from '../portal/scaffolder';

function isSchema(value: unknown): value is JsonSchema {
  return Boolean(value) && typeof value === 'object' && !Array.isArray(value);
}

/** The wizard's pages: `spec.parameters` is one page or a list of them. */
export function wizardPages(parameters: unknown): JsonSchema[] {
  return [parameters ?? []].flat().filter(isSchema);
}

/**
 * Every schema of the pages that may declare properties: each page, its
 * allOf/anyOf/oneOf, if/then/else and dependencies, depth first.
 */
export function wizardSchemas(pages: JsonSchema[]): JsonSchema[] {
  const schemas: JsonSchema[] = [];
  const visit = (schema: unknown) => {
    if (!isSchema(schema)) {
      return;
    }
    schemas.push(schema);
    for (const key of ['allOf', 'anyOf', 'oneOf']) {
      [schema[key] ?? []].flat().forEach(visit);
    }
    ['if', 'then', 'else'].forEach(key => visit(schema[key]));
    Object.values(schema.dependencies ?? {}).forEach(visit);
  };
  pages.forEach(visit);
  return schemas;
}

/** Every property the pages ask for, by name (the first declaration wins). */
export function wizardProperties(pages: JsonSchema[]): Map<string, JsonSchema> {
  const properties = new Map<string, JsonSchema>();
  for (const schema of wizardSchemas(pages)) {
    for (const [name, property] of Object.entries<JsonSchema>(
      schema.properties ?? {},
    )) {
      if (!properties.has(name)) {
        properties.set(name, property);
      }
    }
  }
  return properties;
}

/** The wizard's entity pickers: their answers are entity refs. */
const PICKERS = new Set([
  'EntityPicker',
  'OwnerPicker',
  'OwnedEntityPicker',
  'MyGroupsPicker',
]);

/** The pickers whose entities are groups unless their options say otherwise. */
const GROUP_PICKERS = new Set(['OwnerPicker', 'MyGroupsPicker']);

/**
 * A catalogFilter as the wizard's pickers take it (`ui:options.catalogFilter`):
 * keys are entity paths (`kind`, `spec.type`), values a value, a list of
 * values (any of them), or `{ exists: true|false }`. A list of filters
 * matches when any one of them does.
 */
export type CatalogFilter = Record<
  string,
  | string
  | number
  | boolean
  | Array<string | number | boolean>
  | { exists: boolean }
>;

export function isPicker(schema: JsonSchema | undefined): boolean {
  return Boolean(schema && PICKERS.has(schema['ui:field']));
}

/** A picker's catalogFilter, always as a list (any one matches). */
export function pickerFilter(schema: JsonSchema): CatalogFilter[] | undefined {
  const filter = schema['ui:options']?.catalogFilter;
  if (!filter) {
    return undefined;
  }
  return Array.isArray(filter) ? filter : [filter];
}

/** The kinds a picker offers as its options name them (catalogFilter, allowedKinds), in order. */
export function pickerKinds(schema: JsonSchema): string[] {
  return [
    ...(pickerFilter(schema) ?? []).flatMap(f => [f.kind ?? []].flat()),
    ...[schema['ui:options']?.allowedKinds ?? []].flat(),
  ].filter((kind): kind is string => typeof kind === 'string');
}

/**
 * The kind a picker's short answer means (`--owner platform-team` →
 * Group): its defaultKind, the only kind it offers, or Group for the
 * owner and group pickers.
 */
export function pickerDefaultKind(schema: JsonSchema): string | undefined {
  const defaultKind = schema['ui:options']?.defaultKind;
  if (defaultKind) {
    return defaultKind;
  }
  const kinds = new Set(pickerKinds(schema));
  if (kinds.size === 1) {
    return [...kinds][0];
  }
  return GROUP_PICKERS.has(schema['ui:field']) ? 'Group' : undefined;
}

/** Every parameter the portal's parameter schema asks for, by name. */
export function wizardFields(
  parameters: ParameterSchema,
): Map<string, JsonSchema> {
  return wizardProperties(parameters.steps.map(step => step.schema));
}
