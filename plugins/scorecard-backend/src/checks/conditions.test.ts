import { evaluateCondition, FactLookup, validateCondition } from './conditions';
import { readPath } from './conditions';

function facts(
  values: Record<string, unknown>,
  unknownRoots: Record<string, string> = {},
): FactLookup {
  return {
    get(path) {
      const root = path.split('.')[0];
      if (unknownRoots[root]) {
        return { unknown: unknownRoots[root] };
      }
      return { value: readPath(values, path) };
    },
  };
}

describe('conditions', () => {
  const entity = {
    annotations: { 'pagerduty.com/service-id': 'P1', empty: '' },
    tags: ['java'],
    linkTitles: ['Runbook'],
    lifecycle: 'production',
    dependencies: {
      databases: [
        { ref: 'resource:default/a', annotations: { backup: 'daily' } },
        { ref: 'resource:default/b', annotations: {} },
      ],
    },
  };

  it.each([
    [{ fact: 'annotations', has: 'pagerduty.com/service-id' }, true],
    [{ fact: 'annotations', has: 'empty' }, false],
    [{ fact: 'lifecycle', equals: 'production' }, true],
    [{ fact: 'lifecycle', in: ['experimental', 'production'] }, true],
    [{ fact: 'tags', contains: 'java' }, true],
    [{ fact: 'missing', exists: false }, true],
    [{ fact: 'tags', exists: true }, true],
    [{ not: { fact: 'tags', contains: 'go' } }, true],
    [
      {
        anyOf: [
          { fact: 'tags', contains: 'go' },
          { fact: 'linkTitles', contains: 'Runbook' },
        ],
      },
      true,
    ],
    [
      {
        fact: 'dependencies.databases',
        every: { fact: 'annotations', has: 'backup' },
      },
      false,
    ],
    [
      {
        fact: 'dependencies.databases',
        some: { fact: 'annotations', has: 'backup' },
      },
      true,
    ],
  ])('%j is %s', (condition, expected) => {
    expect(validateCondition(condition)).toEqual([]);
    expect(evaluateCondition(condition as any, facts(entity)).truth).toBe(
      expected,
    );
  });

  it('names the failing items of every', () => {
    const outcome = evaluateCondition(
      {
        fact: 'dependencies.databases',
        every: { fact: 'annotations', has: 'backup' },
      },
      facts(entity),
    );
    expect(outcome.reason).toBe(
      "resource:default/b.annotations has no 'backup'",
    );
  });

  it('is unknown when a needed fact has no data, unless decided without it', () => {
    const lookup = facts(entity, { github: 'GitHub is not configured' });
    const ci = {
      allOf: [
        { fact: 'annotations', has: 'pagerduty.com/service-id' },
        { fact: 'github.latestRun.conclusion', equals: 'success' },
      ],
    };
    expect(evaluateCondition(ci, lookup)).toMatchObject({
      truth: 'unknown',
      reason: expect.stringContaining('GitHub is not configured'),
    });
    // A definite false elsewhere in allOf decides without the missing fact.
    const decided = {
      allOf: [
        { fact: 'annotations', has: 'nope' },
        { fact: 'github.latestRun.conclusion', equals: 'success' },
      ],
    };
    expect(evaluateCondition(decided, lookup).truth).toBe(false);
    expect(evaluateCondition({ not: ci.allOf[1] } as any, lookup).truth).toBe(
      'unknown',
    );
  });

  it('rejects shapes that are not part of the language', () => {
    expect(validateCondition('annotations.has("x")')[0].message).toContain(
      'must be a mapping',
    );
    expect(
      validateCondition({ fact: 'a', equals: 1, in: [1] })[0].message,
    ).toContain('exactly one operator');
    expect(validateCondition({ allOf: [] })[0]).toMatchObject({
      path: ['allOf'],
    });
    expect(
      validateCondition({ fact: 'x', every: { fact: 'y' } })[0],
    ).toMatchObject({ path: ['every'] });
  });
});
