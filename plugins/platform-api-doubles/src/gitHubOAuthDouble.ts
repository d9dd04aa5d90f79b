import { createHash, randomBytes } from 'node:crypto';
import { DoubleResponse, HttpDouble, RecordedRequest } from './httpDouble';

const badCredentials: DoubleResponse = {
  status: 401,
  body: {
    message: 'Bad credentials',
    documentation_url: 'https://docs.github.com/rest',
    status: '401',
  },
};

/**
 * GitHub (Enterprise) as an OAuth app's sign-in sees it: the authorize page
 * (which "signs in" as `login` and redirects back with a code), the code
 * exchange, and `GET /api/v3/user`. Point the auth provider's
 * `enterpriseInstanceUrl` at `url`. Codes are single-use, like GitHub's.
 */
export class GitHubOAuthDouble extends HttpDouble {
  /** The GitHub account that signs in at the next authorize request. */
  login = 'octocat';
  private readonly codes = new Map<string, string>();
  private readonly tokens = new Map<string, string>();

  constructor(
    readonly clientId = 'github-oauth-test-client',
    readonly clientSecret = 'github-oauth-test-secret',
  ) {
    super(request => this.route(request));
  }

  private route(
    request: RecordedRequest & { headers: Record<string, any> },
  ): DoubleResponse {
    if (request.method === 'GET' && request.path === '/login/oauth/authorize') {
      return this.authorize(request.query);
    }
    if (
      request.method === 'POST' &&
      request.path === '/login/oauth/access_token'
    ) {
      return this.exchange(
        new URLSearchParams(
          typeof request.body === 'string' ? request.body : '',
        ),
      );
    }
    if (request.method === 'GET' && request.path === '/api/v3/user') {
      const token = String(request.headers.authorization ?? '').replace(
        /^(token|bearer) /i,
        '',
      );
      const login = this.tokens.get(token);
      if (!login) {
        return badCredentials;
      }
      return {
        status: 200,
        body: {
          login,
          id: parseInt(
            createHash('sha1').update(login).digest('hex').slice(0, 7),
            16,
          ),
          name: login,
          email: null,
          html_url: `https://github.example/${login}`,
          avatar_url: `https://avatars.github.example/${login}`,
        },
      };
    }
    return {
      status: 404,
      body: { message: 'Not Found', status: '404' },
    };
  }

  private authorize(query: URLSearchParams): DoubleResponse {
    const redirectUri = query.get('redirect_uri');
    if (query.get('client_id') !== this.clientId || !redirectUri) {
      return {
        status: 404,
        body: { message: 'unknown client_id or missing redirect_uri' },
      };
    }
    const code = randomBytes(10).toString('hex');
    this.codes.set(code, this.login);
    const back = new URL(redirectUri);
    back.searchParams.set('code', code);
    if (query.has('state')) {
      back.searchParams.set('state', query.get('state')!);
    }
    return { status: 302, headers: { Location: back.toString() } };
  }

  /** GitHub answers a bad exchange with 200 and an `error` field. */
  private exchange(form: URLSearchParams): DoubleResponse {
    if (
      form.get('client_id') !== this.clientId ||
      form.get('client_secret') !== this.clientSecret
    ) {
      return {
        status: 200,
        body: {
          error: 'incorrect_client_credentials',
          error_description:
            'The client_id and/or client_secret passed are incorrect.',
        },
      };
    }
    const code = form.get('code') ?? '';
    const login = this.codes.get(code);
    this.codes.delete(code);
    if (!login) {
      return {
        status: 200,
        body: {
          error: 'bad_verification_code',
          error_description: 'The code passed is incorrect or expired.',
        },
      };
    }
    const token = `gho_${randomBytes(16).toString('hex')}`;
    this.tokens.set(token, login);
    return {
      status: 200,
      body: { access_token: token, token_type: 'bearer', scope: 'read:user' },
    };
  }
}
