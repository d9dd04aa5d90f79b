import { Entity } from '@backstage/catalog-model';
import { catalogExemptions, EXEMPTIONS_ANNOTATION } from './catalogExemptions';

const now = new Date('2026-11-25T12:00:00Z');
const ref = 'component:default/svc';

const withAnnotation = (value: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'svc', annotations: { [EXEMPTIONS_ANNOTATION]: value } },
});

const entry = (check: string, expires?: string) =>
  [
    `- check: ${check}`,
    '  reason: batch job',
    '  approver: user:default/jane',
    ...(expires ? [`  expires: ${expires}`] : []),
  ].join('\n');

describe('catalogExemptions', () => {
  it('honours an entry that expires within 366 days', () => {
    const { waivers, problemsFor } = catalogExemptions(
      withAnnotation(entry('has-oncall', '2027-11-26')),
      ref,
      now,
    );
    expect(waivers.get('has-oncall')).toMatchObject({
      source: 'catalog',
      entityRef: ref,
      createdBy: 'user:default/jane',
      expiresAt: '2027-11-26T00:00:00.000Z',
    });
    expect(problemsFor('has-oncall')).toEqual([]);
  });

  it('does not honour an entry beyond the cap of the waiver API, and says how to fix it', () => {
    const { waivers, problemsFor } = catalogExemptions(
      withAnnotation(entry('ci-passing', '2099-01-01')),
      ref,
      now,
    );
    expect(waivers.size).toBe(0);
    expect(problemsFor('ci-passing')).toEqual([
      `${EXEMPTIONS_ANNOTATION} entry 1 (ci-passing) is not honoured: it expires 2099-01-01, more than 366 days ahead: set expires to 2027-11-26 or earlier`,
    ]);
    expect(problemsFor('has-owner')).toEqual([]);
  });

  it('does not honour an entry without expires, or an expired one', () => {
    const { waivers, problemsFor } = catalogExemptions(
      withAnnotation(
        [entry('has-owner'), entry('has-oncall', '2020-01-01')].join('\n'),
      ),
      ref,
      now,
    );
    expect(waivers.size).toBe(0);
    expect(problemsFor('has-owner')).toEqual([
      expect.stringMatching(
        /entry 1 \(has-owner\) is not honoured: it has no expires: every entry needs check, reason, approver and expires \(YYYY-MM-DD, 2027-11-26 at the latest\)$/,
      ),
    ]);
    expect(problemsFor('has-oncall')).toEqual([
      expect.stringContaining(
        'entry 2 (has-oncall) is not honoured: it expired on 2020-01-01: fix the check, or renew the entry',
      ),
    ]);
  });

  it('reports a broken annotation, or an entry that names no check, for every check', () => {
    const broken = catalogExemptions(withAnnotation('- check: [a'), ref, now);
    expect(broken.problemsFor('anything')).toEqual([
      expect.stringMatching(/^paved-road.io\/scorecard-exemptions is not YAML/),
    ]);
    const anonymous = catalogExemptions(
      withAnnotation('- reason: x\n  expires: 2027-01-01'),
      ref,
      now,
    );
    expect(anonymous.problemsFor('has-owner')).toEqual([
      expect.stringContaining('entry 1 is not honoured: it has no check'),
    ]);
  });
});
