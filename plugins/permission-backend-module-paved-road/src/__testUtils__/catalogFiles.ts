import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';

export function catalogEntity(
  kind: string,
  name: string,
  spec: Entity['spec'],
  annotations?: Record<string, string>,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name, namespace: 'default', annotations },
    spec,
  };
}

/**
 * A URL reader serving `files` (URL → the entities in that file) as YAML
 * documents, the way the catalog reads them. Like GitHub's reader it takes
 * blob and tree URLs alike (the catalog resolves file URLs to tree).
 */
export function mockCatalogFiles(files: Record<string, Entity[]>) {
  return mockServices.urlReader.mock({
    search: jest.fn(async (url: string) => {
      const entities = files[url.replace('/tree/', '/blob/')];
      return {
        etag: 'e',
        files: entities
          ? [
              {
                url,
                content: async () =>
                  // JSON is YAML.
                  Buffer.from(
                    entities.map(e => JSON.stringify(e)).join('\n---\n'),
                  ),
              },
            ]
          : [],
      };
    }),
  });
}
