import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { checkpointStore } from '../../__testUtils__/checkpoints';
import { actionContext, outputsOf } from '../../__testUtils__/actionContext';
import { expectExamplesWork } from '../../__testUtils__/examples';
import { createCatalogLocationRegisterAction, inputFields } from './register';
import { examples } from './register.examples';

const target = '/data/repositories/orders-api/catalog-info.yaml';
const component: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'orders-api', namespace: 'default' },
  spec: {
    type: 'service',
    owner: 'fulfilment-team',
    lifecycle: 'experimental',
  },
};

/**
 * The catalog's location semantics, in memory: a dry run reads the entities
 * and says whether the location exists; a real add of an existing location
 * is a conflict.
 */
function fakeCatalog(entitiesAt: Record<string, Entity[]>) {
  const registered = new Set<string>();
  const catalog = catalogServiceMock.mock({
    addLocation: jest.fn(async ({ type, target: t, dryRun }) => {
      const ref = `${type}:${t}`;
      const exists = registered.has(ref);
      if (!dryRun) {
        if (exists) {
          throw Object.assign(new Error(`Location ${ref} already exists`), {
            name: 'ConflictError',
          });
        }
        registered.add(ref);
      }
      return {
        location: {
          id: `id-${ref}`,
          type: type!,
          target: t,
          entityRef: `location:default/generated-${registered.size}`,
        },
        entities: dryRun ? entitiesAt[t] ?? [] : [],
        exists: dryRun ? exists : undefined,
      };
    }),
  });
  return { catalog, registered };
}

describe('catalog:location:register', () => {
  it('registers a file location and outputs the component ref', async () => {
    const { catalog, registered } = fakeCatalog({ [target]: [component] });
    const ctx = actionContext({ target, type: 'file' });
    await createCatalogLocationRegisterAction({ catalog }).handler(ctx);

    expect(registered).toEqual(new Set([`file:${target}`]));
    expect(outputsOf(ctx)).toEqual({
      entityRef: 'component:default/orders-api',
      locationId: `id-file:${target}`,
      state: 'created',
    });
  });

  it('reuses an existing registration and refreshes the entity', async () => {
    const { catalog } = fakeCatalog({ [target]: [component] });
    const action = createCatalogLocationRegisterAction({ catalog });
    await action.handler(actionContext({ target, type: 'file' }));

    const ctx = actionContext({ target, type: 'file' });
    await action.handler(ctx);

    expect(outputsOf(ctx).state).toBe('unchanged');
    expect(catalog.refreshEntity).toHaveBeenCalledWith(
      'component:default/orders-api',
      expect.anything(),
    );
  });

  it('registers nothing in a dry run or when a checkpoint says it was done', async () => {
    const { catalog, registered } = fakeCatalog({ [target]: [component] });
    const action = createCatalogLocationRegisterAction({ catalog });
    await action.handler(
      actionContext({ target, type: 'file' }, { isDryRun: true }),
    );
    const store = checkpointStore({
      [`catalog.location.v1:file:${target}`]: 'id-1',
    });
    await action.handler(
      actionContext({ target, type: 'file' }, { checkpoint: store.checkpoint }),
    );

    expect(registered.size).toBe(0);
    expect(store.replayed).toHaveLength(1);
    // The dry run did not even ask the catalog: nothing is published yet.
    expect(catalog.addLocation).toHaveBeenCalledTimes(1);
  });

  it('says when the file holds no entity', async () => {
    const { catalog, registered } = fakeCatalog({});
    await expect(
      createCatalogLocationRegisterAction({ catalog }).handler(
        actionContext({ target, type: 'file' }),
      ),
    ).rejects.toThrow(`The catalog found no entity at file:${target}`);
    expect(registered.size).toBe(0);
  });

  it.each([
    [{ target: '/etc/passwd' }, 'target must be an http(s) URL for type "url"'],
    [
      { target: 'relative.yaml', type: 'file' },
      'target must be an absolute path',
    ],
    [{ target: target, type: 'git' }, 'type: Invalid enum value'],
  ])('refuses %j', async (input, message) => {
    const { catalog } = fakeCatalog({});
    await expect(
      createCatalogLocationRegisterAction({ catalog }).handler(
        actionContext(input),
      ),
    ).rejects.toThrow(message);
    expect(catalog.addLocation).not.toHaveBeenCalled();
  });

  it('documents itself with examples that pass its input checks and a dry run', async () => {
    await expectExamplesWork({
      examples,
      fields: inputFields,
      action: createCatalogLocationRegisterAction({
        catalog: fakeCatalog({}).catalog,
      }),
      values: {
        'steps.publish.output.catalogInfoTarget': target,
        'steps.publish.output.catalogInfoType': 'file',
      },
      dryRun: true,
    });
  });
});
