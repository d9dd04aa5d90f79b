export interface Config {
  pavedRoad?: {
    /**
     * Where git:repository:publish puts repositories. "local": bare
     * repositories under a data folder (the embedded default).
     */
    repositories?: {
      /** "local" (embedded default) or "github" (templates use publish:github). */
      type: 'local' | 'github';
      /** Directory of the bare repositories and their checkouts (local). */
      directory?: string;
      /** Base URL clones use (the dev stand-in serves the directory over HTTP). */
      cloneBaseUrl?: string;
    };
    /**
     * Embedded default only: local stand-ins the golden paths talk to
     * instead of ArgoCD, Vault and Kubernetes, plus an HTTP git server for
     * the local repositories. Point pavedRoad.argocd/vault/kubernetes targets
     * at these ports. Never configure this in production.
     */
    standIns?: {
      /** false turns the stand-ins off (production sets this). */
      enabled?: boolean;
      /** Shared bearer token of the stand-ins (not a secret: loopback only). */
      token?: string;
      argocdPort?: number;
      vaultPort?: number;
      kubernetesPort?: number;
      gitPort?: number;
      /** A GitHub API stand-in for the scorecard's CI facts. */
      github?: {
        port: number;
        /** owner/repo slugs whose CI exists (and passes unless failing). */
        repositories?: string[];
        /** owner/repo slugs whose latest run on main failed. */
        failingRepositories?: string[];
      };
      /** Running workloads to show in the Kubernetes tab of example services. */
      workloads?: Array<{ name: string; namespace: string; replicas?: number }>;
      /**
       * Six months of example DORA history for the catalog's services and
       * websites, sent to the dora plugin's ingestion API at start (on unless
       * enabled: false). Needs `plugin:dora` in dora.ingestion.allowedSubjects.
       */
      doraHistory?: {
        enabled?: boolean;
        /** Another seed draws another history (default `acme-freight`). */
        seed?: string;
      };
      /**
       * Months of example scorecard history: a past of the example
       * organisation (the teams adopting the platform standards) that the
       * scorecard replays with its evaluator at start, into a database
       * without history (on unless enabled: false).
       */
      scorecardHistory?: {
        enabled?: boolean;
        /** Days replayed before today, 1 to 730 (default 120). */
        days?: number;
      };
    };
  };
}
