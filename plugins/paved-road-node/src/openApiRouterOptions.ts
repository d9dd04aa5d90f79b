import type { createValidatedOpenApiRouter } from '@backstage/backend-openapi-utils';
import { InputError } from '@backstage/errors';
import express, { type ErrorRequestHandler, type Request } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import { resolveRef } from './openApiRef';

/** What a plugin's generated `createOpenApiRouter` takes. */
export type OpenApiRouterOptions = NonNullable<
  Parameters<typeof createValidatedOpenApiRouter>[1]
>;

type ValidatorOptions = Parameters<typeof OpenApiValidator.middleware>[0];

/** A query, path or header parameter of the spec, as far as we read one. */
interface SpecParameter {
  name?: string;
  in?: string;
  /** What a bad value is told, after `<name>: `; see invalidParameterMessage. */
  'x-invalid-message'?: string;
  schema?: {
    type?: string;
    enum?: unknown[];
    minimum?: number;
    maximum?: number;
  };
}

/** An express-openapi-validator error: one item per value it refused. */
interface ValidatorError {
  message?: string;
  errors?: { path?: string; message?: string }[];
}

/**
 * What a refused parameter is told: the parameter's own `x-invalid-message`
 * if the spec gives one, else what its schema allows (`must be one of a, b`,
 * `must be an integer from 1 to 1000`); undefined when the schema says
 * neither. One message per parameter, whatever the validator found wrong
 * (a value out of range, an empty or repeated one), as the handlers said it
 * before the spec validated.
 */
function invalidParameterMessage(parameter: SpecParameter): string | undefined {
  const { name, schema = {} } = parameter;
  if (parameter['x-invalid-message']) {
    return `${name}: ${parameter['x-invalid-message']}`;
  }
  if (Array.isArray(schema.enum)) {
    return `${name}: must be one of ${schema.enum.join(', ')}`;
  }
  if (
    schema.type === 'integer' &&
    schema.minimum !== undefined &&
    schema.maximum !== undefined
  ) {
    return `${name}: must be an integer from ${schema.minimum} to ${schema.maximum}`;
  }
  return undefined;
}

/** The parameters the matched operation declares, `$ref`s resolved. */
function operationParameters(spec: object, req: Request): SpecParameter[] {
  const operation = (req as { openapi?: { schema?: unknown } }).openapi
    ?.schema as { parameters?: SpecParameter[] } | undefined;
  return (operation?.parameters ?? []).map(parameter =>
    resolveRef(spec, parameter),
  );
}

/** Where the validator's error paths say a value was (`/query/limit`). */
const PARAMETER_LOCATIONS: Record<string, string> = {
  query: 'query',
  path: 'path',
  headers: 'header',
};

/**
 * What is said of one refused value: its parameter's message (see
 * invalidParameterMessage), else the validator's words after the name; a
 * query parameter the operation does not declare is named as unknown.
 * Undefined for what is no parameter's (a body's).
 */
function parameterRefusal(
  item: { path?: string; message?: string },
  parameters: SpecParameter[],
): string | undefined {
  const [, where, name] = item.path?.split('/') ?? [];
  const location = PARAMETER_LOCATIONS[where];
  if (!location || !name) return undefined;
  const parameter = parameters.find(p => p.in === location && p.name === name);
  if (!parameter) {
    return location === 'query' ? `${name}: unknown parameter` : undefined;
  }
  return invalidParameterMessage(parameter) ?? `${name}: ${item.message}`;
}

/**
 * Turns the validator's refusal into the 400 a client reads: what is said
 * of every refused parameter, once each, after `prefix` if given; or, when
 * anything else was refused (a body), the validator's own words, as
 * backend-openapi-utils says them.
 */
function refusalToInputError(
  spec: object,
  prefix: string | undefined,
): ErrorRequestHandler {
  return (error: ValidatorError, req, _res, next) => {
    const parameters = operationParameters(spec, req);
    const said = [
      ...new Set(
        (error.errors ?? []).map(item => parameterRefusal(item, parameters)),
      ),
    ];
    if (said.length === 0 || said.some(s => s === undefined)) {
      next(new InputError(error.message ?? 'Invalid request'));
      return;
    }
    const message = said.join('; ');
    next(new InputError(prefix ? `${prefix}: ${message}` : message));
  };
}

/**
 * The options Paved Road's backends build their OpenAPI router
 * (`createOpenApiRouter` of src/schema/openapi.generated.ts) with. Requests
 * are validated against `spec` by the validator of
 * @backstage/backend-openapi-utils, and a refused parameter gets the message
 * its spec entry gives (invalidParameterMessage), not the validator's
 * ("request/query/scope must be equal to one of the allowed values"): so the
 * validator runs here, as the router's middleware, with its own error
 * handler, and the router's built-in one is told to let everything through.
 *
 * Where the settings differ from backend-openapi-utils' defaults: bodies are
 * parsed before the router, by the plugin's own router with its own limits,
 * not by a default `express.json()` on every route (inside it, a parser's
 * error would become a 400). Unknown query parameters pass, except on an
 * operation with `x-eov-allow-unknown-query-parameters: false`. Backstage's
 * httpAuth checks credentials, not the validator. Every refused parameter
 * is said in one answer. Query values are coerced to their declared type
 * (`limit=20` is the integer 20, as `Number()` read it before).
 * `ignorePaths`: the requests left unvalidated altogether (the validator sees
 * the path relative to the router, or `<mount path>/<path>` once mounted).
 */
export function openApiRouterOptions(
  spec: object,
  options: {
    ignorePaths?: (path: string) => boolean;
    /** Said before what is said of refused parameters, e.g. `Invalid query`. */
    refusalPrefix?: string;
  } = {},
): OpenApiRouterOptions {
  const validator: ValidatorOptions = {
    apiSpec: spec as ValidatorOptions['apiSpec'],
    validateRequests: {
      coerceTypes: 'array',
      allowUnknownQueryParameters: true,
      // Every refused parameter in one answer, not the first alone.
      allErrors: true,
    },
    validateResponses: false,
    validateSecurity: false,
    useRequestUrl: true,
    ignoreUndocumented: true,
    ...(options.ignorePaths ? { ignorePaths: options.ignorePaths } : {}),
  };
  // One router: its error handler sees the validator's refusals only.
  const validation = express.Router();
  validation.use(OpenApiValidator.middleware(validator));
  validation.use(refusalToInputError(spec, options.refusalPrefix));
  return {
    middleware: [validation],
    // Validated above; the router's own validator would only repeat it.
    validatorOptions: {
      validateRequests: false,
      validateSecurity: false,
      ignorePaths: /.*/,
    },
  };
}
