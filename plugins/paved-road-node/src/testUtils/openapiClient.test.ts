import { clientSource } from './openapiClient';

const spec = {
  info: { title: 'things' },
  paths: {
    '/things/{kind}/{name}': {
      get: {
        operationId: 'GetThing',
        description: 'One thing.',
        parameters: [
          { $ref: '#/components/parameters/kind' },
          { name: 'name', in: 'path', required: true, schema: {} },
          {
            name: 'limit',
            in: 'query',
            schema: { type: 'integer', minimum: 1 },
          },
          { name: 'ref', in: 'query', schema: {} },
        ],
        responses: {
          '200': {
            description: 'ok',
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/Thing' },
              },
            },
          },
          '404': { description: 'none' },
        },
      },
    },
    '/things': {
      post: {
        operationId: 'CreateThing',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: { $ref: '#/components/schemas/Thing' },
            },
          },
        },
        responses: { '201': { $ref: '#/components/responses/Created' } },
      },
    },
  },
  components: {
    parameters: {
      kind: {
        name: 'kind',
        in: 'path',
        required: true,
        schema: { type: 'string', enum: ['a', 'b'] },
      },
    },
    responses: {
      Created: {
        description: 'created',
        content: {
          'application/json': {
            schema: { $ref: '#/components/schemas/Thing' },
          },
        },
      },
    },
    schemas: { Thing: { type: 'object' }, Unused: { type: 'string' } },
  },
};

describe('clientSource', () => {
  const source = clientSource(spec, './models');

  it('imports the models its methods use, and names the plugin', () => {
    expect(source).toContain("import type { Thing } from './models';");
    expect(source).toContain('export const pluginId = "things";');
  });

  it('types each operation from its parameters, body and answer', () => {
    expect(source).toMatch(
      /async getThing\(\s*request: \{ path: \{ kind: "a" \| "b"; name: string; \}; query\?: \{ limit\?: number; ref\?: string; \}; \},\s*options\?: RequestOptions,\s*\): Promise<TypedResponse<Thing>>/,
    );
    expect(source).toMatch(
      /async createThing\(\s*request: \{ body: Thing; \},\s*options\?: RequestOptions,\s*\): Promise<TypedResponse<Thing>>/,
    );
  });

  it('encodes path parameters and sends query and body', () => {
    expect(source).toContain(
      'path: `/things/${encodeURIComponent(String(request.path.kind))}/${encodeURIComponent(String(request.path.name))}`',
    );
    expect(source).toContain('method: "GET",');
    expect(source).toMatch(/query: request\.query,/);
    expect(source).toMatch(/body: request\.body,/);
  });
});
