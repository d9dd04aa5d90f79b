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
  ArgoCdDouble,
  closedPortUrl,
  GitHubOAuthDouble,
  HttpDouble,
  KubernetesDouble,
  PagerDutyDouble,
  VaultDouble,
} from '@internal/platform-api-doubles';
import { eventually, RunningBackend, waitForEntity } from './harness';
import {
  loopbackClusterEnv,
  productionBundle,
  withDatabase,
} from './production';

const production = productionBundle('access');
/**
 * The two tokens of app-config.production.yaml: CI's (DORA events, catalog
 * and scorecard reads) and the platform automation's (every API, but DORA
 * ingestion is not its subject).
 */
const { prefix, apiToken, platformToken } = production;

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
  let argocd: ArgoCdDouble;
  let vault: VaultDouble;
  /** PagerDuty with the fulfilment team's rotation for orders-service. */
  let pagerDuty: PagerDutyDouble;
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

  const tokenOf = (user: string) => {
    if (user === 'service') {
      return apiToken;
    }
    return user === 'platform-automation' ? platformToken : users[user].token;
  };
  const as = (user: string) => ({
    Authorization: `Bearer ${tokenOf(user)}`,
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

  /**
   * Runs a template as `user`: the HTTP status of the request and, for a
   * task that started, how it ended, which step failed and its log.
   */
  async function runTask(
    user: string,
    templateRef: string,
    values: Record<string, unknown>,
  ) {
    const res = await api(user, 'POST', 'scaffolder/v2/tasks', {
      templateRef,
      values,
    });
    if (res.status !== 201) {
      return { created: res.status };
    }
    const { id } = await res.json();
    const status = await eventually(async () => {
      const task = await (
        await api(user, 'GET', `scaffolder/v2/tasks/${id}`)
      ).json();
      return ['completed', 'failed'].includes(task.status)
        ? (task.status as string)
        : undefined;
    }, `the ${templateRef} task to finish`);
    const events: Array<{
      body: { message?: string; stepId?: string; status?: string };
    }> = await (
      await api(user, 'GET', `scaffolder/v2/tasks/${id}/events`)
    ).json();
    return {
      created: 201,
      id: id as string,
      status,
      failedStep: events.find(e => e.body.status === 'failed')?.body.stepId,
      log: events.map(e => e.body.message ?? '').join('\n'),
    };
  }

  /** How many writes each platform double has seen so far. */
  const platformWrites = () => ({
    argocd: argocd.writes().length,
    vault: vault.writes().length,
    kubernetes: kubernetes.mutations().length,
  });

  beforeAll(async () => {
    github = await new GitHubOAuthDouble().start();
    kubernetes = await new KubernetesDouble().start();
    argocd = await new ArgoCdDouble().start();
    vault = await new VaultDouble().start();
    pagerDuty = await new PagerDutyDouble().start();
    const week = 7 * 86_400_000;
    pagerDuty
      .addUser({
        id: 'PLENA01',
        name: 'Lena Vogel',
        email: 'lena.vogel@acme-freight.example',
      })
      .addSchedule({
        id: 'PSCHORD',
        name: 'Orders primary',
        handovers: [
          { at: new Date(Date.now() - week).toISOString(), userId: 'PLENA01' },
        ],
        until: new Date(Date.now() + week).toISOString(),
      })
      .addEscalationPolicy({
        id: 'PEPORD1',
        name: 'Orders escalation',
        rules: [{ targets: [{ type: 'schedule', id: 'PSCHORD' }] }],
      })
      .addService({
        id: 'PORD7X2',
        name: 'Orders service',
        escalationPolicyId: 'PEPORD1',
      });
    catalogServer = await new HttpDouble(request => {
      const file = catalogFiles.get(request.path);
      if (typeof file === 'string') {
        return { status: 200, text: file };
      }
      return file ? { status: 200, body: file } : { status: 404 };
    }).start();
    backend = await production.start({
      port: 7350,
      env: {
        AUTH_GITHUB_CLIENT_ID: github.clientId,
        AUTH_GITHUB_CLIENT_SECRET: github.clientSecret,
        APP_CONFIG_auth_providers_github_production_enterpriseInstanceUrl:
          github.url,
        // The golden paths write to the doubles: production as configured,
        // and a staging target for the ephemeral environments.
        ...loopbackClusterEnv(kubernetes),
        ...stagingTargets(),
        // Scorecard re-evaluates after a waiver; GitHub answers at once (refused).
        APP_CONFIG_scorecard_github_baseUrl: await closedPortUrl(),
        PAGERDUTY_TOKEN: pagerDuty.token,
        APP_CONFIG_oncall_pagerduty_apiBaseUrl: pagerDuty.url,
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

  /** ArgoCD, Vault and the cluster for "production" and "staging". */
  function stagingTargets(): Record<string, string> {
    const both = <T>(target: (name: string) => T) =>
      JSON.stringify(['production', 'staging'].map(target));
    return {
      APP_CONFIG_pavedRoad_argocd_instances: both(name => ({
        name,
        url: argocd.url,
        token: argocd.token,
      })),
      APP_CONFIG_pavedRoad_vault_servers: both(name => ({
        name,
        address: vault.url,
        token: vault.token,
      })),
      APP_CONFIG_pavedRoad_kubernetes_clusters: both(name => ({
        name,
        url: kubernetes.url,
        serviceAccountToken: kubernetes.token,
        skipTLSVerify: true,
      })),
    };
  }

  afterAll(async () => {
    await production.stop();
    await github?.close();
    await kubernetes?.close();
    await argocd?.close();
    await vault?.close();
    await pagerDuty?.close();
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

  describe('paging the on-call', () => {
    const route = 'oncall/entities/component/default/orders-service';
    const createdInPagerDuty = () =>
      pagerDuty.requests.filter(
        r => r.method === 'POST' && r.path === '/incidents',
      ).length;

    it('shows anyone signed in who PagerDuty has on call', async () => {
      const res = await api('chen-wei', 'GET', route);
      expect(res.status).toBe(200);
      const answer = await res.json();
      expect(answer.providerId).toBe('pagerduty');
      expect(answer.rotations[0].levels[0].now[0].contact).toMatchObject({
        name: 'Lena Vogel',
        email: 'lena.vogel@acme-freight.example',
      });
    });

    it("refuses to page another team's on-call, and PagerDuty is never asked", async () => {
      const res = await api('chen-wei', 'POST', `${route}/incidents`, {
        title: 'Orders look slow from payments',
      });
      expect(res.status).toBe(403);
      const { error } = await res.json();
      expect(error.message).toBe(
        'user:default/chen-wei may not page the on-call of component:default/orders-service: only its owners and the platform team can. Ask fulfilment-team or the platform team to page, or call the on-call shown on the card',
      );
      expect(createdInPagerDuty()).toBe(0);
      expect(pagerDuty.incidents.size).toBe(0);
    });

    it('pages for the owning team: one incident, in their name', async () => {
      const res = await api('lena-vogel', 'POST', `${route}/incidents`, {
        title: 'Orders API returns 500 for 20 % of calls',
        urgency: 'high',
      });
      expect(res.status).toBe(201);
      const incident = await res.json();
      expect(incident).toMatchObject({
        title: 'Orders API returns 500 for 20 % of calls',
        status: 'triggered',
        service: { id: 'PORD7X2' },
      });
      expect(pagerDuty.incidents.size).toBe(1);
      const [created] = pagerDuty.requests.filter(
        r => r.method === 'POST' && r.path === '/incidents',
      );
      expect(created.headers.from).toBe('lena.vogel@acme-freight.example');
    });
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

    /** A catalog file of several documents (JSON is YAML); returns its URL. */
    function catalogDocuments(name: string, documents: unknown[]): string {
      catalogFiles.set(
        `/${name}/catalog-info.yaml`,
        documents.map(d => JSON.stringify(d)).join('\n---\n'),
      );
      return `${catalogServer.url}/${name}/catalog-info.yaml`;
    }
    const component = (name: string) => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name },
      spec: {
        type: 'service',
        lifecycle: 'experimental',
        owner: 'payments-team',
      },
    });
    const nestedLocation = (name: string, target: string, type?: string) => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Location',
      metadata: { name },
      spec: { ...(type ? { type } : {}), targets: [target] },
    });

    it.each([
      [
        'a nested file location',
        () => [
          component('e2e-nested-file'),
          nestedLocation('e2e-nested-file', '/etc/passwd', 'file'),
        ],
        'target file:/etc/passwd is not an HTTP(S) URL',
      ],
      [
        'a nested location on a host the portal does not read',
        () => [
          component('e2e-nested-host'),
          nestedLocation(
            'e2e-nested-host',
            `${github.url}/acme/x/catalog-info.yaml`,
          ),
        ],
        /is on 127\.0\.0\.1:\d+, which is neither an integration host/,
      ],
      [
        'a Group that would make its author a platform team member',
        () => [
          component('e2e-group-smuggler'),
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Group',
            metadata: { name: 'e2e-shadow-platform' },
            spec: {
              type: 'team',
              children: [],
              members: ['chen-wei'],
              parent: 'platform-team',
            },
          },
        ],
        "Templates, Groups and Users come only from the platform's locations",
      ],
    ])(
      'refuses a location carrying %s, and registers nothing',
      async (_what, documents, message) => {
        const target = catalogDocuments(
          `e2e-${Math.random().toString(36).slice(2)}`,
          documents(),
        );
        const before = await (
          await api('service', 'GET', 'catalog/locations')
        ).json();
        const res = await api('chen-wei', 'POST', 'catalog/locations', {
          type: 'url',
          target,
        });
        expect(res.status).toBe(403);
        expect((await res.json()).error.message).toMatch(message);
        const after = await (
          await api('service', 'GET', 'catalog/locations')
        ).json();
        expect(after).toHaveLength(before.length);
      },
    );

    it('accepts a nested location on the same catalog server', async () => {
      catalogFiles.set(
        '/e2e-nested-ok/more.yaml',
        component('e2e-nested-more'),
      );
      const target = catalogDocuments('e2e-nested-ok', [
        component('e2e-nested-ok'),
        nestedLocation('e2e-nested-ok', './more.yaml'),
      ]);
      const res = await api('chen-wei', 'POST', 'catalog/locations', {
        type: 'url',
        target,
      });
      expect(res.status).toBe(201);
      await waitForEntity(
        backend.baseUrl,
        apiToken,
        'component/default/e2e-nested-more',
      );
    });

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

    it('refuses a waiver beyond the 366-day cap, to the owning team too', async () => {
      const res = await api('lena-vogel', 'POST', 'scorecard/waivers', {
        ...waiver('has-backups'),
        expiresAt: new Date(Date.now() + 400 * 86_400_000).toISOString(),
      });
      expect(res.status).toBe(400);
      expect((await res.json()).error.message).toContain(
        'expiresAt must be at most 366 days ahead',
      );
      expect(await stored('has-backups')).toBe(0);
    });
  });

  describe('scorecard check dry runs', () => {
    const dryRun = (user: string) =>
      fetch(`${backend.baseUrl}/api/scorecard/checks/dry-run`, {
        method: 'POST',
        headers: {
          Authorization: as(user).Authorization,
          'Content-Type': 'application/yaml',
        },
        body: 'checks:\n  - id: has-alerts\n    title: Alerts\n    weight: low\n    condition: { fact: annotations, has: prometheus.io/alerts }\n',
      });

    it.each([
      ['a developer', 'chen-wei', 403],
      ['the CI token', 'service', 403],
      ['the platform team', 'priya-shah', 200],
    ])('%s: %s', async (_who, user, status) => {
      expect((await dryRun(user)).status).toBe(status);
    });
  });

  describe('platform templates', () => {
    /** `user` asks for the payments team's sandbox namespace. */
    const runTemplate = (user: string) =>
      runTask(user, 'template:default/team-namespace', {
        namespace: 'payments-sandbox',
        owner: 'group:default/payments-team',
        size: 'small',
        environment: 'production',
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

      expect(await runTemplate('chen-wei')).toEqual({ created: 404 });
      const tasks = await withDatabase(`${prefix}scaffolder`, client =>
        client.query('SELECT count(*)::int AS n FROM tasks'),
      );
      expect(tasks.rows[0].n).toBe(0);
      expect(kubernetes.mutations()).toEqual([]);
    });

    it('runs it for a platform team member: the namespace exists', async () => {
      // On failure, the outcome shows which step failed and its log.
      expect(await runTemplate('priya-shah')).toMatchObject({
        status: 'completed',
      });
      expect(
        kubernetes.get('v1', 'Namespace', 'payments-sandbox')?.metadata.labels,
      ).toMatchObject({ 'paved-road.io/owner': 'payments-team' });
    }, 90_000);
  });

  describe("golden-path writes in another team's name", () => {
    /** The ephemeral-environment wizard's answers for pull request `pr`. */
    const preview = (options: {
      owner: string;
      pr: number;
      repoUrl?: string;
    }) => ({
      service: 'component:default/orders-service',
      owner: `group:default/${options.owner}`,
      repoUrl:
        options.repoUrl ?? 'https://github.com/acme-freight/orders-service.git',
      branch: 'feature/faster-checkout',
      pullRequest: options.pr,
      ttl: '24h',
      size: 'small',
      environment: 'staging',
    });
    let ownersTask: string | undefined;
    /** The Node.js service wizard's answers for `name`, owned by `owner`. */
    const service = (name: string, owner: string) => ({
      name,
      description: `The ${name}`,
      owner: `group:default/${owner}`,
      system: 'system:default/order-management',
      database: 'none',
      environment: 'production',
      size: 'small',
      replicas: 2,
    });
    /**
     * Runs a template as `user` and expects the preflight to refuse it with
     * no write to ArgoCD, Vault or the cluster; returns the task's log.
     */
    async function refusedAtPreflight(
      user: string,
      template: string,
      values: Record<string, unknown>,
    ): Promise<string> {
      const before = platformWrites();
      const outcome = await runTask(
        user,
        `template:default/${template}`,
        values,
      );
      expect(outcome).toMatchObject({
        status: 'failed',
        failedStep: 'preflight',
      });
      expect(platformWrites()).toEqual(before);
      return outcome.log!;
    }

    it('refuses a Node.js service for a team the user is not in, before anything is written', async () => {
      const log = await refusedAtPreflight(
        'chen-wei',
        'nodejs-service',
        service('cargo-tracker', 'fulfilment-team'),
      );
      expect(log).toContain(
        'User "chen-wei" may not register ArgoCD application "cargo-tracker" for team "fulfilment-team"',
      );
      expect(log).toContain(
        'Ask a member of fulfilment-team or the platform-team to run it.',
      );
      expect(await entity('component/default/cargo-tracker')).toBeUndefined();
    }, 90_000);

    it("refuses another team's Vault policy and a namespace Paved Road did not create, before anything is written", async () => {
      // invoice-service's Vault policy belongs to the fulfilment team, and
      // someone created its namespace by hand.
      vault.policies.set(
        'invoice-service-read',
        '# Managed by Paved Road: service=invoice-service owner=fulfilment-team\npath "secret/data/invoice-service/*" {\n  capabilities = ["read"]\n}\n',
      );
      kubernetes.seed({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'invoice-service' },
      });
      const log = await refusedAtPreflight(
        'chen-wei',
        'nodejs-service',
        service('invoice-service', 'payments-team'),
      );
      expect(log).toContain(
        'Preflight refused 2 of 3 steps; nothing was written.',
      );
      expect(log).toContain(
        'Policy "invoice-service-read" on Vault "production" was created by Paved Road for service "invoice-service" of team "fulfilment-team", not for service "invoice-service" of team "payments-team"',
      );
      expect(log).toContain(
        'Namespace "invoice-service" already exists on Kubernetes cluster "production" and was not created by Paved Road',
      );
      expect(vault.policies.get('invoice-service-read')).toContain(
        'owner=fulfilment-team',
      );
    }, 90_000);

    it("refuses a preview environment in another team's name, and writes nothing", async () => {
      const log = await refusedAtPreflight(
        'chen-wei',
        'ephemeral-environment',
        preview({ owner: 'fulfilment-team', pr: 42 }),
      );
      expect(log).toContain(
        'User "chen-wei" may not provision namespace "orders-service-pr-42" for team "fulfilment-team"',
      );
      expect(
        kubernetes.get('v1', 'Namespace', 'orders-service-pr-42'),
      ).toBeUndefined();
    }, 90_000);

    it("runs the same preview for the owning team, in the team's own ArgoCD project", async () => {
      const outcome = await runTask(
        'lena-vogel',
        'template:default/ephemeral-environment',
        preview({ owner: 'fulfilment-team', pr: 42 }),
      );
      expect(outcome).toMatchObject({ status: 'completed' });
      ownersTask = outcome.id;
      expect(
        kubernetes.get('v1', 'Namespace', 'orders-service-pr-42')?.metadata
          .labels,
      ).toMatchObject({ 'paved-road.io/owner': 'fulfilment-team' });
      expect(
        argocd.applications.get('argocd/orders-service-pr-42')?.spec.project,
      ).toBe('fulfilment-team');
      expect(argocd.projects.get('fulfilment-team')?.spec).toMatchObject({
        sourceRepos: [
          'https://github.com/acme-freight/*',
          'git@github.com:acme-freight/*',
        ],
        clusterResourceWhitelist: [],
      });
    }, 90_000);

    it('refuses a repository outside the allowed organisations, to the owning team too', async () => {
      const log = await refusedAtPreflight(
        'lena-vogel',
        'ephemeral-environment',
        preview({
          owner: 'fulfilment-team',
          pr: 43,
          repoUrl: 'https://github.com/someone-else/orders-service.git',
        }),
      );
      expect(log).toContain(
        'repoUrl "https://github.com/someone-else/orders-service.git" is not in an organisation the platform allows',
      );
    }, 90_000);

    it('keeps a task to who started it and the platform team', async () => {
      expect(ownersTask).toBeDefined();
      const route = `scaffolder/v2/tasks/${ownersTask}`;
      const other = await api('chen-wei', 'GET', route);
      expect(other.status).toBe(403);
      expect(
        (await api('chen-wei', 'POST', `${route}/cancel`, {})).status,
      ).toBe(403);
      expect((await api('lena-vogel', 'GET', route)).status).toBe(200);
      expect((await api('priya-shah', 'GET', route)).status).toBe(200);
    });

    it('keeps dry runs of template bodies for the platform team', async () => {
      const dryRun = (user: string) =>
        api(user, 'POST', 'scaffolder/v2/dry-run', {
          template: {
            apiVersion: 'scaffolder.backstage.io/v1beta3',
            kind: 'Template',
            metadata: { name: 'probe' },
            spec: {
              owner: 'group:default/platform-team',
              type: 'service',
              parameters: [],
              steps: [
                {
                  id: 'namespace',
                  action: 'kubernetes:namespace:provision',
                  input: {
                    cluster: 'production',
                    namespace: 'orders-service',
                    owner: 'payments-team',
                  },
                },
              ],
            },
          },
          values: {},
          directoryContents: [],
        });
      const reads = kubernetes.requests.length;
      expect((await dryRun('chen-wei')).status).toBe(403);
      // Refused before the action ran: not even a read of the cluster.
      expect(kubernetes.requests).toHaveLength(reads);
      expect((await dryRun('priya-shah')).status).toBe(200);
    });
  });

  describe('the CI token', () => {
    const locations = async () =>
      (await (await api('service', 'GET', 'catalog/locations')).json())
        .length as number;
    const taskCount = async () =>
      (
        await withDatabase(`${prefix}scaffolder`, client =>
          client.query('SELECT count(*)::int AS n FROM tasks'),
        )
      ).rows[0].n as number;

    it.each([
      [
        'run a template',
        'scaffolder/v2/tasks',
        {
          templateRef: 'template:default/team-namespace',
          values: {
            namespace: 'ci-sandbox',
            owner: 'group:default/payments-team',
            size: 'small',
            environment: 'production',
          },
        },
      ],
      [
        'register a location',
        'catalog/locations',
        {
          type: 'url',
          target:
            'https://github.com/acme-freight/x/blob/main/catalog-info.yaml',
        },
      ],
      [
        'waive a scorecard check',
        'scorecard/waivers',
        {
          entityRef: 'component:default/shipping-service',
          checkId: 'has-backups',
          reason: 'CI said so',
          expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
        },
      ],
    ])('may not %s, and nothing is written', async (_what, route, body) => {
      const before = {
        tasks: await taskCount(),
        locations: await locations(),
        writes: platformWrites(),
      };
      const res = await api('service', 'POST', route, body);
      expect(res.status).toBe(403);
      expect({
        tasks: await taskCount(),
        locations: await locations(),
        writes: platformWrites(),
      }).toEqual(before);
    });

    it('reads the catalog and the scorecards', async () => {
      expect(
        (
          await api(
            'service',
            'GET',
            'catalog/entities/by-name/component/default/shipping-service',
          )
        ).status,
      ).toBe(200);
      expect((await api('service', 'GET', 'scorecard/checks')).status).toBe(
        200,
      );
    });

    it('leaves templates to the platform automation token', async () => {
      expect(
        await runTask(
          'platform-automation',
          'template:default/team-namespace',
          {
            namespace: 'automation-sandbox',
            owner: 'group:default/payments-team',
            size: 'small',
            environment: 'production',
          },
        ),
      ).toMatchObject({ status: 'completed' });
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
      ['the platform automation token', () => platformToken],
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
