import { modelsSource, tsType } from './openapiModels';

describe('tsType', () => {
  it.each([
    [{ $ref: '#/components/schemas/DoraScope' }, 'DoraScope'],
    [{ type: 'string', enum: ['org', 'team'] }, '"org" | "team"'],
    [{ const: 'deployment' }, '"deployment"'],
    [{ type: ['number', 'null'] }, 'number | null'],
    [{ type: 'integer' }, 'number'],
    [{ type: 'array', items: { $ref: '#/x/Row' } }, 'Row[]'],
    [
      { type: 'array', items: { type: ['string', 'null'] } },
      'Array<string | null>',
    ],
    [{ oneOf: [{ $ref: '#/a/A' }, { type: 'null' }] }, 'A | null'],
    [{ description: 'anything' }, 'unknown'],
    [{ type: 'object' }, '{\n  [key: string]: unknown;\n}'],
    [
      { type: 'object', additionalProperties: { type: 'number' } },
      '{ [key: string]: number }',
    ],
  ])('%j is %s', (schema, type) => {
    expect(tsType(schema)).toBe(type);
  });

  it('marks what is not required optional, and keeps descriptions', () => {
    expect(
      tsType({
        type: 'object',
        required: ['name'],
        properties: {
          name: { type: 'string', description: 'The name.' },
          'x-count': { type: 'integer' },
        },
      }),
    ).toBe(
      '{\n  /**\n   * The name.\n   */\n  name: string;\n  "x-count"?: number;\n}',
    );
  });
});

describe('modelsSource', () => {
  it('is one exported type per schema, in order', () => {
    expect(
      modelsSource({
        components: {
          schemas: {
            Scope: { type: 'string', enum: ['org'], description: 'Scope.' },
            List: { type: 'array', items: { $ref: '#/s/Scope' } },
          },
        },
      }),
    ).toBe(
      '/**\n * Scope.\n */\nexport type Scope = "org";\n\nexport type List = Scope[];\n',
    );
  });
});
