/*
 * The Kubernetes manifests of deploy/kubernetes against what the portal
 * really needs, so they cannot drift from the code: replicas, the health
 * endpoints the backend serves, every environment variable the production
 * configuration reads, and the configuration itself.
 */
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';

const repoRoot = path.resolve(__dirname, '../../..');
const deployDir = path.join(repoRoot, 'deploy/kubernetes');

function documents(file: string): any[] {
  return yaml
    .parseAllDocuments(fs.readFileSync(path.join(deployDir, file), 'utf8'))
    .map(d => d.toJS());
}

/** Everything kustomization.yaml applies. */
function applied(): any[] {
  const [kustomization] = documents('kustomization.yaml');
  return kustomization.resources.flatMap((file: string) => documents(file));
}

function find(kind: string, name: string): any {
  const found = applied().find(
    o => o.kind === kind && o.metadata?.name === name,
  );
  if (!found) {
    throw new Error(`${kind} ${name} is not in deploy/kubernetes`);
  }
  return found;
}

const deployment = () => find('Deployment', 'paved-road');
const container = () => deployment().spec.template.spec.containers[0];
const productionConfig = () =>
  fs.readFileSync(path.join(repoRoot, 'app-config.production.yaml'), 'utf8');

describe('deploy/kubernetes', () => {
  it('runs at least two replicas and keeps one through disruptions', () => {
    expect(deployment().spec.replicas).toBeGreaterThanOrEqual(2);
    expect(deployment().spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    const pdb = find('PodDisruptionBudget', 'paved-road');
    expect(pdb.spec.minAvailable).toBeGreaterThanOrEqual(1);
    expect(pdb.spec.selector.matchLabels).toEqual(
      deployment().spec.template.metadata.labels,
    );
    const service = find('Service', 'paved-road');
    expect(service.spec.selector).toEqual(
      deployment().spec.template.metadata.labels,
    );
  });

  it('probes the backend health endpoints on the port the backend listens on', () => {
    const c = container();
    const port = c.ports.find((p: any) => p.name === 'http');
    // app-config.production.yaml sets backend.listen.port.
    expect(port.containerPort).toBe(
      yaml.parse(productionConfig()).backend.listen.port,
    );
    expect(c.readinessProbe.httpGet).toEqual({
      path: '/.backstage/health/v1/readiness',
      port: 'http',
    });
    expect(c.livenessProbe.httpGet).toEqual({
      path: '/.backstage/health/v1/liveness',
      port: 'http',
    });
    expect(c.startupProbe.httpGet.path).toBe('/.backstage/health/v1/liveness');
    expect(c.resources.requests).toEqual(
      expect.objectContaining({ cpu: expect.any(String) }),
    );
    expect(c.resources.limits.memory).toBeDefined();
  });

  it('provides every variable app-config.production.yaml reads from a Secret or ConfigMap', () => {
    const referenced = [
      ...new Set(
        [...productionConfig().matchAll(/\$\{([A-Z0-9_]+)\}/g)].map(m => m[1]),
      ),
    ];
    expect(referenced.length).toBeGreaterThanOrEqual(15);
    const env = new Map<string, any>(
      container().env.map((e: any) => [e.name, e.valueFrom]),
    );
    const envConfigMap = find('ConfigMap', 'paved-road-env');
    const exampleSecrets = documents('secrets.example.yaml');
    const missing: string[] = [];
    for (const name of referenced) {
      const from = env.get(name);
      const fromConfigMap = from?.configMapKeyRef;
      const fromSecret = from?.secretKeyRef;
      const provided = fromConfigMap
        ? fromConfigMap.name === envConfigMap.metadata.name &&
          fromConfigMap.key in envConfigMap.data
        : fromSecret &&
          exampleSecrets.some(
            s =>
              s.metadata.name === fromSecret.name &&
              fromSecret.key in s.stringData,
          );
      if (!provided) {
        missing.push(name);
      }
    }
    expect(missing).toEqual([]);
    // Credentials never sit in the ConfigMap.
    for (const secret of [
      'POSTGRES_PASSWORD',
      'AUTH_GITHUB_CLIENT_SECRET',
      'BACKSTAGE_API_TOKEN',
      'PLATFORM_API_TOKEN',
      'GITHUB_TOKEN',
      'K8S_CLUSTER_TOKEN',
      'ARGOCD_TOKEN',
      'VAULT_TOKEN',
    ]) {
      expect({ secret, from: Object.keys(env.get(secret)) }).toEqual({
        secret,
        from: ['secretKeyRef'],
      });
    }
  });

  it('mounts the current app-config.production.yaml and a shared TechDocs volume', () => {
    const configMap = find('ConfigMap', 'paved-road-app-config');
    // Out of date? Run `node deploy/sync-app-config.mjs`.
    expect(configMap.data['app-config.production.yaml']).toBe(
      productionConfig(),
    );
    const mounts = new Map<string, any>(
      container().volumeMounts.map((m: any) => [m.mountPath, m]),
    );
    const volumes = new Map<string, any>(
      deployment().spec.template.spec.volumes.map((v: any) => [v.name, v]),
    );
    const config = mounts.get('/app/app-config.production.yaml');
    expect(volumes.get(config.name).configMap.name).toBe(
      'paved-road-app-config',
    );
    expect(container().command.slice(-1)).toEqual([
      'app-config.production.yaml',
    ]);

    const publishDirectory = yaml.parse(productionConfig()).techdocs.publisher
      .local.publishDirectory;
    const techdocs = volumes.get(mounts.get(publishDirectory).name);
    const claim = find(
      'PersistentVolumeClaim',
      techdocs.persistentVolumeClaim.claimName,
    );
    expect(claim.spec.accessModes).toEqual(['ReadWriteMany']);
  });
});
