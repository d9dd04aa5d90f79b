import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { Octokit } from '@octokit/rest';
import { FactSourceResult } from './types';

const PROJECT_SLUG = 'github.com/project-slug';

export interface GitHubFactSourceOptions {
  /** API base URL, e.g. https://api.github.com or https://ghe.example/api/v3. */
  baseUrl?: string;
  token?: string;
  logger: LoggerService;
  /** Milliseconds before a request is abandoned. */
  timeoutMs?: number;
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

  static fromConfig(config: Config, logger: LoggerService): GitHubFactSource {
    const github = config.getOptionalConfig('scorecard.github');
    return new GitHubFactSource({
      baseUrl: github?.getOptionalString('baseUrl'),
      token: github?.getOptionalString('token'),
      logger,
    });
  }

  constructor(private readonly options: GitHubFactSourceOptions) {
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

  private async defaultBranch(owner: string, repo: string): Promise<string> {
    const key = `${owner}/${repo}`;
    const cached = this.defaultBranches.get(key);
    if (cached && Date.now() - cached.at < 24 * 60 * 60 * 1000) {
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
    if (!this.octokit) {
      return {
        source: 'github',
        collectedAt: now,
        unavailable:
          'GitHub is not configured (set scorecard.github.token in app-config)',
      };
    }
    if (!slug || !/^[\w.-]+\/[\w.-]+$/.test(slug)) {
      return {
        source: 'github',
        collectedAt: now,
        values: {
          github: {
            repository: null,
            latestRun: null,
            note: slug
              ? `invalid ${PROJECT_SLUG} '${slug}'`
              : `no ${PROJECT_SLUG}`,
          },
        },
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
            note: run ? undefined : `no completed workflow run on ${branch}`,
          },
        },
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
            github: {
              repository: null,
              latestRun: null,
              note: `repository ${slug} or its workflow runs not found (404)`,
            },
          },
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
