/*
 * A typed client of an OpenAPI 3.1 spec, for the plugin's -common package:
 * `DefaultApiClient` with a method per operation (named after its
 * operationId), as `backstage-repo-tools package schema openapi generate
 * --client-package` would write it (that needs the openapi-generator jar).
 * Parameters and bodies are typed from the spec, answers with the models of
 * openapiModels.ts; the method sends the request (sendApiRequest of
 * @internal/paved-road-common) and resolves with the `Response`, whatever
 * its status.
 */
import { resolveRef } from '../openApiRef';
import {
  doc,
  generatedBanner,
  modelsFile,
  propertyAccess,
  propertyKey,
  Schema,
  tsType,
} from './openapiModels';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** `GetMetrics` → `getMetrics`. */
const methodName = (operationId: string) =>
  operationId.charAt(0).toLowerCase() + operationId.slice(1);

/** A parameter's type: untyped query values are sent as strings. */
function parameterType(parameter: Schema): string {
  const type = tsType(parameter.schema);
  return type === 'unknown' ? 'string' : type;
}

/** The `{ name?: T; ... }` of the parameters `where` (query or path). */
function parametersType(parameters: Schema[], where: string): string {
  const members = parameters
    .filter(p => p.in === where)
    .map(
      p =>
        `${propertyKey(p.name)}${p.required ? '' : '?'}: ${parameterType(p)};`,
    );
  return members.length ? `{ ${members.join(' ')} }` : '';
}

/** The JSON type of the 2xx answers, or `unknown`. */
function answerType(spec: Schema, operation: Schema): string {
  const types = Object.entries<Schema>(operation.responses ?? {})
    .filter(([status]) => /^2\d\d$/.test(status))
    .map(([, response]) => resolveRef(spec, response))
    .map(response => response.content?.['application/json']?.schema)
    .filter(Boolean)
    .map(schema => tsType(schema));
  return types.length ? [...new Set(types)].join(' | ') : 'unknown';
}

/** The JSON body's type, if the operation takes one as JSON. */
function bodyType(operation: Schema): string | undefined {
  const schema = operation.requestBody?.content?.['application/json']?.schema;
  return schema ? tsType(schema) : undefined;
}

/** One method of DefaultApiClient. */
function methodSource(
  spec: Schema,
  path: string,
  method: string,
  operation: Schema,
): string {
  const parameters = (operation.parameters ?? []).map((p: Schema) =>
    resolveRef(spec, p),
  );
  const pathType = parametersType(parameters, 'path');
  const queryType = parametersType(parameters, 'query');
  const body = bodyType(operation);
  const request = [
    pathType && `path: ${pathType};`,
    queryType && `query?: ${queryType};`,
    body && `body${operation.requestBody?.required ? '' : '?'}: ${body};`,
  ].filter(Boolean);
  const uri = path.replace(
    /\{([^}]+)\}/g,
    (_, name: string) =>
      `\${encodeURIComponent(String(request.path${propertyAccess(name)}))}`,
  );
  const requestParameter = request.length
    ? `request: { ${request.join(' ')} }`
    : '_request: {} = {}';
  return `${doc(
    operation.summary ?? operation.description,
    '  ',
  )}  async ${methodName(operation.operationId)}(
    ${requestParameter},
    options?: RequestOptions,
  ): Promise<TypedResponse<${answerType(spec, operation)}>> {
    return sendApiRequest(this.apis, pluginId, {
      method: ${JSON.stringify(method.toUpperCase())},
      path: \`${uri}\`,
      ${queryType ? 'query: request.query,' : ''}
      ${body ? 'body: request.body,' : ''}
    }, options);
  }
`;
}

/** The client module (before prettier) for `spec`, importing `models`. */
export function clientSource(spec: Schema, models: string): string {
  const modelNames = Object.keys(spec.components?.schemas ?? {});
  const methods = Object.entries<Schema>(spec.paths ?? {}).flatMap(
    ([path, item]) =>
      Object.entries<Schema>(item)
        .filter(([method]) => METHODS.includes(method))
        .map(([method, operation]) =>
          methodSource(spec, path, method, operation),
        ),
  );
  const used = modelNames.filter(name =>
    methods.some(m => new RegExp(`\\b${name}\\b`).test(m)),
  );
  return `import {
  sendApiRequest,
  type ApiClientOptions,
  type RequestOptions,
  type TypedResponse,
} from '@internal/paved-road-common';
${used.length ? `import type { ${used.join(', ')} } from '${models}';\n` : ''}
/** The plugin whose base URL the client asks discovery for. */
export const pluginId = ${JSON.stringify(spec.info.title)};

/** The plugin's API, an operation of its spec a method. */
export class DefaultApiClient {
  private readonly apis: ApiClientOptions;

  constructor(options: ApiClientOptions) {
    this.apis = options;
  }

${methods.join('\n')}}
`;
}

/**
 * The client file of a backend plugin's spec (before prettier):
 * src/schema/openapi.client.generated.ts of its -common package.
 */
export function clientFile(spec: Schema, backendDir: string): string {
  return `${generatedBanner(
    `${backendDir}/src/schema/openapi.yaml`,
    `yarn --cwd ${backendDir} generate:spec`,
  )}
${clientSource(spec, './openapi.models.generated')}`;
}

/**
 * What `generate:spec --models` writes into the -common package's
 * src/schema for a backend plugin's spec: file name and source (before
 * prettier). The backend's contract test checks the committed files.
 */
export function commonSchemaFiles(
  spec: Schema,
  backendDir: string,
): Array<[file: string, source: string]> {
  return [
    ['openapi.models.generated.ts', modelsFile(spec, backendDir)],
    ['openapi.client.generated.ts', clientFile(spec, backendDir)],
  ];
}
