/**
 * Local stand-ins for ArgoCD, Vault, Kubernetes, GitHub and a git server,
 * the catalog setting local repositories need, six months of example DORA
 * history sent through the dora plugin's ingestion API, and a past of the
 * example organisation for the scorecard to replay, for the embedded default
 * only. The modules do nothing unless app-config asks for them
 * (`pavedRoad.standIns`, `pavedRoad.repositories.type: local`).
 *
 * @packageDocumentation
 */
import { createBackendFeatureLoader } from '@backstage/backend-plugin-api';
import { catalogModuleLocalRepositories } from './catalogModule';
import { doraModuleExampleHistory } from './doraModule';
import { scaffolderModuleDevStandIns } from './module';
import { scorecardModuleExampleHistory } from './scorecardModule';

export { standInsSettings } from './standIns';

export {
  catalogModuleLocalRepositories,
  doraModuleExampleHistory,
  scaffolderModuleDevStandIns,
  scorecardModuleExampleHistory,
};

export default createBackendFeatureLoader({
  *loader() {
    yield scaffolderModuleDevStandIns;
    yield catalogModuleLocalRepositories;
    yield doraModuleExampleHistory;
    yield scorecardModuleExampleHistory;
  },
});
