import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { DoraEvent } from '@internal/plugin-dora-common';
import { Octokit } from '@octokit/rest';
import { BackfillCursors } from '../database/types';
import { githubToEvents, outsideAllowedOrganizations } from '../service/github';
import { IngestionService } from '../service/ingestion';

const SLUG = 'github.com/project-slug';

type PageItem = { at: number; events: DoraEvent[] };

/**
 * Backfills and reconciles deployments and merged pull requests from GitHub
 * for every catalog Component annotated `github.com/project-slug`.
 *
 * Events get the same idempotency keys as the webhook receiver, so webhook
 * deliveries and backfill converge on one row. Progress is kept per
 * repository and resource in `dora_backfill_cursors`: a run that dies resumes
 * at the page it stopped at; a finished pass only looks at newer items the
 * next time.
 */
export class GithubBackfill {
  private readonly perPage: number;

  constructor(
    private readonly options: {
      octokit: Octokit;
      /** Where the progress is kept: the store (DatabaseDoraStore). */
      store: BackfillCursors;
      ingestion: IngestionService;
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
      lookbackMs: number;
      /** Lower-case; undefined for any (`pavedRoad.github.allowedOrganizations`). */
      allowedOrganizations?: string[];
      perPage?: number;
      now?: () => number;
    },
  ) {
    this.perPage = options.perPage ?? 100;
  }

  async run(): Promise<{
    repositories: number;
    events: number;
    failed: number;
    skipped: number;
  }> {
    const { catalog, auth, logger, allowedOrganizations } = this.options;
    const { items } = await catalog.getEntities(
      {
        filter: {
          kind: 'Component',
          [`metadata.annotations.${SLUG}`]: CATALOG_FILTER_EXISTS,
        },
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.annotations',
        ],
      },
      { credentials: await auth.getOwnServiceCredentials() },
    );
    const byRepo = new Map<string, string[]>();
    for (const e of items) {
      const slug = e.metadata.annotations?.[SLUG];
      if (!slug || !/^[\w.-]+\/[\w.-]+$/.test(slug)) continue;
      const ref = stringifyEntityRef(e);
      byRepo.set(slug, [...(byRepo.get(slug) ?? []), ref]);
    }
    let events = 0;
    let failed = 0;
    let skipped = 0;
    for (const [repo, services] of byRepo) {
      const outside = outsideAllowedOrganizations(repo, allowedOrganizations);
      if (outside) {
        skipped += 1;
        logger.warn(
          `DORA backfill skips ${repo} (${services.join(', ')}): ${outside}`,
        );
        continue;
      }
      try {
        events += await this.pass(repo, 'deployments', page =>
          this.deploymentsPage(repo, services, page),
        );
        events += await this.pass(repo, 'pulls', page =>
          this.pullsPage(repo, services, page),
        );
      } catch (error) {
        failed += 1;
        logger.warn(`DORA backfill of ${repo} failed, will resume: ${error}`);
      }
    }
    const repositories = byRepo.size - skipped;
    logger.info(
      `DORA backfill done: ${repositories} repositories, ${events} events, ${failed} failed, ${skipped} skipped`,
    );
    return { repositories, events, failed, skipped };
  }

  /** Walks newest-first pages until it reaches items already processed. */
  private async pass(
    repo: string,
    resource: 'deployments' | 'pulls',
    fetchPage: (page: number) => Promise<PageItem[]>,
  ): Promise<number> {
    const { store, ingestion, logger } = this.options;
    const now = this.options.now?.() ?? Date.now();
    const cursor = await store.getCursor(repo, resource);
    const floor = cursor.since ?? now - this.options.lookbackMs;
    let page = cursor.nextPage ?? 1;
    let newest = cursor.passNewest;
    let total = 0;
    for (;;) {
      const items = await fetchPage(page);
      let done = items.length < this.perPage;
      const events: DoraEvent[] = [];
      for (const item of items) {
        if (item.at < floor) {
          done = true;
          continue;
        }
        newest = newest === null ? item.at : Math.max(newest, item.at);
        events.push(...item.events);
      }
      for (let i = 0; i < events.length; i += 500) {
        const result = await ingestion.ingest(
          ingestion.parse({ events: events.slice(i, i + 500) }),
        );
        if (!result.replay) total += result.created + result.updated;
      }
      logger.info(
        `DORA backfill ${repo} ${resource} page ${page}: ${items.length} items, ${events.length} events`,
      );
      if (done) {
        await store.saveCursor(repo, resource, {
          since: newest ?? floor,
          nextPage: null,
          passNewest: null,
        });
        return total;
      }
      page += 1;
      await store.saveCursor(repo, resource, {
        since: cursor.since,
        nextPage: page,
        passNewest: newest,
      });
    }
  }

  private async deploymentsPage(
    repo: string,
    services: string[],
    page: number,
  ): Promise<PageItem[]> {
    const [owner, name] = repo.split('/');
    const { octokit } = this.options;
    const { data } = await octokit.rest.repos.listDeployments({
      owner,
      repo: name,
      per_page: this.perPage,
      page,
    });
    const out: PageItem[] = [];
    for (const deployment of data) {
      const { data: statuses } =
        await octokit.rest.repos.listDeploymentStatuses({
          owner,
          repo: name,
          deployment_id: deployment.id,
          per_page: 100,
        });
      // Newest first: the latest terminal state wins.
      const status = statuses.find(s =>
        ['success', 'failure', 'error'].includes(s.state),
      );
      out.push({
        at: Date.parse(deployment.created_at),
        events: status
          ? githubToEvents(
              'deployment_status',
              {
                deployment_status: status,
                deployment,
                repository: { full_name: repo },
              },
              services,
              new Date(),
            )
          : [],
      });
    }
    return out;
  }

  private async pullsPage(
    repo: string,
    services: string[],
    page: number,
  ): Promise<PageItem[]> {
    const [owner, name] = repo.split('/');
    const { data } = await this.options.octokit.rest.pulls.list({
      owner,
      repo: name,
      state: 'closed',
      sort: 'updated',
      direction: 'desc',
      per_page: this.perPage,
      page,
    });
    return data.map(pr => ({
      at: Date.parse(pr.updated_at),
      events: githubToEvents(
        'pull_request',
        {
          action: 'closed',
          pull_request: { ...pr, merged: Boolean(pr.merged_at) },
          repository: { full_name: repo },
        },
        services,
        new Date(),
      ),
    }));
  }
}
