import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readFileSync } from 'fs';
import { parse } from 'yaml';
import { resolveRef } from '../openApiRef';

/** An HTTP answer as supertest gives it. */
export interface OpenApiAnswer {
  status: number;
  headers: Record<string, unknown>;
  body: unknown;
  text?: string;
}

/** A JSON pointer's reference token for each part, joined by `/`. */
const pointer = (...parts: string[]) =>
  parts.map(p => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

const escapeRegExp = (text: string) =>
  text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A plugin's OpenAPI 3.1 contract (its src/schema/openapi.yaml), for a test
 * of its router: which operation a request is, whether an answer has a
 * status the operation documents, a documented content type and a body
 * valid against the spec's schema for them (ajv, JSON Schema 2020-12), and
 * which operations the test has checked so far.
 */
export class OpenApiContract {
  /** The spec, as parsed from the YAML file. */
  readonly spec: any;
  /** Every operation of the spec, as `<METHOD> <path>` (`{name}` params). */
  readonly operations: string[];
  /** The operations {@link OpenApiContract.check} has seen. */
  readonly checked = new Set<string>();
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });

  static fromFile(yamlPath: string): OpenApiContract {
    return new OpenApiContract(parse(readFileSync(yamlPath, 'utf8')));
  }

  constructor(spec: any) {
    this.spec = spec;
    this.operations = Object.entries(spec.paths).flatMap(([path, item]) =>
      Object.keys(item as object).map(m => `${m.toUpperCase()} ${path}`),
    );
    addFormats(this.ajv);
    this.ajv.addSchema(spec, 'spec');
  }

  /**
   * The operation (`<METHOD> <path>` of the spec) that a request to `url`
   * is: a path written out in the spec first, else one whose `{params}`
   * match a segment each.
   */
  operationOf(method: string, url: string): string | undefined {
    const path = url.split('?')[0];
    const candidates = this.operations
      .filter(o => o.startsWith(`${method.toUpperCase()} `))
      .map(o => o.slice(method.length + 1));
    const template = candidates
      .filter(c => c.includes('{'))
      .find(c =>
        new RegExp(
          `^${c
            .split(/\{[^}]+\}/)
            .map(escapeRegExp)
            .join('[^/]+')}$`,
        ).test(path),
      );
    const found = candidates.find(c => c === path) ?? template;
    return found && `${method.toUpperCase()} ${found}`;
  }

  /**
   * Why `answer` to `<method> <url>` is not what the spec documents, if it
   * is not (none: it is); the operation counts as checked.
   */
  check(method: string, url: string, answer: OpenApiAnswer): string[] {
    const operation = this.operationOf(method, url);
    if (!operation) return [`${method} ${url} is not in the spec`];
    this.checked.add(operation);
    return this.answerErrors(operation, answer);
  }

  private answerErrors(operation: string, answer: OpenApiAnswer): string[] {
    const [method, path] = operation.split(' ');
    const { responses } = this.spec.paths[path][method.toLowerCase()];
    const { status } = answer;
    const documented = responses[status] ? String(status) : 'default';
    if (!responses[documented]) return [`status ${status} is not documented`];
    let response = pointer('paths', path, method.toLowerCase(), 'responses');
    response += `/${pointer(documented)}`;
    const ref = responses[documented].$ref as string | undefined;
    // The schema's pointer for ajv: where the response is written out.
    if (ref) response = ref.slice(2);
    const responseObject = resolveRef(this.spec, responses[documented]);
    const contentType = String(answer.headers['content-type'] ?? '');
    const mediaType = contentType.split(';')[0].trim();
    const content = responseObject.content ?? {};
    const documentedType = [
      mediaType,
      `${mediaType.split('/')[0]}/*`,
      '*/*',
    ].find(t => t in content);
    if (!documentedType) {
      return [`status ${status} (${documented}): content type ${contentType}`];
    }
    if (!content[documentedType].schema) return [];
    let body = answer.body;
    if (!mediaType.endsWith('json')) {
      body = answer.text ?? (Buffer.isBuffer(body) ? body.toString() : body);
    }
    const validate = this.ajv.getSchema(
      `spec#/${response}/content/${pointer(documentedType)}/schema`,
    )!;
    return validate(body)
      ? []
      : [
          `status ${status} (${documented}): ${this.ajv.errorsText(
            validate.errors,
          )}`,
        ];
  }
}

/**
 * Every route of an express router and of the routers inside it, as
 * `<METHOD> <path>` with its parameters written `{name}` as in a spec;
 * each once, sorted.
 */
export function routerOperations(router: unknown): string[] {
  const routes = new Set<string>();
  const collect = (stack: any[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const path = String(layer.route.path).replace(/:(\w+)/g, '{$1}');
        for (const method of Object.keys(layer.route.methods)) {
          routes.add(`${method.toUpperCase()} ${path}`);
        }
      } else if (layer.handle?.stack) {
        collect(layer.handle.stack);
      }
    }
  };
  collect((router as { stack: any[] }).stack);
  return [...routes].sort();
}
