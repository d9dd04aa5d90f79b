import { checkInput, describeIssue } from './inputSchema';

const issues = (schema: object, input: unknown) =>
  checkInput(schema, input).map(issue => describeIssue(issue, 'acme:act'));

describe('checkInput', () => {
  const either = {
    anyOf: [
      {
        type: 'object',
        properties: { url: { type: 'string' } },
        required: ['url'],
        additionalProperties: false,
      },
      {
        type: 'object',
        properties: { host: { type: 'string' }, port: { type: 'integer' } },
        required: ['host', 'port'],
        additionalProperties: false,
      },
    ],
  };

  it('takes an anyOf branch satisfied once templated values are set aside', () => {
    expect(
      issues(either, { host: 'db', port: '${{ parameters.port }}' }),
    ).toEqual([]);
  });

  it('explains an anyOf by the branch closest to matching', () => {
    expect(issues(either, { host: 'db', port: 'five' })).toEqual([
      'input.port: must be integer, got string "five"',
    ]);
  });

  it('reports the "then" of an if/then, and not when the value is templated', () => {
    const schema = {
      type: 'object',
      properties: { kind: { type: 'string' }, schedule: { type: 'string' } },
      if: { properties: { kind: { const: 'job' } } },
      then: { required: ['schedule'] },
    };
    expect(issues(schema, { kind: 'job' })).toEqual([
      'input: missing required field "schedule" of acme:act',
    ]);
    expect(
      issues(schema, { kind: 'job', schedule: '${{ parameters.cron }}' }),
    ).toEqual([]);
  });

  it('checks items of arrays, and leaves a templated item alone', () => {
    const schema = {
      type: 'object',
      properties: { ports: { type: 'array', items: { type: 'integer' } } },
    };
    expect(
      issues(schema, { ports: [80, '${{ parameters.port }}', 'http'] }),
    ).toEqual(['input.ports[2]: must be integer, got string "http"']);
  });
});
