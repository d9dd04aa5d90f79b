/*
 * Access control in production, over HTTP against the built bundle on
 * PostgreSQL: GitHub sign-in through the real OAuth dance (a loopback GitHub
 * double stands in for github.com), then each rule of the Paved Road
 * permission policy, allowed and denied, with the users' own tokens.
 *
 * Users (catalog/org.yaml): lena-vogel (fulfilment-team), chen-wei
 * (payments-team), priya-shah (platform-team).
 */
import {
  closedPortUrl,
  GitHubOAuthDouble,
  HttpDouble,
  KubernetesDouble,
} from '@internal/platform-api-doubles';
import { randomBytes } from 'node:crypto';
import { eventually, RunningBackend, waitForEntity } from './harness';
import {
  loopbackClusterEnv,
  productionBundle,
  withDatabase,
} from './production';

const production = productionBundle('access');
const { prefix, apiToken } = production;
/** A valid service token whose subject is not a DORA ingestion subject. */
const otherServiceToken = randomBytes(24).toString('hex');

interface SignIn {
  /** What the popup would post back to the app (response or error). */
  frame: { response?: any; error?: { message: string } };
  /** GET /refresh with the session cookie, as the app does on every load. */
  refreshStatus: number;
  token?: string;
  ownershipEntityRefs?: string[];
}

describe('access control in production', () => {
  let backend: RunningBackend;
  let github: GitHubOAuthDouble;
  let kubernetes: KubernetesDouble;
  /** Serves catalog-info files for registration (production reads only URLs). */
  let catalogServer: HttpDouble;
  const catalogFiles = new Map<string, unknown>();
  const users: Record<string, SignIn> = {};

  /** The sign-in a browser does: start, GitHub's authorize page, callback, refresh. */
  async function signIn(login: string): Promise<SignIn> {
    github.login = login;
    const cookies = new Map<string, string>();
    const keep = (res: Response) => {
      for (const cookie of res.headers.getSetCookie()) {
        const [pair] = cookie.split(';');
        const at = pair.indexOf('=');
        cookies.set(pair.slice(0, at), pair.slice(at + 1));
      }
    };
    const cookieHeader = () =>
      [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');

    const start = await fetch(
      `${backend.baseUrl}/api/auth/github/start?env=production&scope=read:user`,
      { redirect: 'manual' },
    );
    expect(start.status).toBe(302);
    keep(start);
    const authorizeUrl = start.headers.get('location')!;
    expect(authorizeUrl.startsWith(`${github.url}/login/oauth/authorize`)).toBe(
      true,
    );
    const authorize = await fetch(authorizeUrl, { redirect: 'manual' });
    expect(authorize.status).toBe(302);
    const callback = authorize.headers.get('location')!;
    expect(callback).toContain('/api/auth/github/handler/frame?');

    const frame = await fetch(callback, {
      headers: { cookie: cookieHeader() },
      redirect: 'manual',
    });
    keep(frame);
    const html = await frame.text();
    const posted = html.match(/decodeURIComponent\('([^']*)'\)/);
    const message = JSON.parse(decodeURIComponent(posted![1]));

    const refresh = await fetch(
      `${backend.baseUrl}/api/auth/github/refresh?env=production`,
      {
        headers: {
          cookie: cookieHeader(),
          'x-requested-with': 'XMLHttpRequest',
        },
      },
    );
    const body = refresh.ok ? await refresh.json() : undefined;
    return {
      frame: message,
      refreshStatus: refresh.status,
      token: body?.backstageIdentity?.token,
      ownershipEntityRefs:
        body?.backstageIdentity?.identity?.ownershipEntityRefs,
    };
  }

  const as = (user: string) => ({
    Authorization: `Bearer ${
      user === 'service' ? apiToken : users[user].token
    }`,
    'Content-Type': 'application/json',
  });

  const api = (
    user: string,
    method: string,
    route: string,
    body?: unknown,
  ): Promise<Response> =>
    fetch(`${backend.baseUrl}/api/${route}`, {
      method,
      headers: as(user),
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  async function entity(ref: string) {
    const res = await api('service', 'GET', `catalog/entities/by-name/${ref}`);
    return res.ok ? res.json() : undefined;
  }

  beforeAll(async () => {
    github = await new GitHubOAuthDouble().start();
    kubernetes = await new KubernetesDouble().start();
    catalogServer = await new HttpDouble(request => {
      const file = catalogFiles.get(request.path);
      return file ? { status: 200, body: file } : { status: 404 };
    }).start();
    backend = await production.start({
      port: 7350,
      env: {
        AUTH_GITHUB_CLIENT_ID: github.clientId,
        AUTH_GITHUB_CLIENT_SECRET: github.clientSecret,
        APP_CONFIG_auth_providers_github_production_enterpriseInstanceUrl:
          github.url,
        APP_CONFIG_backend_auth_externalAccess: JSON.stringify([
          {
            type: 'static',
            options: { token: apiToken, subject: 'external-ci' },
          },
          {
            type: 'static',
            options: { token: otherServiceToken, subject: 'e2e-reporting' },
          },
        ]),
        // The platform template provisions its namespace on the double.
        ...loopbackClusterEnv(kubernetes),
        // Scorecard re-evaluates after a waiver; GitHub answers at once (refused).
        APP_CONFIG_scorecard_github_baseUrl: await closedPortUrl(),
        APP_CONFIG_backend_reading_allow: JSON.stringify([
          { host: new URL(catalogServer.url).host },
        ]),
      },
    });
    for (const ref of [
      'user/default/priya-shah',
      'user/default/lena-vogel',
      'user/default/chen-wei',
      'group/default/platform-team',
      'component/default/orders-service',
      'component/default/payments-service',
      'component/default/shipping-service',
      'template/default/team-namespace',
    ]) {
      await waitForEntity(backend.baseUrl, apiToken, ref);
    }
    for (const login of ['lena-vogel', 'chen-wei', 'priya-shah', 'mallory']) {
      users[login] = await signIn(login);
    }
  }, 240_000);

  afterAll(async () => {
    await production.stop();
    await github?.close();
    await kubernetes?.close();
    await catalogServer?.close();
  }, 60_000);

  describe('sign-in', () => {
    it('signs a GitHub login in as the catalog User of that name, with its groups', () => {
      expect(users['lena-vogel'].refreshStatus).toBe(200);
      expect(users['lena-vogel'].ownershipEntityRefs).toEqual(
        expect.arrayContaining([
          'user:default/lena-vogel',
          'group:default/fulfilment-team',
        ]),
      );
      expect(users['priya-shah'].ownershipEntityRefs).toContain(
        'group:default/platform-team',
      );
      expect(users['chen-wei'].ownershipEntityRefs).not.toContain(
        'group:default/platform-team',
      );
      expect(
        users['lena-vogel'].frame.response.backstageIdentity.identity
          .userEntityRef,
      ).toBe('user:default/lena-vogel');
    });

    it('refuses a GitHub login with no catalog User', () => {
      expect(users.mallory.frame.error?.message).toMatch(
        /unable to resolve user identity/,
      );
      expect(users.mallory.refreshStatus).toBe(401);
      expect(users.mallory.token).toBeUndefined();
    });

    it('refuses guest sign-in', async () => {
      const res = await fetch(`${backend.baseUrl}/api/auth/guest/refresh`, {
        headers: { 'x-requested-with': 'XMLHttpRequest' },
      });
      expect(res.status).toBe(403);
    });
  });

  describe('reading', () => {
    it.each([
      [
        'the catalog',
        'catalog/entities/by-name/component/default/orders-service',
      ],
      ['TechDocs', 'techdocs/metadata/entity/default/component/orders-service'],
      ['the scorecard', 'scorecard/checks'],
      ['DORA metrics', 'dora/metrics?scope=org'],
    ])(
      'lets a member of an unrelated team read %s, and nobody unsigned',
      async (_what, route) => {
        expect((await api('chen-wei', 'GET', route)).status).toBe(200);
        const anonymous = await fetch(`${backend.baseUrl}/api/${route}`);
        expect(anonymous.status).toBe(401);
      },
    );
  });

  // In this order: the refused calls leave the entity for the allowed ones.
  describe('refreshing and unregistering entities', () => {
    it.each([
      ['refuses to refresh another team’s entity', 'chen-wei', 403],
      ['lets the owning team refresh its entity', 'lena-vogel', 200],
    ])('%s', async (_name, user, status) => {
      const res = await api(user, 'POST', 'catalog/refresh', {
        entityRef: 'component:default/orders-service',
      });
      expect(res.status).toBe(status);
    });

    it.each([
      [
        'refuses to unregister another team’s entity, which stays',
        'chen-wei',
        'component/default/orders-service',
        { status: 403, remains: true },
      ],
      [
        'lets the owning team unregister its entity',
        'lena-vogel',
        'component/default/orders-service',
        { status: 204, remains: false },
      ],
      [
        'lets the platform team unregister another team’s entity',
        'priya-shah',
        'component/default/payments-service',
        { status: 204, remains: false },
      ],
    ])('%s', async (_name, user, ref, expected) => {
      const { metadata } = await entity(ref);
      const res = await api(
        user,
        'DELETE',
        `catalog/entities/by-uid/${metadata.uid}`,
      );
      expect({
        status: res.status,
        remains: (await entity(ref)) !== undefined,
      }).toEqual(expected);
    });
  });

  describe('registering and unregistering locations', () => {
    /** A catalog-info file served over HTTP (JSON is YAML); returns its URL. */
    function catalogFile(name: string, owner: string): string {
      catalogFiles.set(`/${name}/catalog-info.yaml`, {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name },
        spec: { type: 'service', lifecycle: 'experimental', owner },
      });
      return `${catalogServer.url}/${name}/catalog-info.yaml`;
    }

    it('registers only entities the user’s team owns, unless the user is on the platform team', async () => {
      const own = catalogFile('e2e-payments-tool', 'payments-team');
      const foreign = catalogFile('e2e-fulfilment-tool', 'fulfilment-team');
      const register = (user: string, target: string) =>
        api(user, 'POST', 'catalog/locations', { type: 'url', target });

      const refused = await register('chen-wei', foreign);
      expect(refused.status).toBe(403);
      expect((await refused.json()).error.message).toContain(
        'component:default/e2e-fulfilment-tool (owner group:default/fulfilment-team)',
      );

      const mine = await register('chen-wei', own);
      expect(mine.status).toBe(201);
      const byPlatform = await register('priya-shah', foreign);
      expect(byPlatform.status).toBe(201);

      // Nothing was stored for the refused request: one location per file.
      const locations: Array<{ data: { target: string } }> = await (
        await api('service', 'GET', 'catalog/locations')
      ).json();
      expect(locations.filter(l => l.data.target === foreign).length).toBe(1);

      await waitForEntity(
        backend.baseUrl,
        apiToken,
        'component/default/e2e-payments-tool',
      );
      const { location } = await mine.json();
      expect(
        (await api('lena-vogel', 'DELETE', `catalog/locations/${location.id}`))
          .status,
      ).toBe(403);
      expect(
        (await api('chen-wei', 'DELETE', `catalog/locations/${location.id}`))
          .status,
      ).toBe(204);
    });
  });

  describe('scorecard waivers', () => {
    const waiver = (checkId: string) => ({
      entityRef: 'component:default/shipping-service',
      checkId,
      reason: 'migrating to the new on-call rota this quarter',
      expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    });
    const stored = (checkId: string) =>
      withDatabase(`${prefix}scorecard`, async client => {
        const { rows } = await client.query(
          'SELECT count(*)::int AS n FROM scorecard_waivers WHERE entity_ref = $1 AND check_id = $2',
          ['component:default/shipping-service', checkId],
        );
        return rows[0].n;
      });

    it.each([
      [
        'refuses another team and writes nothing',
        'chen-wei',
        'has-oncall',
        { status: 403, stored: 0 },
      ],
      [
        'lets the owning team waive a check',
        'lena-vogel',
        'has-cost-tags',
        { status: 201, stored: 1 },
      ],
      [
        'lets the platform team waive a check',
        'priya-shah',
        'has-monitoring',
        { status: 201, stored: 1 },
      ],
    ])('%s', async (_name, user, checkId, expected) => {
      const res = await api(user, 'POST', 'scorecard/waivers', waiver(checkId));
      expect({ status: res.status, stored: await stored(checkId) }).toEqual(
        expected,
      );
    });
  });

  describe('platform templates', () => {
    /** `user` asks for the payments team's sandbox namespace. */
    const runTemplate = (user: string) =>
      api(user, 'POST', 'scaffolder/v2/tasks', {
        templateRef: 'template:default/team-namespace',
        values: {
          namespace: 'payments-sandbox',
          owner: 'group:default/payments-team',
          size: 'small',
          environment: 'production',
        },
      });

    it('hides a platform-team template from other teams and refuses to run it', async () => {
      expect(
        (
          await api(
            'chen-wei',
            'GET',
            'catalog/entities/by-name/template/default/team-namespace',
          )
        ).status,
      ).toBe(404);
      // Other golden paths stay visible.
      expect(
        (
          await api(
            'chen-wei',
            'GET',
            'catalog/entities/by-name/template/default/nodejs-service',
          )
        ).status,
      ).toBe(200);

      const res = await runTemplate('chen-wei');
      expect(res.status).toBe(404);
      const tasks = await withDatabase(`${prefix}scaffolder`, client =>
        client.query('SELECT count(*)::int AS n FROM tasks'),
      );
      expect(tasks.rows[0].n).toBe(0);
      expect(kubernetes.mutations()).toEqual([]);
    });

    it('runs it for a platform team member: the namespace exists', async () => {
      const res = await runTemplate('priya-shah');
      expect(res.status).toBe(201);
      const { id } = await res.json();
      const status = await eventually(async () => {
        const t = await (
          await api('priya-shah', 'GET', `scaffolder/v2/tasks/${id}`)
        ).json();
        return ['completed', 'failed'].includes(t.status)
          ? t.status
          : undefined;
      }, 'the team-namespace task to finish');
      // On failure, the task's log says which step and why.
      const log =
        status === 'completed'
          ? []
          : (
              await (
                await api(
                  'priya-shah',
                  'GET',
                  `scaffolder/v2/tasks/${id}/events`,
                )
              ).json()
            ).map((e: { body: { message?: string } }) => e.body.message);
      expect({ status, log }).toEqual({ status: 'completed', log: [] });
      expect(
        kubernetes.get('v1', 'Namespace', 'payments-sandbox')?.metadata.labels,
      ).toMatchObject({ 'paved-road.io/owner': 'payments-team' });
    }, 90_000);
  });

  describe('DORA ingestion', () => {
    const batch = {
      events: [
        {
          type: 'deployment',
          idempotencyKey: 'access-e2e-deploy-1',
          service: 'component:default/shipping-service',
          environment: 'production',
          status: 'success',
          finishedAt: new Date(Date.now() - 3_600_000).toISOString(),
        },
      ],
    };
    const send = (token: string) =>
      fetch(`${backend.baseUrl}/api/dora/events`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify(batch),
      });
    const deployments = () =>
      withDatabase(`${prefix}dora`, async client => {
        const { rows } = await client.query(
          'SELECT count(*)::int AS n FROM dora_deployments',
        );
        return rows[0].n;
      });

    // Tokens as functions: the users sign in in beforeAll.
    it.each([
      ['a user token', () => users['lena-vogel'].token!],
      ['a platform team member’s token', () => users['priya-shah'].token!],
      ['another service token', () => otherServiceToken],
    ])('refuses %s and stores nothing', async (_what, token) => {
      expect((await send(token())).status).toBe(403);
      expect(await deployments()).toBe(0);
    });

    it('accepts the configured service token', async () => {
      expect((await send(apiToken)).status).toBe(201);
      expect(await deployments()).toBe(1);
    });
  });
});
