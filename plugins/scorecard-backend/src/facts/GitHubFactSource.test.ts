import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { GitHubFactSource } from './GitHubFactSource';
import { startGreenGitHub } from '../__testUtils__/greenGitHub';

const withSlug = (slug: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'svc', annotations: { 'github.com/project-slug': slug } },
});

describe('GitHubFactSource', () => {
  let github: Awaited<ReturnType<typeof startGreenGitHub>>;
  beforeAll(async () => {
    github = await startGreenGitHub();
  });
  afterAll(() => github.server.close());
  beforeEach(() => {
    github.requests.length = 0;
  });

  const source = (pavedRoad?: object, scorecardGithub?: object) =>
    GitHubFactSource.fromConfig(
      new ConfigReader({
        scorecard: {
          github: scorecardGithub ?? { baseUrl: github.baseUrl, token: 't' },
        },
        ...(pavedRoad ? { pavedRoad } : {}),
      }),
      mockServices.logger.mock(),
    );
  const allowingAcme = { github: { allowedOrganizations: ['Acme'] } };

  it('reads a repository of an allowed organisation (case-insensitive)', async () => {
    const result = await source(allowingAcme).collect(withSlug('acme/orders'));
    expect(result.values).toMatchObject({
      github: {
        repository: 'acme/orders',
        latestRun: { conclusion: 'success' },
      },
    });
    expect(result.note).toBeUndefined();
    expect(github.requests).toEqual([
      '/repos/acme/orders',
      '/repos/acme/orders/actions/runs',
    ]);
  });

  it('never asks GitHub about a repository outside the allowed organisations: no CI, and why', async () => {
    // Configured or not (scorecard.github empty): the answer needs no GitHub.
    for (const scorecardGithub of [undefined, {}]) {
      const result = await source(allowingAcme, scorecardGithub).collect(
        withSlug('someone-else/green-repo'),
      );
      expect(result).toMatchObject({
        source: 'github',
        values: { github: { repository: null, latestRun: null } },
        note: "repository someone-else/green-repo is outside the allowed GitHub organisations (acme; pavedRoad.github.allowedOrganizations): set github.com/project-slug to the component's own repository",
      });
      expect(result.unavailable).toBeUndefined();
    }
    expect(github.requests).toEqual([]);
  });

  it('allows nothing with an empty list, and any organisation when unset', async () => {
    const none = await source({ github: { allowedOrganizations: [] } }).collect(
      withSlug('acme/orders'),
    );
    expect(none.note).toContain(
      'outside the allowed GitHub organisations (none;',
    );
    expect(github.requests).toEqual([]);

    const any = await source().collect(withSlug('someone-else/green-repo'));
    expect(any.values).toMatchObject({
      github: { latestRun: { conclusion: 'success' } },
    });
  });
});
