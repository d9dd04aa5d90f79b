/**
 * What a batch's events touched, to relink and recompute in its transaction
 * once they are stored.
 */
export class BatchTouches {
  /** Deployments whose failure flags or recovery may have changed. */
  readonly deployments = new Set<number>();
  /** UTC days whose deployment rollups this batch makes stale. */
  readonly staleDays = new Set<number>();
  /** service -> shas to relink to the first production-tier deployment. */
  readonly production = new Map<string, Set<string>>();
  /** service -> shas to relink to the first deployment to each environment. */
  readonly environments = new Map<string, Set<string>>();
  /**
   * The production histories (service, environment) new successful
   * deployments joined, each from the earliest finish among them: where the
   * inferred rollbacks are recomputed.
   */
  readonly histories = new Map<
    string,
    { service: string; environment: string; from: number }
  >();

  /** A change, or a commit a production deployment shipped: relink both. */
  commit(service: string, sha: string) {
    addTo(this.production, service, sha);
    addTo(this.environments, service, sha);
  }

  /** A commit a successful deployment outside production tiers shipped. */
  commitInEnvironment(service: string, sha: string) {
    addTo(this.environments, service, sha);
  }

  /** A successful production-tier deployment, finished at `finishedAt`. */
  history(service: string, environment: string, finishedAt: number) {
    const key = JSON.stringify([service, environment]);
    const known = this.histories.get(key);
    if (!known) {
      this.histories.set(key, { service, environment, from: finishedAt });
    } else if (finishedAt < known.from) {
      known.from = finishedAt;
    }
  }
}

function addTo(map: Map<string, Set<string>>, service: string, sha: string) {
  if (!map.has(service)) map.set(service, new Set());
  map.get(service)!.add(sha);
}
