import { Entity } from '@backstage/catalog-model';
import { CheckDefinition } from '@internal/plugin-scorecard-common';
import { EntityFacts, evaluateEntity } from './evaluateEntity';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'a', tags: ['Java'], annotations: { x: '1' } },
  spec: { type: 'service', lifecycle: 'experimental' },
};

const check = (overrides: Partial<CheckDefinition>): CheckDefinition => ({
  id: 'c',
  title: 'C',
  weight: 'low',
  condition: { fact: 'annotations', has: 'x' },
  ...overrides,
});

const now = new Date('2026-11-25T00:00:00Z');
const facts = new EntityFacts(
  {
    catalog: {
      source: 'catalog',
      collectedAt: now,
      values: { annotations: { x: '1' }, tags: ['Java'] },
    },
  },
  now,
  1000,
);

describe('evaluateEntity', () => {
  it('applies kind, type, lifecycle and tag filters case-insensitively', () => {
    const [kind, type, lifecycle, tag, tagOk] = evaluateEntity({
      entity,
      facts,
      now,
      checks: [
        check({ id: 'k', appliesTo: { kind: ['API'] } }),
        check({ id: 't', appliesTo: { type: ['website'] } }),
        check({ id: 'l', appliesTo: { lifecycle: ['production'] } }),
        check({ id: 'g', appliesTo: { tag: ['go'] } }),
        check({ id: 'ok', appliesTo: { kind: ['component'], tag: ['java'] } }),
      ],
    });
    expect(kind).toMatchObject({
      state: 'not_applicable',
      reason: expect.stringContaining('kind API'),
    });
    expect(type.state).toBe('not_applicable');
    expect(lifecycle.reason).toContain('experimental');
    expect(tag.state).toBe('not_applicable');
    expect(tagOk.state).toBe('pass');
  });

  it('turns a throwing evaluation into the error state', () => {
    const broken = {
      get: () => {
        throw new Error('boom');
      },
      timestamps: () => [],
    } as unknown as EntityFacts;
    const [result] = evaluateEntity({
      entity,
      facts: broken,
      now,
      checks: [check({})],
    });
    expect(result).toMatchObject({
      state: 'error',
      reason: 'evaluation failed: boom',
    });
  });

  it('reports stale facts as no data', () => {
    const later = new Date(now.getTime() + 5000);
    const [result] = evaluateEntity({
      entity,
      facts: new EntityFacts(
        { catalog: { source: 'catalog', collectedAt: now, values: {} } },
        later,
        1000,
      ),
      now: later,
      checks: [check({})],
    });
    expect(result).toMatchObject({
      state: 'no_data',
      reason: expect.stringContaining('stale'),
    });
  });

  it("adds why the entity's own waiver is not honoured to a failing check only", () => {
    const [failing, passing] = evaluateEntity({
      entity,
      facts,
      now,
      checks: [
        check({ id: 'f', condition: { fact: 'annotations', has: 'y' } }),
        check({ id: 'p' }),
      ],
      waiverProblems: id => [`entry for ${id} is not honoured`],
    });
    expect(failing).toMatchObject({
      state: 'fail',
      reason: "annotations has no 'y'; entry for f is not honoured",
    });
    expect(passing).toMatchObject({
      state: 'pass',
      reason: "annotations has 'x'",
    });
  });

  it("adds a fact source's note to the reason of a check it fails", () => {
    const [result] = evaluateEntity({
      entity,
      facts: new EntityFacts(
        {
          catalog: { source: 'catalog', collectedAt: now, values: {} },
          github: {
            source: 'github',
            collectedAt: now,
            values: { github: { latestRun: null } },
            note: 'repository x/y is outside the allowed GitHub organisations',
          },
        },
        now,
        1000,
      ),
      now,
      checks: [
        check({
          condition: { fact: 'github.latestRun.conclusion', equals: 'success' },
        }),
      ],
    });
    expect(result).toMatchObject({
      state: 'fail',
      reason:
        'github.latestRun.conclusion is missing, expected "success" (github: repository x/y is outside the allowed GitHub organisations)',
    });
  });
});
