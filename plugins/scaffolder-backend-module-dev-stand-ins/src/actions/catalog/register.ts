import { stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  Zod,
  parseInput,
} from '@internal/plugin-scaffolder-backend-module-platform';
import { examples } from './register.examples';

const ACTION_ID = 'catalog:location:register';

export const inputFields = {
  target: (z: Zod) =>
    z
      .string()
      .min(1)
      .max(2048)
      .describe(
        'Where the catalog reads catalog-info.yaml: a URL, or an absolute file path (from git:repository:publish).',
      ),
  type: (z: Zod) =>
    z
      .enum(['url', 'file'])
      .optional()
      .describe('Location type: "url" (default) or "file".'),
};

/**
 * Registers a location in the catalog, like the upstream catalog:register
 * but for `file` locations too (the embedded default's local repositories).
 * Idempotent: an already registered location is reused and its entity
 * refreshed. Outputs the entity ref for the output page.
 */
export function createCatalogLocationRegisterAction(options: {
  catalog: CatalogService;
}) {
  const { catalog } = options;
  return createTemplateAction({
    id: ACTION_ID,
    description:
      'Registers a catalog-info.yaml location (url or file) in the catalog; an existing registration is reused.',
    examples,
    supportsDryRun: true,
    schema: {
      input: inputFields,
      output: {
        entityRef: z =>
          z
            .string()
            .describe(
              'The registered entity (the Component, when there are several)',
            ),
        locationId: z => z.string().optional().describe('Catalog location id'),
        state: z =>
          z
            .enum(['created', 'unchanged'])
            .describe('What happened to the location'),
      },
    },
    async handler(ctx) {
      const { target, type = 'url' } = parseInput(
        ACTION_ID,
        inputFields,
        ctx.input,
      );
      if (type === 'url' && !/^https?:\/\//.test(target)) {
        throw new InputError(
          `target must be an http(s) URL for type "url", got "${target}"`,
        );
      }
      if (type === 'file' && !target.startsWith('/')) {
        throw new InputError(
          `target must be an absolute path for type "file", got "${target}"`,
        );
      }
      const locationRef = `${type}:${target}`;
      if (ctx.isDryRun) {
        // In a dry run the repository was not published, so there is
        // nothing for the catalog to read yet.
        ctx.logger.info(`Dry run: would register ${locationRef}`);
        ctx.output('state', 'created');
        return;
      }
      const credentials = await ctx.getInitiatorCredentials();
      // A dry-run registration reads and validates the file through the
      // catalog and says whether the location exists, without storing it.
      const preview = await catalog.addLocation(
        { type, target, dryRun: true },
        { credentials },
      );
      const entity =
        preview.entities.find(e => e.kind === 'Component') ??
        preview.entities[0];
      if (!entity) {
        throw new ConflictError(
          `The catalog found no entity at ${locationRef}; check that catalog-info.yaml exists and is valid.`,
        );
      }
      const entityRef = stringifyEntityRef(entity);
      const state = preview.exists ? 'unchanged' : 'created';
      ctx.logger.info(`Location ${locationRef} ${state} (${entityRef})`);
      if (state === 'created') {
        const locationId = await ctx.checkpoint({
          key: `catalog.location.v1:${locationRef}`,
          fn: async () =>
            (
              await catalog.addLocation({ type, target }, { credentials })
            ).location.id,
        });
        ctx.output('locationId', locationId);
      } else {
        // Pick up a re-published catalog-info.yaml straight away.
        await catalog.refreshEntity(entityRef, { credentials });
      }
      ctx.output('entityRef', entityRef);
      ctx.output('state', state);
    },
  });
}
