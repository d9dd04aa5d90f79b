import { Entity } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  LocationSpec,
} from '@backstage/plugin-catalog-node';
import { RuntimeLocationRules } from './runtimeLocations';

/**
 * Refuses, for entities that did not originate in one of the platform's
 * `catalog.locations`, Templates, Groups, Users and locations pointing
 * outside the integrations ({@link RuntimeLocationRules}), whatever
 * `catalog.rules` allows: the processing fails, so the entity is not stored
 * and a refused location's targets are never read.
 */
export class PlatformLocationsProcessor implements CatalogProcessor {
  constructor(private readonly rules: RuntimeLocationRules) {}

  getProcessorName() {
    return 'PavedRoadPlatformLocationsProcessor';
  }

  // Ahead of the default 20, so placeholders ($text, $yaml) are not read either.
  getPriority() {
    return 10;
  }

  async preProcessEntity(
    entity: Entity,
    location: LocationSpec,
    _emit: CatalogProcessorEmit,
    // The catalog sets it from the parent, whatever the file says.
    originLocation: LocationSpec,
  ): Promise<Entity> {
    if (!this.rules.isPlatformLocation(originLocation)) {
      const refusals = this.rules.entityRefusals(entity, location);
      if (refusals.length > 0) {
        throw new NotAllowedError(
          `${originLocation.type}:${
            originLocation.target
          } was registered at runtime, it is not one of the platform's locations: ${refusals.join(
            '; ',
          )}`,
        );
      }
    }
    return entity;
  }
}
