import { TestDatabases } from '@backstage/backend-test-utils';
import { bucketSql, changeValues, durationBucket } from './changeValues';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

/** Every octave's edges, and values in between. */
const durations = [
  0,
  1,
  2,
  3,
  ...Array.from({ length: 41 }, (_, k) => 2 ** k).flatMap(p => [
    p - 1,
    p,
    p + 1,
    Math.floor(p * 1.37),
  ]),
  86_399_999,
  86_400_000,
  2 ** 41 + 12_345,
].filter(v => v >= 0);

describe.each(databases.eachSupportedId())('change values on %s', id => {
  it('buckets a duration as the SQL does', async () => {
    const knex = await databases.init(id);
    const sql = await knex.raw(
      `SELECT v, ${bucketSql('v')} AS bucket FROM (${durations
        .map(v => `SELECT ${v} AS v`)
        .join(' UNION ALL ')}) t`,
    );
    const rows: Array<{ v: unknown; bucket: unknown }> = sql.rows ?? sql;
    expect(rows.map(r => [Number(r.v), durationBucket(Number(r.v))])).toEqual(
      rows.map(r => [Number(r.v), Number(r.bucket)]),
    );
  });
});

describe('changeValues', () => {
  it('measures lead time from PR open for a squash merge, else from the commit', () => {
    const base = {
      deployed_at: 10_000,
      authored_at: 1_000,
      pr_opened_at: 3_000,
      merged_at: 6_000,
    };
    expect(changeValues({ ...base, squash_merge: true })).toMatchObject({
      fallback: 1,
      lead_ms: 7_000,
      coding_ms: null,
      review_ms: 3_000,
      waiting_ms: 4_000,
    });
    expect(changeValues({ ...base, squash_merge: false })).toMatchObject({
      fallback: 0,
      lead_ms: 9_000,
      coding_ms: 2_000,
    });
    expect(
      changeValues({ ...base, deployed_at: null, squash_merge: true }),
    ).toMatchObject({ fallback: 0, lead_ms: null, lead_bucket: null });
  });
});
