import { sampleValue, sampleValues } from './sampleValues';

describe('sampleValues', () => {
  it("answers each page of the wizard: defaults, then examples, then an enum's first value", () => {
    expect(
      sampleValues([
        {
          required: ['size'],
          properties: {
            size: { type: 'string', enum: ['small', 'large'] },
            replicas: { type: 'integer', default: 3 },
            region: { type: 'string', examples: ['eu-west-1'] },
            note: { type: 'string' },
          },
        },
        { properties: { debug: { type: 'boolean', default: false } } },
      ]),
    ).toEqual({
      size: 'small',
      replicas: 3,
      region: 'eu-west-1',
      debug: false,
    });
  });

  it('gives a required field without a default a placeholder of its type', () => {
    expect(
      sampleValues({
        required: [
          'name',
          'owner',
          'system',
          'count',
          'tags',
          'enabled',
          'repo',
        ],
        properties: {
          name: { type: 'string', pattern: '^[a-z][a-z0-9-]{1,38}[a-z0-9]$' },
          owner: { type: 'string', 'ui:field': 'OwnerPicker' },
          system: {
            type: 'string',
            'ui:field': 'EntityPicker',
            'ui:options': { catalogFilter: [{ kind: 'System' }] },
          },
          count: { type: 'integer', minimum: 5 },
          tags: { type: 'array', items: { type: 'string' }, minItems: 1 },
          enabled: { type: 'boolean' },
          repo: { type: 'string', 'ui:field': 'RepoUrlPicker' },
        },
      }),
    ).toEqual({
      name: 'check-name',
      owner: 'group:default/check-owner',
      system: 'system:default/check-system',
      count: 5,
      tags: ['check-tags'],
      enabled: false,
      repo: 'github.com?owner=check&repo=check-repo',
    });
  });

  it.each([
    ['^[A-Z]{3}-\\d{4}$', 'AAA-0000'],
    ['^v[0-9]+\\.[0-9]+$', 'v0.0'],
    ['^(foo|bar)_[0-9]{2}$', 'foo_00'],
    ['^[^@]+@corp\\.com$', 'a@corp.com'],
    [
      '^(https://[A-Za-z0-9.-]+/[A-Za-z0-9._~/-]+|git@[A-Za-z0-9.-]+:[A-Za-z0-9._~/-]+)$',
      'https://git.example.com/check/check-ticket.git',
    ],
  ])('makes a string that matches %s', (pattern, expected) => {
    const value = sampleValue({ type: 'string', pattern }, true, 'ticket');
    expect(value).toBe(expected);
    expect(new RegExp(pattern).test(value as string)).toBe(true);
  });
});
