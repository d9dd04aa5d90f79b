import { createBackend } from '@backstage/backend-defaults';
import { devStandInsLoader } from './modules/devStandIns';
import { onCallSourcesLoader } from './modules/onCallSources';
import { searchModuleInMemoryEngine } from './modules/searchEngine';
import { techdocsModuleDevPrebuild } from './modules/techdocsPrebuild';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// scaffolder plugin
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);
// Paved Road actions: ArgoCD registration, Vault policy, namespace provisioning
backend.add(import('@internal/plugin-scaffolder-backend-module-platform'));
// Embedded default only (pavedRoad.standIns, pavedRoad.repositories: local):
// simulated ArgoCD, Vault, Kubernetes, GitHub and git, the actions that
// publish to local repositories, file locations in the catalog. A dev-only
// package, imported only when pavedRoad.standIns is on: production neither
// ships nor installs it.
backend.add(devStandInsLoader);

// techdocs plugin
backend.add(import('@backstage/plugin-techdocs-backend'));
// Embedded default only: every entity's docs built in the background at start
backend.add(techdocsModuleDevPrebuild);

// auth plugin
backend.add(import('@backstage/plugin-auth-backend'));
// See https://backstage.io/docs/backend-system/building-backends/migrating#the-auth-plugin
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
// See https://backstage.io/docs/auth/guest/provider
// Production sign-in (auth.providers.github in app-config.production.yaml)
backend.add(import('@backstage/plugin-auth-backend-module-github-provider'));

// catalog plugin
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);

// See https://backstage.io/docs/features/software-catalog/configuration#subscribing-to-catalog-errors
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// permission plugin
backend.add(import('@backstage/plugin-permission-backend'));
// Paved Road's policy (owners and the platform team change what they own) and
// the catalog's check of location owners; active where permission.enabled is true
backend.add(import('@internal/plugin-permission-backend-module-paved-road'));

// search plugin
backend.add(import('@backstage/plugin-search-backend'));

// search engine
// See https://backstage.io/docs/features/search/search-engines
backend.add(import('@backstage/plugin-search-backend-module-pg'));
// Without PostgreSQL: the in-memory engine, answering "no results" (not a
// 500) for a document type that is not indexed yet
backend.add(searchModuleInMemoryEngine);

// search collators
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
backend.add(import('@backstage/plugin-search-backend-module-techdocs'));

// kubernetes plugin
backend.add(import('@backstage/plugin-kubernetes-backend'));

// DORA metrics: ingestion API, GitHub webhooks and backfill, metrics
backend.add(import('@internal/plugin-dora-backend'));

// On-call: who is paged now, incidents and paging, from PagerDuty when
// oncall.pagerduty is configured (its webhooks and a reconciliation send
// incidents to DORA), else from the paved-road.io/on-call annotation
backend.add(import('@internal/plugin-oncall-backend'));
backend.add(onCallSourcesLoader);

// Scorecard: YAML-authored standards checks, evaluated on the scheduler
backend.add(import('@internal/plugin-scorecard-backend'));

// user settings plugin
backend.add(import('@backstage/plugin-user-settings-backend'));

// notifications and signals plugins
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

// mcp actions plugin
backend.add(import('@backstage/plugin-mcp-actions-backend'));

// A plugin that refuses to boot (e.g. the stand-ins under NODE_ENV=production)
// fails start(); exit instead of serving an unready backend forever, so the
// operator or the orchestrator sees the failure at once.
backend.start().catch(error => {
  process.stderr.write(`Backend failed to start: ${error?.stack ?? error}\n`);
  process.exit(1);
});
