/**
 * Local stand-ins for ArgoCD, Vault, Kubernetes, GitHub and a git server,
 * and the catalog setting local repositories need, for the embedded default
 * only. Both modules do nothing unless app-config asks for them.
 *
 * @packageDocumentation
 */
import { createBackendFeatureLoader } from '@backstage/backend-plugin-api';
import { catalogModuleLocalRepositories } from './catalogModule';
import { scaffolderModuleDevStandIns } from './module';

export { catalogModuleLocalRepositories, scaffolderModuleDevStandIns };

export default createBackendFeatureLoader({
  *loader() {
    yield scaffolderModuleDevStandIns;
    yield catalogModuleLocalRepositories;
  },
});
