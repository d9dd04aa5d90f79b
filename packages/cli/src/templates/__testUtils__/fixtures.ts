import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Files under a fresh temporary folder; returns the folder. */
export function writeFiles(files: Record<string, string>): string {
  const root = fs.realpathSync(
    fs.mkdtempSync(path.join(os.tmpdir(), 'platform-templates-')),
  );
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  return root;
}

/**
 * A small service template: `spec.parameters` at line 8, the steps `fetch`
 * at line 22, `log` at line 29 and `register` at line 33.
 */
export const MINI_TEMPLATE = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: mini-service
  title: Mini service
spec:
  type: service
  parameters:
    - title: Service
      required: [name, owner]
      properties:
        name:
          type: string
          pattern: '^[a-z][a-z0-9-]{1,38}[a-z0-9]$'
        owner:
          type: string
          ui:field: OwnerPicker
        replicas:
          type: integer
          default: 2
  steps:
    - id: fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: \${{ parameters.name }}
          owner: \${{ parameters.owner }}
    - id: log
      action: debug:log
      input:
        message: rendered \${{ parameters.name }}
    - id: register
      action: catalog:location:register
      input:
        target: /repositories/\${{ parameters.name }}/catalog-info.yaml
        type: file
`;

export const MINI_CHECK = `values:
  name: orders-service
  owner: group:default/fulfilment-team
  replicas: 3
expectedFiles:
  - catalog-info.yaml
  - k8s/kustomization.yaml
  - k8s/deployment.yaml
  - k8s/service.yaml
`;

/** What a good skeleton renders for these answers. */
export function goodRepository(
  name = 'orders-service',
  owner = 'group:default/fulfilment-team',
): Record<string, string> {
  return {
    'catalog-info.yaml': `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
spec:
  type: service
  lifecycle: experimental
  owner: ${owner}
`,
    'k8s/kustomization.yaml': `resources:
  - deployment.yaml
  - service.yaml
`,
    'k8s/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  selector:
    matchLabels: { app: ${name} }
  template:
    metadata:
      labels: { app: ${name} }
    spec:
      containers:
        - name: app
          image: ${name}:latest
          livenessProbe: { httpGet: { path: /healthz, port: 8080 } }
          readinessProbe: { httpGet: { path: /readyz, port: 8080 } }
          resources:
            requests: { cpu: 100m, memory: 128Mi }
            limits: { cpu: 250m, memory: 256Mi }
`,
    'k8s/service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector: { app: ${name} }
  ports: [{ port: 80, targetPort: 8080 }]
`,
  };
}

/** A repository root with templates/<dir>/… for each entry. */
export function templatesRepo(
  templates: Record<string, Record<string, string>>,
): string {
  return writeFiles(
    Object.fromEntries(
      Object.entries(templates).flatMap(([dir, files]) =>
        Object.entries(files).map(([file, text]) => [
          `templates/${dir}/${file}`,
          text,
        ]),
      ),
    ),
  );
}
