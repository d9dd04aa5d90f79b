import { mockServices } from '@backstage/backend-test-utils';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { CheckLoader, DEFAULT_CHECKS_FILE } from './CheckLoader';

const good = (title: string) => `levels:
  - id: bronze
    requires: [critical]
checks:
  - id: has-owner
    title: ${title}
    weight: critical
    condition: { fact: owner.exists, equals: true }
`;

describe('CheckLoader', () => {
  let dir: string;
  let file: string;
  const logger = mockServices.logger.mock();

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scorecard-checks-'));
    file = path.join(dir, 'checks.yaml');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const create = (checksFile?: string) =>
    CheckLoader.create({
      config: mockServices.rootConfig({
        data: checksFile ? { scorecard: { checks: { file: checksFile } } } : {},
      }),
      logger,
    });

  it('loads the shipped default file when none is configured', async () => {
    const loader = await create();
    expect(loader.file).toBe(DEFAULT_CHECKS_FILE);
    expect(loader.getChecks().checks).toHaveLength(7);
  });

  it('refuses a malformed file at startup with file, line and reason', async () => {
    fs.writeFileSync(
      file,
      good('Owned').replace('critical\n    condition', 'severe\n    condition'),
    );
    await expect(create(file)).rejects.toThrow(
      new RegExp(`${file}:7:5: checks\\[0\\]\\.weight`),
    );
  });

  it('keeps serving the last valid set after a bad reload, then picks up a good one', async () => {
    fs.writeFileSync(file, good('Owned'));
    const loader = await create(file);
    expect(loader.getChecks().checks[0].title).toBe('Owned');

    fs.writeFileSync(file, `${good('Broken')}  - id: x\n    weight: low\n`);
    await expect(loader.reload()).resolves.toBe(false);
    expect(loader.getChecks().checks[0].title).toBe('Owned');
    expect(loader.getLastError()?.message).toContain(`${file}:9:5`);
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining('still serving the last valid set'),
    );

    fs.writeFileSync(file, good('Owned by a team'));
    await expect(loader.reload()).resolves.toBe(true);
    expect(loader.getChecks().checks[0].title).toBe('Owned by a team');
    expect(loader.getLastError()).toBeUndefined();

    // Unchanged content is not re-parsed.
    await expect(loader.reload()).resolves.toBe(false);
  });

  it('keeps serving when the file disappears', async () => {
    fs.writeFileSync(file, good('Owned'));
    const loader = await create(file);
    fs.rmSync(file);
    await loader.reload();
    expect(loader.getChecks().checks).toHaveLength(1);
    expect(loader.getLastError()?.message).toContain('ENOENT');
  });
});
