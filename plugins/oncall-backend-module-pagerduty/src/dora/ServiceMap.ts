import { AuthService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ANNOTATION_PAGERDUTY_SERVICE_ID } from '@internal/plugin-oncall-common';
import { pagerDutyServiceIds } from '../provider/PagerDutyOnCallProvider';

/** How long the catalog's answer is reused: webhooks come in bursts. */
const TTL_MS = 60_000;

/**
 * Which catalog Components each PagerDuty service pages for, from their
 * `pagerduty.com/service-id` annotations (one id or several, comma-separated).
 * A service named by several Components maps to all of them.
 */
export class ServiceMap {
  private cached?: { at: number; map: Promise<Map<string, string[]>> };

  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly now: () => number = Date.now,
  ) {}

  /** The Component refs of a PagerDuty service; empty when no Component names it. */
  async componentsOf(serviceId: string): Promise<string[]> {
    return (await this.all()).get(serviceId) ?? [];
  }

  /** Every PagerDuty service some Component names, with those Components. */
  async all(): Promise<Map<string, string[]>> {
    const at = this.now();
    if (!this.cached || at - this.cached.at > TTL_MS) {
      const map = this.load();
      this.cached = { at, map };
      // A failed load is not reused: the next call asks the catalog again.
      map.catch(() => {
        if (this.cached?.map === map) this.cached = undefined;
      });
    }
    return this.cached.map;
  }

  private async load(): Promise<Map<string, string[]>> {
    const { items } = await this.catalog.getEntities(
      {
        filter: {
          kind: 'Component',
          [`metadata.annotations.${ANNOTATION_PAGERDUTY_SERVICE_ID}`]:
            CATALOG_FILTER_EXISTS,
        },
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.annotations',
        ],
      },
      { credentials: await this.auth.getOwnServiceCredentials() },
    );
    const map = new Map<string, string[]>();
    for (const entity of items) {
      const ref = stringifyEntityRef(entity);
      for (const id of pagerDutyServiceIds(entity)) {
        map.set(id, [...(map.get(id) ?? []), ref]);
      }
    }
    return map;
  }
}
