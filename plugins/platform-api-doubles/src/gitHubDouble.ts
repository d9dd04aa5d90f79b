import { DoubleResponse, HttpDouble, RecordedRequest } from './httpDouble';

interface Repository {
  defaultBranch: string;
  /** Conclusion of the latest completed workflow run on the default branch. */
  latestConclusion?: 'success' | 'failure' | 'cancelled';
}

const notFound: DoubleResponse = {
  status: 404,
  body: {
    message: 'Not Found',
    documentation_url: 'https://docs.github.com/rest',
    status: '404',
  },
};

/**
 * The slice of GitHub's REST API the scorecard reads: a repository (its
 * default branch) and its workflow runs, with GitHub's status codes and
 * bodies. Unknown repositories answer 404 like private ones do.
 */
export class GitHubDouble extends HttpDouble {
  readonly repositories = new Map<string, Repository>();

  constructor(readonly token = 'github-test-token') {
    super(request => this.route(request));
  }

  private route(
    request: RecordedRequest & { headers: Record<string, any> },
  ): DoubleResponse {
    const auth = String(request.headers.authorization ?? '');
    if (auth !== `token ${this.token}` && auth !== `Bearer ${this.token}`) {
      return {
        status: 401,
        body: {
          message: 'Bad credentials',
          documentation_url: 'https://docs.github.com/rest',
          status: '401',
        },
      };
    }
    const match = request.path.match(
      /^\/repos\/([^/]+)\/([^/]+)(\/actions\/runs)?$/,
    );
    const repository =
      match && this.repositories.get(`${match[1]}/${match[2]}`);
    if (request.method !== 'GET' || !match || !repository) {
      return notFound;
    }
    const fullName = `${match[1]}/${match[2]}`;
    if (!match[3]) {
      return {
        status: 200,
        body: {
          name: match[2],
          full_name: fullName,
          default_branch: repository.defaultBranch,
          html_url: `https://github.com/${fullName}`,
        },
      };
    }
    const runs =
      repository.latestConclusion &&
      request.query.get('branch') === repository.defaultBranch
        ? [
            {
              id: 1001,
              name: 'CI',
              head_branch: repository.defaultBranch,
              head_sha: 'e2e0c1f00000000000000000000000000000beef',
              status: 'completed',
              conclusion: repository.latestConclusion,
              html_url: `https://github.com/${fullName}/actions/runs/1001`,
              created_at: '2026-11-25T08:00:00Z',
              updated_at: '2026-11-25T08:06:00Z',
            },
          ]
        : [];
    return {
      status: 200,
      body: { total_count: runs.length, workflow_runs: runs },
    };
  }
}
