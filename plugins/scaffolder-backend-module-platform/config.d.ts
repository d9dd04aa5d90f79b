import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  /**
   * Targets of the Paved Road scaffolder actions. Templates name a target;
   * addresses and credentials live only here, tokens from the environment.
   */
  pavedRoad?: {
    /**
     * Names no golden path may create or write to, added to the built-in
     * list (default, kube-*, argocd, vault, cert-manager, istio-*, ...).
     * Applies to namespaces, ArgoCD destinations, Vault roles and
     * repository names. A trailing "*" matches any suffix.
     */
    reservedNamespaces?: string[];
    access?: {
      /**
       * The group that may write for any team, adopt namespaces and run
       * what names no owner. Default "group:default/platform-team".
       */
      platformTeam?: string;
    };
    argocd?: {
      /**
       * Repositories applications may deploy from, as ArgoCD glob patterns
       * of host and organisation, e.g. "https://github.com/acme-freight/*".
       * Every team project allows exactly these; any other repoUrl is
       * refused. Empty or unset: no application may be registered.
       */
      sourceRepos?: string[];
      instances: Array<{
        /** Name templates use, e.g. "prod". */
        name: string;
        /** Base URL of the ArgoCD server; a trailing "/" or "/api/v1" is tolerated. */
        url: string;
        /**
         * Bearer token of an ArgoCD account allowed to get/create/update applications.
         * @visibility secret
         */
        token: string;
        /** UI base URL for links, when it differs from url. */
        uiUrl?: string;
        /**
         * Let applications use the project "default", which in a stock
         * ArgoCD permits every repository, destination and cluster-scoped
         * kind. Default false: applications go into their team's project.
         */
        allowDefaultProject?: boolean;
      }>;
    };
    vault?: {
      servers: Array<{
        name: string;
        /** e.g. https://vault.example.com:8200 */
        address: string;
        /** Vault Enterprise namespace (X-Vault-Namespace). */
        namespace?: string;
        /**
         * Token allowed to manage ACL policies and the Kubernetes auth role.
         * @visibility secret
         */
        token: string;
        /** Mount path of the Kubernetes auth method; default "kubernetes". */
        kubernetesAuthMount?: string;
        /** Mount path of the KV v2 secrets engine; default "secret". */
        kvMount?: string;
      }>;
    };
    /** The scheduled removal of expired ephemeral namespaces. */
    ttlSweep?: {
      /** Default: every 5 minutes, 4 min timeout, 30 s initial delay. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
    kubernetes?: {
      clusters: Array<{
        name: string;
        /** API server URL. */
        url: string;
        /**
         * Service account token with rights on namespaces, quotas, limit
         * ranges, network policies and role bindings.
         * @visibility secret
         */
        serviceAccountToken: string;
        /** Base64 PEM of the cluster CA. */
        caData?: string;
        /** Only for local test clusters. */
        skipTLSVerify?: boolean;
      }>;
    };
  };
}
