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
import fs from 'node:fs';
import {
  eventually,
  extractBundle,
  RunningBackend,
  waitForEntity,
} from './harness';
import { startProductionBackend, withDatabase } from './production';

const prefix = `paved_road_access_${Date.now()}_`;
const apiToken = randomBytes(24).toString('hex');
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
  let bundleDir: string;
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
    bundleDir = extractBundle();
    backend = await startProductionBackend({
      bundleDir,
      port: 7350,
      prefix,
      apiToken,
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
        // The platform template provisions its namespace on the double
        // (plain HTTP on loopback, which the client accepts only without TLS checks).
        APP_CONFIG_pavedRoad_kubernetes_clusters: JSON.stringify([
          {
            name: 'production',
            url: kubernetes.url,
            serviceAccountToken: kubernetes.token,
            skipTLSVerify: true,
          },
        ]),
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
    await backend?.stop();
    await github?.close();
    await kubernetes?.close();
    await catalogServer?.close();
    if (bundleDir) {
      fs.rmSync(bundleDir, { recursive: true, force: true });
    }
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

  describe('unregistering and refreshing entities', () => {
    it('refuses another team, lets the owning team and the platform team', async () => {
      const orders = await entity('component/default/orders-service');
      const payments = await entity('component/default/payments-service');

      const refreshed = (user: string, ref: string) =>
        api(user, 'POST', 'catalog/refresh', { entityRef: ref });
      expect(
        (await refreshed('chen-wei', 'component:default/orders-service'))
          .status,
      ).toBe(403);
      expect(
        (await refreshed('lena-vogel', 'component:default/orders-service'))
          .status,
      ).toBe(200);

      const denied = await api(
        'chen-wei',
        'DELETE',
        `catalog/entities/by-uid/${orders.metadata.uid}`,
      );
      expect(denied.status).toBe(403);
      expect(await entity('component/default/orders-service')).toBeDefined();

      const owner = await api(
        'lena-vogel',
        'DELETE',
        `catalog/entities/by-uid/${orders.metadata.uid}`,
      );
      expect(owner.status).toBe(204);
      expect(await entity('component/default/orders-service')).toBeUndefined();

      const platform = await api(
        'priya-shah',
        'DELETE',
        `catalog/entities/by-uid/${payments.metadata.uid}`,
      );
      expect(platform.status).toBe(204);
      expect(
        await entity('component/default/payments-service'),
      ).toBeUndefined();
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

    it('refuses another team and writes nothing', async () => {
      const res = await api(
        'chen-wei',
        'POST',
        'scorecard/waivers',
        waiver('has-oncall'),
      );
      expect(res.status).toBe(403);
      expect(await stored('has-oncall')).toBe(0);
    });

    it('lets the owning team and the platform team waive a check', async () => {
      const owner = await api(
        'lena-vogel',
        'POST',
        'scorecard/waivers',
        waiver('has-cost-tags'),
      );
      expect(owner.status).toBe(201);
      expect(await stored('has-cost-tags')).toBe(1);
      const platform = await api(
        'priya-shah',
        'POST',
        'scorecard/waivers',
        waiver('has-monitoring'),
      );
      expect(platform.status).toBe(201);
      expect(await stored('has-monitoring')).toBe(1);
    });
  });

  describe('platform templates', () => {
    const task = (namespace: string) => ({
      templateRef: 'template:default/team-namespace',
      values: {
        namespace,
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

      const res = await api(
        'chen-wei',
        'POST',
        'scaffolder/v2/tasks',
        task('payments-sandbox'),
      );
      expect(res.status).toBe(404);
      const tasks = await withDatabase(`${prefix}scaffolder`, client =>
        client.query('SELECT count(*)::int AS n FROM tasks'),
      );
      expect(tasks.rows[0].n).toBe(0);
      expect(kubernetes.mutations()).toEqual([]);
    });

    it('runs it for a platform team member: the namespace exists', async () => {
      const res = await api(
        'priya-shah',
        'POST',
        'scaffolder/v2/tasks',
        task('payments-sandbox'),
      );
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

    it('refuses user tokens, the platform team included, and other service tokens', async () => {
      for (const token of [
        users['lena-vogel'].token!,
        users['priya-shah'].token!,
        otherServiceToken,
      ]) {
        expect((await send(token)).status).toBe(403);
      }
      expect(await deployments()).toBe(0);
    });

    it('accepts the configured service token', async () => {
      expect((await send(apiToken)).status).toBe(201);
      expect(await deployments()).toBe(1);
    });
  });
});
