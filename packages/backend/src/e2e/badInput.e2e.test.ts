/*
 * Bad input against every API and scaffolder action we own, on the
 * production build (PostgreSQL, static service token): malformed JSON, wrong
 * types, missing fields, bodies over the limit, unknown entities and
 * injection-shaped names. Each gets a 4xx whose message names what to fix,
 * and afterwards the DORA and scorecard databases hold exactly the rows they
 * held before and the ArgoCD, Vault and Kubernetes doubles saw no writes.
 */
import { createHmac, randomBytes } from 'node:crypto';
import {
  ArgoCdDouble,
  KubernetesDouble,
  VaultDouble,
} from '@internal/platform-api-doubles';
import { eventually, RunningBackend, waitForEntity } from './harness';
import { productionBundle, rowCounts } from './production';

const production = productionBundle('bad_input');
const { prefix, apiToken, platformToken } = production;
const webhookSecret = randomBytes(16).toString('hex');
const port = 7451;

/** Names shaped like attacks on SQL, paths, HTML and encodings. */
const hostileNames = [
  "'; DROP TABLE dora_deployments; --",
  '../../etc/passwd',
  '<script>alert(1)</script>',
  'sérvice-🚀-\u202e',
];

interface ApiRequest {
  method?: 'GET' | 'POST';
  path: string;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
}

interface Case extends ApiRequest {
  name: string;
  status: number;
  /** What the error message must say (the field or thing to fix). */
  message: RegExp;
}

const json = { 'Content-Type': 'application/json' };
const q = encodeURIComponent;
/** Over the 5 MB limit of the DORA routes and the 1 MB of the scorecard. */
const hugeJson = JSON.stringify({ events: [], pad: 'x'.repeat(6 * 1024 ** 2) });

function deployment(overrides: Record<string, unknown> = {}) {
  return {
    type: 'deployment',
    idempotencyKey: `bad-input-${randomBytes(4).toString('hex')}`,
    service: 'orders-service',
    environment: 'production',
    status: 'success',
    finishedAt: new Date(Date.now() - 3_600_000).toISOString(),
    ...overrides,
  };
}

const events = (...list: unknown[]) => ({ events: list });

/** A GET whose query is refused with a 400. */
const badQuery = (name: string, path: string, message: RegExp): Case => ({
  name,
  path,
  status: 400,
  message,
});

/** A POST to /api/dora/events, refused with a 400 unless `request` says otherwise. */
const eventCase = (
  name: string,
  body: unknown,
  message: RegExp,
  request: Partial<Case> = {},
): Case => ({
  name,
  path: '/api/dora/events',
  body,
  status: 400,
  message,
  ...request,
});

const doraEventCases: Case[] = [
  eventCase('malformed JSON', '{"events": [', /JSON/),
  eventCase(
    'events not an array',
    { events: 'deployment' },
    /events: expected an array/,
  ),
  eventCase(
    'a JSON array instead of an object',
    [deployment()],
    /events: expected an array/,
  ),
  eventCase(
    'JSON sent as text/plain',
    JSON.stringify(events(deployment())),
    /events: expected an array/,
    { headers: { 'Content-Type': 'text/plain' } },
  ),
  eventCase('no events', events(), /at least one event/),
  eventCase(
    'missing fields',
    events({ type: 'deployment' }),
    /events\[0\]\.idempotencyKey.*events\[0\]\.service/,
  ),
  eventCase(
    'unknown event type',
    events(deployment({ type: 'release' })),
    /events\[0\]\.type/,
  ),
  eventCase(
    'wrong types',
    events(deployment({ finishedAt: 1732530000, status: true })),
    /events\[0\]\.status.*events\[0\]\.finishedAt/,
  ),
  eventCase(
    'a timestamp that is not one',
    events(deployment({ finishedAt: 'yesterday' })),
    /events\[0\]\.finishedAt: must be an ISO 8601 timestamp/,
  ),
  eventCase(
    'one bad event in a batch (the good ones are not stored either)',
    events(deployment(), deployment({ environment: '' })),
    /events\[1\]\.environment/,
  ),
  eventCase(
    'an idempotency key over 255 characters',
    events(deployment({ idempotencyKey: 'k'.repeat(256) })),
    /events\[0\]\.idempotencyKey/,
  ),
  eventCase(
    'more events than a batch allows',
    events(...Array.from({ length: 501 }, () => deployment())),
    /at most 500 events/,
  ),
  eventCase('a body over the limit', hugeJson, /too large/, { status: 413 }),
  eventCase(
    'an unknown service',
    events(deployment({ service: 'no-such-service' })),
    /events\[0\]\.service: unknown catalog Component/,
  ),
  eventCase(
    'a service that is not a Component',
    events(deployment({ service: 'group:default/platform-team' })),
    /events\[0\]\.service: .* is not a Component/,
  ),
  ...hostileNames.map(service =>
    eventCase(
      `service ${JSON.stringify(service)}`,
      events(deployment({ service })),
      /^events\[0\]\.service: .* is not an entity ref/,
    ),
  ),
];

/** Every read route of the DORA plugin takes the same query. */
const doraReadCases: Case[] = [
  '/api/dora/metrics',
  '/api/dora/data-quality',
  '/api/dora/deployments',
  '/api/dora/changes',
  '/api/dora/incidents',
].flatMap(route => [
  {
    name: `${route} with an unknown scope`,
    path: `${route}?scope=galaxy`,
    status: 400,
    message: /scope: must be one of org, team, service/,
  },
  {
    name: `${route} for a team without ref`,
    path: `${route}?scope=team`,
    status: 400,
    message: /ref: required for scope team/,
  },
  {
    name: `${route} for an unknown team`,
    path: `${route}?scope=team&ref=group:default/no-such-team`,
    status: 404,
    message: /No catalog Group 'group:default\/no-such-team'/,
  },
  {
    name: `${route} for an unknown service`,
    path: `${route}?scope=service&ref=component:default/no-such-service`,
    status: 404,
    message: /No catalog Component 'component:default\/no-such-service'/,
  },
  {
    name: `${route} from a date that is not one`,
    path: `${route}?from=yesterday`,
    status: 400,
    message: /from: must be an ISO 8601 timestamp/,
  },
  {
    name: `${route} with from after to`,
    path: `${route}?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z`,
    status: 400,
    message: /from: must be before to/,
  },
  ...hostileNames.map(ref => ({
    name: `${route} for service ${JSON.stringify(ref)}`,
    path: `${route}?scope=service&ref=${q(ref)}`,
    status: 400,
    message: /^ref: .* is not an entity ref/,
  })),
]);

const doraListCases: Case[] = ['0', '1001', 'ten', '1.5'].map(limit =>
  badQuery(
    `/api/dora/deployments?limit=${limit}`,
    `/api/dora/deployments?limit=${limit}`,
    /limit: must be an integer from 1 to 1000/,
  ),
);

function signed(body: string, event = 'push'): Record<string, string> {
  return {
    ...json,
    'X-GitHub-Event': event,
    'X-GitHub-Delivery': randomBytes(8).toString('hex'),
    'X-Hub-Signature-256': `sha256=${createHmac('sha256', webhookSecret)
      .update(body)
      .digest('hex')}`,
  };
}

const push = (payload: unknown) => {
  const body = JSON.stringify(payload);
  return { body, headers: signed(body) };
};

const webhookCases: Case[] = [
  {
    name: 'webhook without a signature',
    path: '/api/dora/webhooks/github',
    body: '{}',
    headers: { ...json, 'X-GitHub-Event': 'push', 'X-GitHub-Delivery': '1' },
    status: 401,
    message: /^Missing X-Hub-Signature-256/,
  },
  {
    name: 'webhook signed with another secret',
    path: '/api/dora/webhooks/github',
    body: '{}',
    headers: {
      ...signed('{}'),
      'X-Hub-Signature-256': `sha256=${createHmac('sha256', 'wrong')
        .update('{}')
        .digest('hex')}`,
    },
    status: 401,
    message: /Invalid X-Hub-Signature-256/,
  },
  {
    name: 'webhook with malformed JSON',
    path: '/api/dora/webhooks/github',
    body: '{"repository": ',
    headers: signed('{"repository": '),
    status: 400,
    message: /not valid JSON/,
  },
  {
    name: 'webhook sent form-encoded',
    path: '/api/dora/webhooks/github',
    body: 'payload=%7B%7D',
    headers: {
      ...signed('payload=%7B%7D'),
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    status: 400,
    message: /^Content-Type must be application\/json/,
  },
  {
    name: 'webhook without event headers',
    path: '/api/dora/webhooks/github',
    body: '{}',
    headers: {
      ...json,
      'X-Hub-Signature-256': signed('{}')['X-Hub-Signature-256'],
    },
    status: 400,
    message: /X-GitHub-Delivery and X-GitHub-Event headers are required/,
  },
  {
    name: 'webhook push without repository',
    path: '/api/dora/webhooks/github',
    ...push({ commits: [] }),
    status: 400,
    message: /repository\.full_name is required/,
  },
  {
    name: 'webhook push whose commits are not a list',
    path: '/api/dora/webhooks/github',
    ...push({
      repository: { full_name: 'acme-freight/orders-service' },
      commits: 42,
    }),
    status: 400,
    message: /commits: must be an array/,
  },
  {
    name: 'webhook push with a commit of the wrong shape',
    path: '/api/dora/webhooks/github',
    ...push({
      repository: { full_name: 'acme-freight/orders-service' },
      commits: [{ id: 42 }],
    }),
    status: 400,
    message: /events\[0\]\.commitSha/,
  },
  {
    name: 'webhook body over the limit',
    path: '/api/dora/webhooks/github',
    body: hugeJson,
    headers: signed(hugeJson),
    status: 413,
    message: /too large/,
  },
];

const entity = (name: string) =>
  `/api/scorecard/entities/component/default/${q(name)}`;

const scorecardCases: Case[] = [
  badQuery(
    'list with a limit that is not a number',
    '/api/scorecard/entities?limit=ten',
    /Invalid query: limit/,
  ),
  badQuery(
    'list ordered by an unknown column',
    `/api/scorecard/entities?orderBy=${q('name; DROP TABLE x')}`,
    /Invalid query: orderBy/,
  ),
  badQuery(
    'list with an unknown parameter',
    '/api/scorecard/entities?sort=score',
    /Invalid query: .*sort/,
  ),
  badQuery(
    'list with a forged cursor',
    `/api/scorecard/entities?cursor=${q("' OR 1=1 --")}`,
    /cursor is not valid/,
  ),
  badQuery(
    'list with criticalFailing not a boolean',
    '/api/scorecard/entities?criticalFailing=yes',
    /Invalid query: criticalFailing/,
  ),
  badQuery(
    'teams with hierarchy not a boolean',
    '/api/scorecard/teams?hierarchy=maybe',
    /Invalid query: hierarchy/,
  ),
  badQuery(
    'trend over 0 days',
    '/api/scorecard/trend?days=0',
    /Invalid query: days/,
  ),
  badQuery(
    'trend over too many days',
    '/api/scorecard/trend?days=99999',
    /Invalid query: days/,
  ),
  badQuery(
    'history with days not a number',
    `${entity('orders-service')}/history?days=${q('1; DROP TABLE x')}`,
    /Invalid query: days/,
  ),
  {
    name: 'scores of an unknown entity',
    path: entity('no-such-service'),
    status: 404,
    message: /^No scorecard for component:default\/no-such-service/,
  },
  {
    name: 'history of an unknown entity',
    path: `${entity('no-such-service')}/history`,
    status: 404,
    message: /^No scorecard for component:default\/no-such-service/,
  },
  {
    name: 'evaluation of an unknown entity',
    method: 'POST',
    path: `${entity('no-such-service')}/evaluate`,
    status: 404,
    message: /^Entity component:default\/no-such-service is not in the catalog/,
  },
  ...hostileNames.flatMap(name =>
    ['', '/history', '/badge.svg', '/evaluate'].map(route => ({
      name: `${route || 'scores'} of ${JSON.stringify(name)}`,
      method: route === '/evaluate' ? ('POST' as const) : ('GET' as const),
      path: `${entity(name)}${route}`,
      status: 400,
      message:
        /^entity 'component:default\/.*' is not an entity ref: its name must be/,
    })),
  ),
  {
    name: 'checks dry-run without a body',
    method: 'POST',
    path: '/api/scorecard/checks/dry-run',
    status: 400,
    message: /Send the checks as YAML/,
  },
  {
    name: 'checks dry-run with yaml not a string',
    method: 'POST',
    path: '/api/scorecard/checks/dry-run',
    body: { yaml: 42 },
    status: 400,
    message: /Send the checks as YAML/,
  },
  {
    name: 'checks dry-run with malformed JSON',
    method: 'POST',
    path: '/api/scorecard/checks/dry-run',
    body: '{"yaml": "checks:',
    status: 400,
    message: /JSON/,
  },
  {
    name: 'checks dry-run with malformed YAML',
    method: 'POST',
    path: '/api/scorecard/checks/dry-run',
    body: 'checks: [ {',
    headers: { 'Content-Type': 'application/yaml' },
    status: 400,
    message: /<request body>/,
  },
  {
    name: 'checks dry-run with a check missing its id',
    method: 'POST',
    path: '/api/scorecard/checks/dry-run',
    body: { yaml: 'checks:\n  - title: Has an owner\n    weight: 1\n' },
    status: 400,
    message: /id/,
  },
  {
    name: 'checks dry-run over the body limit',
    method: 'POST',
    path: '/api/scorecard/checks/dry-run',
    body: `checks: []\n#${'x'.repeat(2 * 1024 ** 2)}`,
    headers: { 'Content-Type': 'application/yaml' },
    status: 413,
    message: /too large/,
  },
  {
    name: 'waiver from a service token (waivers are granted by people)',
    method: 'POST',
    path: '/api/scorecard/waivers',
    body: {
      entityRef: 'component:default/orders-service',
      checkId: 'has-owner',
      reason: 'migration in progress',
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    },
    status: 403,
    message: /service/,
  },
  {
    name: 'waiver with malformed JSON',
    method: 'POST',
    path: '/api/scorecard/waivers',
    body: '{"entityRef": ',
    status: 400,
    message: /JSON/,
  },
  {
    name: 'waiver over the body limit',
    method: 'POST',
    path: '/api/scorecard/waivers',
    body: hugeJson,
    status: 413,
    message: /too large/,
  },
];

/** A one-step template for POST /api/scaffolder/v2/dry-run. */
function dryRun(action: string, input: Record<string, unknown>) {
  return {
    template: {
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: { name: 'bad-input', namespace: 'default' },
      spec: {
        type: 'service',
        parameters: [],
        steps: [{ id: 'step', name: 'step', action, input }],
      },
    },
    values: {},
    directoryContents: [],
  };
}

const argocd = {
  instance: 'production',
  name: 'orders-service',
  repoUrl: 'https://github.com/acme-freight/orders-service.git',
  targetRevision: 'main',
  destinationServer: 'https://kubernetes.default.svc',
  destinationNamespace: 'orders-service',
};
const vault = { server: 'production', service: 'orders-service' };
const namespace = {
  cluster: 'production',
  namespace: 'orders-service',
  owner: 'fulfilment-team',
};

const actionCase = (
  name: string,
  action: string,
  input: Record<string, unknown>,
  message: RegExp,
): Case => ({
  name: `${action}: ${name}`,
  method: 'POST',
  path: '/api/scaffolder/v2/dry-run',
  body: dryRun(action, input),
  status: 400,
  message,
});

const actionCases: Case[] = [
  {
    name: 'dry-run with malformed JSON',
    method: 'POST',
    path: '/api/scaffolder/v2/dry-run',
    body: '{"template": {',
    status: 400,
    message: /JSON/,
  },
  {
    // The scaffolder's own route: over its 10 MB it answers 400, not 413.
    name: 'dry-run over the body limit',
    method: 'POST',
    path: '/api/scaffolder/v2/dry-run',
    body: JSON.stringify({ pad: 'x'.repeat(11 * 1024 ** 2) }),
    status: 400,
    message: /too large/,
  },
  actionCase(
    'unknown instance',
    'argocd:application:register',
    { ...argocd, instance: 'nowhere' },
    /Unknown ArgoCD instance "nowhere"/,
  ),
  actionCase(
    'missing destination namespace',
    'argocd:application:register',
    { ...argocd, destinationNamespace: undefined },
    /destinationNamespace/,
  ),
  actionCase(
    'retryLimit of the wrong type',
    'argocd:application:register',
    { ...argocd, retryLimit: 'five' },
    /retryLimit/,
  ),
  actionCase(
    'a path out of the repository',
    'argocd:application:register',
    { ...argocd, path: '../../etc/passwd' },
    /path must be relative inside the repository/,
  ),
  actionCase(
    'a script as repository URL',
    'argocd:application:register',
    // eslint-disable-next-line no-script-url -- the attack this case sends
    { ...argocd, repoUrl: 'javascript:alert(1)' },
    /repoUrl must be an http\(s\):\/\/ URL/,
  ),
  ...hostileNames.map(name =>
    actionCase(
      `name ${JSON.stringify(name)}`,
      'argocd:application:register',
      { ...argocd, name },
      /name must be a lowercase RFC 1123 label|name .*RFC 1123/,
    ),
  ),
  actionCase(
    'unknown server',
    'vault:policy:write',
    { ...vault, server: 'nowhere' },
    /Unknown Vault server "nowhere"/,
  ),
  actionCase(
    'a policy name that would widen the policy',
    'vault:policy:write',
    { ...vault, policyName: 'x" { capabilities = ["sudo"] } path "*' },
    /policyName/,
  ),
  actionCase(
    'seed secrets of the wrong type',
    'vault:policy:write',
    { ...vault, seedSecrets: ['password'] },
    /seedSecrets/,
  ),
  ...hostileNames.map(service =>
    actionCase(
      `service ${JSON.stringify(service)}`,
      'vault:policy:write',
      { ...vault, service },
      /service .*RFC 1123/,
    ),
  ),
  actionCase(
    'unknown cluster',
    'kubernetes:namespace:provision',
    { ...namespace, cluster: 'nowhere' },
    /Unknown .*cluster "nowhere"/,
  ),
  actionCase(
    'a TTL that is not a duration',
    'kubernetes:namespace:provision',
    { ...namespace, ttl: 'forever' },
    /ttl/,
  ),
  actionCase(
    'labels of the wrong type',
    'kubernetes:namespace:provision',
    { ...namespace, labels: 'team=fulfilment' },
    /labels/,
  ),
  ...hostileNames.map(name =>
    actionCase(
      `namespace ${JSON.stringify(name)}`,
      'kubernetes:namespace:provision',
      { ...namespace, namespace: name },
      /namespace .*RFC 1123/,
    ),
  ),
];

/**
 * The message a caller reads: Backstage's `error.message`, the scaffolder's
 * list of parameter `errors`, or the body itself.
 */
function messageOf(text: string): string {
  try {
    const body = JSON.parse(text);
    if (typeof body?.error?.message === 'string') return body.error.message;
    if (Array.isArray(body?.errors)) {
      return body.errors.map((e: any) => e.stack ?? e.message).join('; ');
    }
  } catch {
    // not JSON: the text is the message
  }
  return text;
}

describe('bad input to the APIs and actions we own (production build)', () => {
  let backend: RunningBackend;
  const doubles = {
    argocd: new ArgoCdDouble(),
    vault: new VaultDouble(),
    kubernetes: new KubernetesDouble(),
  };
  let before: Record<string, number>;

  /** Rows per table of both plugins' databases, as `<plugin>.<table>`. */
  const counts = async () => {
    const out: Record<string, number> = {};
    for (const plugin of ['dora', 'scorecard']) {
      const rows = await rowCounts(`${prefix}${plugin}`);
      for (const [table, n] of Object.entries(rows)) {
        out[`${plugin}.${table}`] = n;
      }
    }
    return out;
  };

  beforeAll(async () => {
    await Promise.all(Object.values(doubles).map(d => d.start()));
    backend = await production.start({
      port,
      env: {
        DORA_GITHUB_WEBHOOK_SECRET: webhookSecret,
        ARGOCD_URL: doubles.argocd.url,
        ARGOCD_TOKEN: doubles.argocd.token,
        VAULT_ADDR: doubles.vault.url,
        VAULT_TOKEN: doubles.vault.token,
        K8S_CLUSTER_URL: doubles.kubernetes.url,
        K8S_CLUSTER_TOKEN: doubles.kubernetes.token,
        // Scheduled evaluation would add rows while we count them.
        APP_CONFIG_scorecard_schedule: JSON.stringify({
          frequency: { hours: 24 },
          timeout: { minutes: 5 },
          initialDelay: { hours: 24 },
        }),
        APP_CONFIG_scorecard_changesSchedule: JSON.stringify({
          frequency: { hours: 24 },
          timeout: { minutes: 5 },
          initialDelay: { hours: 24 },
        }),
      },
    });
    await waitForEntity(
      backend.baseUrl,
      apiToken,
      'component/default/orders-service',
    );
    // Rows that must survive: an evaluated entity and a stored deployment.
    const seeded = await Promise.all([
      send({ method: 'POST', path: `${entity('orders-service')}/evaluate` }),
      send({ path: '/api/dora/events', body: events(deployment()) }),
    ]);
    if (seeded[0].status !== 200 || seeded[1].status !== 201) {
      throw new Error(`seeding failed: ${JSON.stringify(seeded)}`);
    }
    // The stored deployment's day is folded into the rollups in the
    // background, 2 s after the batch (or by the 30 s task): the plugin's
    // own upkeep, not a write of the bad input, so it is waited for.
    before = await eventually(async () => {
      const seededCounts = await counts();
      return seededCounts['dora.dora_rollup_dirty_days'] === 0
        ? seededCounts
        : undefined;
    }, 'the seeded deployment folded into the DORA rollups');
  }, 180_000);

  afterAll(async () => {
    await production.stop();
    await Promise.all(Object.values(doubles).map(d => d.close()));
  }, 60_000);

  async function send(c: ApiRequest) {
    const method = c.method ?? (c.body === undefined ? 'GET' : 'POST');
    const res = await fetch(`${backend.baseUrl}${c.path}`, {
      method,
      headers: {
        // DORA events come from CI's token; the rest (scaffolder dry runs,
        // waivers, check dry runs) from the platform automation token.
        Authorization: `Bearer ${
          c.path.startsWith('/api/dora/') ? apiToken : platformToken
        }`,
        ...(c.body === undefined ? {} : json),
        ...c.headers,
      },
      body:
        c.body === undefined || typeof c.body === 'string'
          ? (c.body as string | undefined)
          : JSON.stringify(c.body),
    });
    return { status: res.status, message: messageOf(await res.text()) };
  }

  describe.each([
    ['DORA ingestion', doraEventCases],
    ['DORA reads', [...doraReadCases, ...doraListCases]],
    ['DORA GitHub webhook', webhookCases],
    ['scorecard', scorecardCases],
    ['scaffolder actions (dry-run)', actionCases],
  ])('%s', (_group, cases) => {
    it.each(cases.map(c => [c.name, c] as const))('%s', async (_name, c) => {
      const { status, message } = await send(c);
      expect({ status, message }).toEqual({
        status: c.status,
        message: expect.stringMatching(c.message),
      });
    });
  });

  it.each(hostileNames)(
    'the injection-shaped filter %j finds nothing and breaks nothing',
    async name => {
      const res = await fetch(
        `${backend.baseUrl}/api/scorecard/entities?owner=${q(name)}&kind=${q(
          name,
        )}`,
        { headers: { Authorization: `Bearer ${apiToken}` } },
      );
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ items: [], totalItems: 0 });
    },
  );

  it('wrote nothing: the same rows in every table, no writes to the doubles', async () => {
    expect(await counts()).toEqual(before);
    expect(before['dora.dora_deployments']).toBe(1);
    expect(before['scorecard.scorecard_entity_scores']).toBe(1);
    const writes = Object.entries(doubles).map(([name, d]) => [
      name,
      d.writes(),
    ]);
    expect(Object.fromEntries(writes)).toEqual({
      argocd: [],
      vault: [],
      kubernetes: [],
    });
  });
});
