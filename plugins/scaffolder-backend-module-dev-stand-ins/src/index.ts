/**
 * Local stand-ins for ArgoCD, Vault, Kubernetes, GitHub and a git server,
 * the scaffolder actions and catalog setting of local repositories
 * (`git:repository:publish`, `catalog:location:register`, `file`
 * locations), six months of example DORA history sent through the dora
 * plugin's ingestion API, and a past of the example organisation for the
 * scorecard to replay, a PagerDuty with the example teams' rotations and
 * incidents, for the embedded default only. The modules do nothing
 * unless app-config asks for them (`pavedRoad.standIns`,
 * `pavedRoad.repositories.type: local`).
 *
 * Dev-only: a devDependency of the backend, which imports it only when
 * `pavedRoad.standIns` is on (packages/backend/src/modules/devStandIns.ts),
 * so neither it nor the API doubles it runs are in the production bundle.
 *
 * @packageDocumentation
 */
import { createBackendFeatureLoader } from '@backstage/backend-plugin-api';
import { scaffolderModuleLocalRepositories } from './actionsModule';
import { catalogModuleLocalRepositories } from './catalogModule';
import { doraModuleExampleHistory } from './doraModule';
import { scaffolderModuleDevStandIns } from './module';
import { onCallModuleExamplePagerDuty } from './onCallModule';
import { scorecardModuleExampleHistory } from './scorecardModule';

export { standInsSettings } from './standIns';

export {
  catalogModuleLocalRepositories,
  doraModuleExampleHistory,
  onCallModuleExamplePagerDuty,
  scaffolderModuleDevStandIns,
  scaffolderModuleLocalRepositories,
  scorecardModuleExampleHistory,
};

export default createBackendFeatureLoader({
  *loader() {
    yield scaffolderModuleDevStandIns;
    yield scaffolderModuleLocalRepositories;
    yield catalogModuleLocalRepositories;
    yield doraModuleExampleHistory;
    yield scorecardModuleExampleHistory;
    yield onCallModuleExamplePagerDuty;
  },
});
