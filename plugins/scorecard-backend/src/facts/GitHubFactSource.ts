import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { DAY_MS } from '@internal/paved-road-common';
import { Octokit } from '@octokit/rest';
import { FactSourceResult } from './types';

const PROJECT_SLUG = 'github.com/project-slug';

/**
 * The GitHub organisations whose repositories the portal reads; shared with
 * the DORA backend. Unset: every organisation.
 */
export const ALLOWED_ORGANIZATIONS_KEY =
  'pavedRoad.github.allowedOrganizations';

export interface GitHubFactSourceOptions {
  /** API base URL, e.g. https://api.github.com or https://ghe.example/api/v3. */
  baseUrl?: string;
  token?: string;
  logger: LoggerService;
  /** Milliseconds before a request is abandoned. */
  timeoutMs?: number;
  /**
   * Organisations (or users) whose repositories may be read; undefined for
   * any. A project slug outside them is a definite "no CI": otherwise a team
   * could pass ci-passing by pointing at someone else's green repository.
   */
  allowedOrganizations?: string[];
}

/**
 * The latest completed workflow run on a repository's default branch, from
 * the GitHub API. Anything that is not an answer about the repository (not
 * configured, rate limited, 5xx, network) is "no data", never a pass or fail;
 * the last good answer is reused while it is fresh (see the staleness check in
 * the evaluator).
 */
export class GitHubFactSource {
  private readonly octokit?: Octokit;
  private readonly lastGood = new Map<string, FactSourceResult>();
  /** Default branches rarely change: one repos.get per repository per day. */
  private readonly defaultBranches = new Map<
    string,
    { branch: string; at: number }
  >();
  private readonly allowedOrganizations?: Set<string>;

  static fromConfig(config: Config, logger: LoggerService): GitHubFactSource {
    const github = config.getOptionalConfig('scorecard.github');
    return new GitHubFactSource({
      baseUrl: github?.getOptionalString('baseUrl'),
      token: github?.getOptionalString('token'),
      allowedOrganizations: config.getOptionalStringArray(
        ALLOWED_ORGANIZATIONS_KEY,
      ),
      logger,
    });
  }

  constructor(private readonly options: GitHubFactSourceOptions) {
    if (options.allowedOrganizations) {
      this.allowedOrganizations = new Set(
        options.allowedOrganizations.map(o => o.toLocaleLowerCase('en-US')),
      );
    }
    if (options.token || options.baseUrl) {
      this.octokit = new Octokit({
        baseUrl: options.baseUrl ?? 'https://api.github.com',
        auth: options.token,
        request: { timeout: options.timeoutMs ?? 10_000 },
        log: {
          debug: () => {},
          info: () => {},
          warn: () => {},
          error: () => {},
        },
      });
    }
  }

  get configured(): boolean {
    return Boolean(this.octokit);
  }

  /** Whether pavedRoad.github.allowedOrganizations limits the repositories. */
  get restricted(): boolean {
    return Boolean(this.allowedOrganizations);
  }

  /** Why the portal may not read the repository `owner/name`, if it may not. */
  private outsideAllowedOrganizations(slug: string): string | undefined {
    const allowed = this.allowedOrganizations;
    const organization = slug.split('/')[0].toLocaleLowerCase('en-US');
    if (!allowed || allowed.has(organization)) {
      return undefined;
    }
    return `repository ${slug} is outside the allowed GitHub organisations (${
      [...allowed].join(', ') || 'none'
    }; ${ALLOWED_ORGANIZATIONS_KEY}): set ${PROJECT_SLUG} to the component's own repository`;
  }

  private async defaultBranch(owner: string, repo: string): Promise<string> {
    const key = `${owner}/${repo}`;
    const cached = this.defaultBranches.get(key);
    if (cached && Date.now() - cached.at < DAY_MS) {
      return cached.branch;
    }
    const { data } = await this.octokit!.repos.get({ owner, repo });
    this.defaultBranches.set(key, {
      branch: data.default_branch,
      at: Date.now(),
    });
    return data.default_branch;
  }

  async collect(entity: Entity): Promise<FactSourceResult> {
    const now = new Date();
    const slug = entity.metadata.annotations?.[PROJECT_SLUG];
    const valid = slug !== undefined && /^[\w.-]+\/[\w.-]+$/.test(slug);
    const outside = valid ? this.outsideAllowedOrganizations(slug) : undefined;
    if (outside) {
      // Known without asking GitHub, so whether it is configured or not.
      return {
        source: 'github',
        collectedAt: now,
        values: { github: { repository: null, latestRun: null } },
        note: outside,
      };
    }
    if (!this.octokit) {
      return {
        source: 'github',
        collectedAt: now,
        unavailable:
          'GitHub is not configured (set scorecard.github.token in app-config)',
      };
    }
    if (!valid) {
      return {
        source: 'github',
        collectedAt: now,
        values: { github: { repository: null, latestRun: null } },
        note: slug ? `invalid ${PROJECT_SLUG} '${slug}'` : `no ${PROJECT_SLUG}`,
      };
    }
    const [owner, repo] = slug.split('/');
    try {
      const branch = await this.defaultBranch(owner, repo);
      const { data: runs } = await this.octokit.actions.listWorkflowRunsForRepo(
        { owner, repo, branch, status: 'completed', per_page: 1 },
      );
      const run = runs.workflow_runs[0];
      const result: FactSourceResult = {
        source: 'github',
        collectedAt: now,
        values: {
          github: {
            repository: slug,
            defaultBranch: branch,
            latestRun: run
              ? {
                  id: run.id,
                  name: run.name ?? null,
                  status: run.status,
                  conclusion: run.conclusion,
                  url: run.html_url,
                  headSha: run.head_sha,
                  createdAt: run.created_at,
                }
              : null,
          },
        },
        note: run ? undefined : `no completed workflow run on ${branch}`,
      };
      this.lastGood.set(slug, result);
      return result;
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 404) {
        this.defaultBranches.delete(slug);
        // GitHub's answer about the repository: it (or its runs) does not
        // exist for this token. That is a definite "no CI", not missing data.
        const result: FactSourceResult = {
          source: 'github',
          collectedAt: now,
          values: {
            github: { repository: null, latestRun: null },
          },
          note: `repository ${slug} or its workflow runs not found (404)`,
        };
        this.lastGood.set(slug, result);
        return result;
      }
      let reason = `GitHub is unreachable: ${(error as Error).message}`;
      if (status === 403 || status === 429) {
        reason = `GitHub refused the request (${status}, rate limited or forbidden)`;
      } else if (status) {
        reason = `GitHub answered ${status}`;
      }
      this.options.logger.debug(`GitHub facts for ${slug}: ${reason}`);
      const previous = this.lastGood.get(slug);
      if (previous) {
        // Reused with its original timestamp; the evaluator turns it into
        // no_data once it is older than the staleness threshold.
        return previous;
      }
      return { source: 'github', collectedAt: now, unavailable: reason };
    }
  }
}
