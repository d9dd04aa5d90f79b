import { Entity } from '@backstage/catalog-model';
import path from 'node:path';

const catalogDir = path.resolve(__dirname, '../../../../catalog');

/** The annotations of the platform standards, as catalog/ sets them. */
function standards(name: string, cost: string): Record<string, string> {
  return {
    'backstage.io/techdocs-ref': 'dir:.',
    'github.com/project-slug': `acme-freight/${name}`,
    'pagerduty.com/service-id': `P${name.length}X`,
    'paved-road.io/on-call': 'user:default/marco-rossi',
    'prometheus.io/alerts': `${name}-alerts`,
    'paved-road.io/cost-center': cost,
  };
}

function component(
  name: string,
  owner: string,
  options: {
    type?: string;
    lifecycle?: string;
    dependsOn?: string[];
    cost: string;
    /** What it lacks today (catalog/README.md, "Deliberately imperfect"). */
    lacks?: string[];
  },
): Entity {
  const annotations: Record<string, string> = {
    ...standards(name, options.cost),
    // Where the catalog registered it from: TechDocs resolves `dir:` there.
    'backstage.io/managed-by-location': `file:${path.join(
      catalogDir,
      'components',
      name,
      'catalog-info.yaml',
    )}`,
  };
  options.lacks?.forEach(a => delete annotations[a]);
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations,
      links: [
        {
          url: `https://runbooks.acme-freight.example/${name}`,
          title: 'Runbook',
          icon: 'docs',
        },
        ...(options.lacks?.includes('prometheus.io/alerts')
          ? []
          : [
              {
                url: `https://grafana.acme-freight.example/d/${name}`,
                title: 'Grafana dashboard',
                icon: 'dashboard',
              },
            ]),
      ],
    },
    spec: {
      type: options.type ?? 'service',
      lifecycle: options.lifecycle ?? 'production',
      owner,
      dependsOn: options.dependsOn ?? [],
    },
  };
}

function database(name: string, owner: string, backups: boolean): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      namespace: 'default',
      annotations: backups
        ? { 'paved-road.io/backup-policy': 'daily-35d' }
        : {},
    },
    spec: { type: 'database', owner },
  };
}

/**
 * A slice of the example organisation (catalog/), as it is today: the elite
 * fulfilment team's services (inventory-service without docs, its database
 * without backups), the struggling payments team's, and the storefront
 * team's new checkout (experimental, no monitoring yet).
 */
export const exampleOrganisation: Entity[] = [
  ...['fulfilment-team', 'payments-team', 'storefront-team'].map(name => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default' },
    spec: { type: 'team', children: [] },
  })),
  database('orders-db', 'fulfilment-team', true),
  database('inventory-db', 'fulfilment-team', false),
  database('payments-db', 'payments-team', true),
  component('orders-service', 'fulfilment-team', {
    cost: 'cc-4100-fulfilment',
    dependsOn: ['resource:default/orders-db'],
  }),
  component('inventory-service', 'fulfilment-team', {
    cost: 'cc-4100-fulfilment',
    dependsOn: ['resource:default/inventory-db'],
    lacks: ['backstage.io/techdocs-ref'],
  }),
  component('payments-service', 'payments-team', {
    cost: 'cc-4200-payments',
    dependsOn: ['resource:default/payments-db'],
  }),
  component('storefront-web', 'storefront-team', {
    type: 'website',
    cost: 'cc-3100-storefront',
  }),
  component('checkout-service', 'storefront-team', {
    cost: 'cc-3100-storefront',
    lifecycle: 'experimental',
    lacks: ['prometheus.io/alerts'],
  }),
];

/** The entity of the slice named `name`. */
export function exampleEntity(name: string): Entity {
  return exampleOrganisation.find(e => e.metadata.name === name)!;
}
