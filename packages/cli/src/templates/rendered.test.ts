import { checkCatalogInfo, checkKubernetesManifests } from './rendered';
import { goodRepository } from './__testUtils__/fixtures';

const files = (overrides: Record<string, string | undefined> = {}) => {
  const all: Record<string, string | undefined> = {
    ...goodRepository(),
    ...overrides,
  };
  return new Map(
    Object.entries(all).filter(
      (e): e is [string, string] => e[1] !== undefined,
    ),
  );
};

describe('checkCatalogInfo', () => {
  it('returns the Component of a valid catalog-info.yaml', async () => {
    const result = await checkCatalogInfo(files());
    expect(result.problems).toEqual([]);
    expect(result.component?.metadata.name).toBe('orders-service');
  });

  it('reports a missing file, a file that does not parse, and no Component', async () => {
    expect(
      (await checkCatalogInfo(files({ 'catalog-info.yaml': undefined })))
        .problems,
    ).toEqual(['no catalog-info.yaml was rendered']);
    expect(
      (
        await checkCatalogInfo(
          files({ 'catalog-info.yaml': 'kind: [Component\n' }),
        )
      ).problems,
    ).toEqual([
      expect.stringMatching(/^catalog-info\.yaml does not parse: /),
      'catalog-info.yaml holds no Component',
    ]);
  });
});

describe('checkKubernetesManifests', () => {
  it('passes consistent manifests', () => {
    expect(checkKubernetesManifests(files())).toEqual([]);
  });

  it('reports every problem, not only the first', () => {
    expect(
      checkKubernetesManifests(
        files({
          'k8s/kustomization.yaml':
            'resources: [deployment.yaml, service.yaml, hpa.yaml]\n',
          'k8s/service.yaml': goodRepository()['k8s/service.yaml'].replace(
            'selector: { app: orders-service }',
            'selector: { app: orders }',
          ),
          'k8s/deployment.yaml': goodRepository()[
            'k8s/deployment.yaml'
          ].replace('apps/v1', 'apps/v1beta1'),
        }),
      ),
    ).toEqual([
      'k8s/kustomization.yaml lists hpa.yaml, which was not rendered',
      'k8s/deployment.yaml: unknown kind/apiVersion Deployment apps/v1beta1',
      'k8s/service.yaml: the Service selector matches no Deployment pods',
    ]);
  });
});
