import fs from 'fs';
import { DEFAULT_CHECKS_FILE } from './CheckLoader';
import { ChecksFileError, parseChecksFile } from './parseChecksFile';

function problemsOf(text: string) {
  try {
    parseChecksFile(text, '/etc/scorecard/checks.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ChecksFileError);
    return error as ChecksFileError;
  }
  throw new Error('expected the file to be refused');
}

describe('parseChecksFile', () => {
  it('accepts the shipped default set', () => {
    const set = parseChecksFile(
      fs.readFileSync(DEFAULT_CHECKS_FILE, 'utf8'),
      DEFAULT_CHECKS_FILE,
    );
    expect(set.checks.map(c => [c.id, c.weight])).toEqual([
      ['ci-passing', 'critical'],
      ['has-owner', 'critical'],
      ['has-techdocs', 'high'],
      ['has-monitoring', 'high'],
      ['has-backups', 'medium'],
      ['has-oncall', 'medium'],
      ['has-cost-tags', 'low'],
    ]);
    expect(set.levels.map(l => l.id)).toEqual(['bronze', 'silver', 'gold']);
  });

  it('names the file, line and reason of a bad weight', () => {
    const error = problemsOf(`checks:
  - id: has-owner
    title: Owned
    weight: critical
    condition: { fact: owner.exists, equals: true }
  - id: has-docs
    title: Docs
    weight: urgent
    condition: { fact: annotations, has: backstage.io/techdocs-ref }
`);
    expect(error.problems).toEqual([
      expect.objectContaining({ line: 8, path: 'checks[1].weight' }),
    ]);
    expect(error.message).toContain('/etc/scorecard/checks.yaml:8:');
    expect(error.message).toMatch(/critical.*high.*medium.*low/);
  });

  it('points at an unknown operator inside a nested condition', () => {
    const error = problemsOf(`checks:
  - id: x
    title: X
    weight: low
    condition:
      allOf:
        - fact: annotations
          has: a
        - fact: tags
          matches: "^team-"
`);
    expect(error.problems[0]).toMatchObject({
      line: 10,
      path: 'checks[0].condition.allOf[1].matches',
      message: expect.stringContaining("unknown operator 'matches'"),
    });
  });

  it('reports unknown keys, duplicates, bad dates and missing fields', () => {
    const error = problemsOf(`levels:
  - id: bronze
    requires: [critical]
checks:
  - id: a
    title: A
    weight: low
    enforcedFrom: next week
    condition: { fact: tags, contains: x }
  - id: a
    title: A again
    weight: low
    colour: red
    condition: { fact: tags, contains: x }
  - id: b
    weight: low
    condition: { fact: tags, contains: x }
`);
    const byPath = Object.fromEntries(error.problems.map(p => [p.path, p]));
    expect(byPath['checks[0].enforcedFrom']).toMatchObject({
      line: 8,
      message: 'must be a date written as YYYY-MM-DD',
    });
    expect(byPath['checks[1].colour']).toMatchObject({
      line: 13,
      message: "unknown key 'colour'",
    });
    expect(byPath['checks[1].id'].message).toContain("duplicate check id 'a'");
    expect(byPath['checks[1].id'].line).toBe(10);
    expect(byPath['checks[2]']).toMatchObject({
      line: 15,
      message: 'title is required',
    });
  });

  it('reports YAML syntax errors with their line', () => {
    const error = problemsOf(`checks:
  - id: a
    title: [unclosed
    weight: low
`);
    expect(error.problems[0].line).toBeGreaterThanOrEqual(3);
    expect(error.message).toContain('/etc/scorecard/checks.yaml:');
  });

  it('refuses a file that is not a mapping', () => {
    expect(problemsOf('- just\n- a list\n').problems[0].message).toContain(
      'checks',
    );
  });
});
