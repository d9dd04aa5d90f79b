import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { scaffolderModuleDevStandIns } from './module';

const token = 'paved-road-dev-token';
const ports = { argocd: 17311, vault: 17312, kubernetes: 17313, git: 17314 };

describe('dev stand-ins', () => {
  let repositories: string;

  beforeAll(() => {
    repositories = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-road-git-'));
    // A published repository, as git:repository:publish leaves it.
    const source = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-road-src-'));
    fs.writeFileSync(path.join(source, 'README.md'), '# orders-api\n');
    const git = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: source,
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 't',
          GIT_AUTHOR_EMAIL: 't@t',
          GIT_COMMITTER_NAME: 't',
          GIT_COMMITTER_EMAIL: 't@t',
        },
      });
    git('init', '--quiet', '--initial-branch=main');
    git('add', '-A');
    git('commit', '--quiet', '-m', 'init');
    const bare = path.join(repositories, 'orders-api.git');
    git('clone', '--quiet', '--bare', source, bare);
    execFileSync('git', [`--git-dir=${bare}`, 'update-server-info']);
  });

  const withBackend = async (fn: () => Promise<void>) => {
    const backend = await startTestBackend({
      features: [
        scaffolderModuleDevStandIns,
        mockServices.rootConfig.factory({
          data: {
            pavedRoad: {
              repositories: { type: 'local', directory: repositories },
              standIns: {
                token,
                argocdPort: ports.argocd,
                vaultPort: ports.vault,
                kubernetesPort: ports.kubernetes,
                gitPort: ports.git,
                workloads: [
                  { name: 'orders-service', namespace: 'orders-service' },
                ],
              },
            },
          },
        }),
      ],
    });
    try {
      await fn();
    } finally {
      await backend.stop();
    }
  };

  it('serves ArgoCD, Vault and Kubernetes doubles with the configured token', async () => {
    await withBackend(async () => {
      const auth = { Authorization: `Bearer ${token}` };
      const project = await fetch(
        `http://127.0.0.1:${ports.argocd}/api/v1/projects/default`,
        { headers: auth },
      );
      expect(project.status).toBe(200);
      const vault = await fetch(
        `http://127.0.0.1:${ports.vault}/v1/sys/policies/acl/missing`,
        { headers: { 'X-Vault-Token': token } },
      );
      expect(vault.status).toBe(404);
      const pods = await fetch(
        `http://127.0.0.1:${ports.kubernetes}/api/v1/namespaces/orders-service/pods`,
        { headers: auth },
      );
      expect((await pods.json()).items).toHaveLength(2);
    });
  });

  it('lets git clone a published repository over HTTP, and nothing else', async () => {
    await withBackend(async () => {
      const clone = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-road-clone-'));
      // Asynchronously: the git server runs in this very process.
      await promisify(execFile)('git', [
        'clone',
        '--quiet',
        `http://127.0.0.1:${ports.git}/git/orders-api.git`,
        path.join(clone, 'orders-api'),
      ]);
      expect(
        fs.readFileSync(path.join(clone, 'orders-api/README.md'), 'utf8'),
      ).toBe('# orders-api\n');
      // The repository's URL, opened in a browser, says how to clone it.
      const page = await fetch(
        `http://127.0.0.1:${ports.git}/git/orders-api.git`,
      );
      expect(page.status).toBe(200);
      expect(await page.text()).toContain(
        `git clone http://127.0.0.1:${ports.git}/git/orders-api.git`,
      );
      expect(
        (await fetch(`http://127.0.0.1:${ports.git}/git/missing-api.git`))
          .status,
      ).toBe(404);
      const escape = await fetch(
        `http://127.0.0.1:${ports.git}/git/..%2F..%2Fetc%2Fpasswd`,
      );
      expect(escape.status).toBe(404);
    });
  });

  it('syncs a registered application once its namespace exists', async () => {
    await withBackend(async () => {
      const headers = {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
      };
      const base = `http://127.0.0.1:${ports.argocd}/api/v1/applications`;
      await fetch(`${base}?upsert=false&validate=true`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          metadata: { name: 'orders-api' },
          spec: {
            project: 'default',
            source: {
              repoURL: 'http://127.0.0.1/git/orders-api.git',
              path: 'k8s',
              targetRevision: 'main',
            },
            destination: {
              server: 'https://kubernetes.default.svc',
              namespace: 'orders-api',
            },
          },
        }),
      });
      await fetch(
        `http://127.0.0.1:${ports.kubernetes}/api/v1/namespaces/orders-api?fieldManager=test`,
        {
          method: 'PATCH',
          headers: {
            ...headers,
            'Content-Type': 'application/apply-patch+yaml',
          },
          body: JSON.stringify({
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: { name: 'orders-api' },
          }),
        },
      );

      let pods: unknown[] = [];
      for (let i = 0; i < 20 && pods.length === 0; i++) {
        await new Promise(r => setTimeout(r, 250));
        const res = await fetch(
          `http://127.0.0.1:${ports.kubernetes}/api/v1/namespaces/orders-api/pods`,
          { headers },
        );
        pods = (await res.json()).items;
      }
      expect(pods).toHaveLength(2);
      const app = await (
        await fetch(`http://127.0.0.1:${ports.argocd}/applications/orders-api`)
      ).json();
      expect(app.status.health.status).toBe('Healthy');
    });
  });

  it('refuses to start with NODE_ENV=production, and serves nothing', async () => {
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await expect(withBackend(async () => {})).rejects.toThrow(
        'pavedRoad.standIns is configured but NODE_ENV is "production"',
      );
    } finally {
      process.env.NODE_ENV = nodeEnv;
    }
    for (const port of Object.values(ports)) {
      await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow(
        'fetch failed',
      );
    }
  });
});
