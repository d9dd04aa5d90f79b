import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity, parseEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { entityRefKey } from '@internal/paved-road-common';
import { GroupHierarchy, GroupNode } from '@internal/paved-road-node';
import {
  CheckDefinition,
  CheckState,
  computeScore,
  DryRunChange,
  DryRunResponse,
  LevelDefinition,
} from '@internal/plugin-scorecard-common';
import type { ScorecardPastView } from '@internal/plugin-scorecard-node';
import { createHash } from 'crypto';
import pLimit from 'p-limit';
import { ChecksSet } from '../checks/parseChecksFile';
import { EntityEvaluation, ScorecardStore } from '../database/ScorecardStore';
import {
  CatalogFactContext,
  collectCatalogFacts,
  dependencyRefs,
} from '../facts/catalogFacts';
import { GitHubFactSource } from '../facts/GitHubFactSource';
import { annotationsOnly, OnCallFactSource } from '../facts/OnCallFactSource';
import { TechDocsFactSource } from '../facts/TechDocsFactSource';
import { catalogExemptions } from '../facts/catalogExemptions';
import { CriticalFailureNotifier } from './CriticalFailureNotifier';
import { FactSourceId, FactSourceResult } from '../facts/types';
import {
  EntityFacts,
  evaluateEntity,
  mayApply,
  sourcesOfCheck,
} from './evaluateEntity';

/** The parts of the fact sources the evaluator uses (tests pass doubles). */
export interface FactSources {
  techdocs: Pick<TechDocsFactSource, 'collect'>;
  github: Pick<GitHubFactSource, 'collect'>;
  /**
   * Who is on call, from the on-call backend. Without it the on-call facts
   * are those of a backend without the on-call plugin: the annotations decide.
   */
  oncall?: Pick<OnCallFactSource, 'collect'>;
}

export interface EvaluatorOptions {
  catalog: CatalogService;
  auth: AuthService;
  store: ScorecardStore;
  /** The checks currently in force. */
  getChecks: () => ChecksSet & { hash: string };
  sources: FactSources;
  logger: LoggerService;
  /** Facts older than this are "no data (stale)". */
  staleAfterMs: number;
  /** Told when a service starts failing a critical check. */
  notifier?: CriticalFailureNotifier;
  /** Entities per catalog page and per database write. */
  batchSize?: number;
  /** Parallel requests to TechDocs, GitHub and the on-call backend. */
  concurrency?: number;
  now?: () => Date;
}

export interface RunSummary {
  seen: number;
  evaluated: number;
  removed: number;
  durationMs: number;
}

/** How one run evaluates: today's catalog, or a past day's. */
interface RunContext {
  /** The evaluation's clock. */
  now: () => Date;
  sources: FactSources;
  /** The entity as it was at the run's time; undefined if it did not exist. */
  asOf?: (entity: Entity) => Entity | undefined;
  /** Whether owners hear of critical checks that start failing. */
  notify: boolean;
}

/**
 * Fact sources that collect once per distinct entity content. A replay
 * evaluates the same entity on many days; TechDocs and GitHub have no past to
 * ask, so one answer serves every day (and GitHub's rate limit is spared).
 */
function collectingOnce(sources: FactSources): FactSources {
  const once = (source: FactSources['github']) => {
    const results = new Map<string, Promise<FactSourceResult>>();
    return {
      collect: (entity: Entity) => {
        const key = JSON.stringify(entity);
        let result = results.get(key);
        if (!result) {
          result = source.collect(entity);
          results.set(key, result);
        }
        return result;
      },
    };
  };
  return {
    techdocs: once(sources.techdocs),
    github: once(sources.github),
    oncall: sources.oncall && once(sources.oncall),
  };
}

/**
 * Evaluates checks over the catalog: everything on the scheduler, only new or
 * changed entities on a shorter schedule, one entity on demand, and dry runs
 * of unpublished checks.
 */
export class Evaluator {
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly now: () => Date;

  constructor(private readonly options: EvaluatorOptions) {
    this.batchSize = options.batchSize ?? 200;
    // p-limit takes a whole number; a fraction always ran as its whole part.
    this.concurrency = Math.floor(options.concurrency ?? 8);
    this.now = options.now ?? (() => new Date());
  }

  private async credentials() {
    return this.options.auth.getOwnServiceCredentials();
  }

  /** Kinds the checks can apply to, or undefined for all kinds. */
  private kindsFor(checks: CheckDefinition[]): string[] | undefined {
    const kinds = new Set<string>();
    for (const check of checks) {
      if (!check.appliesTo?.kind) {
        return undefined;
      }
      check.appliesTo.kind.forEach(k => kinds.add(k));
    }
    return [...kinds];
  }

  private async loadOwnerRefs(): Promise<Set<string>> {
    const { items } = await this.options.catalog.getEntities(
      {
        filter: [{ kind: 'Group' }, { kind: 'User' }],
        fields: ['kind', 'metadata.name', 'metadata.namespace'],
      },
      { credentials: await this.credentials() },
    );
    return new Set(items.map(item => entityRefKey(item)));
  }

  private async *stream(checks: CheckDefinition[]): AsyncIterable<Entity[]> {
    const kinds = this.kindsFor(checks);
    yield* this.options.catalog.streamEntities(
      {
        filter: kinds ? { kind: kinds } : undefined,
        pageSize: this.batchSize,
      },
      { credentials: await this.credentials() },
    );
  }

  /** Today's evaluation: the wall clock, live facts, owners notified. */
  private today(): RunContext {
    return { now: this.now, sources: this.options.sources, notify: true };
  }

  /** Collects facts and evaluates the given checks for a batch of entities. */
  private async evaluateBatch(
    entities: Entity[],
    set: { checks: CheckDefinition[]; levels: LevelDefinition[]; hash: string },
    ownerRefs: Set<string>,
    run: RunContext = this.today(),
  ): Promise<EntityEvaluation[]> {
    const now = run.now();
    const credentials = await this.credentials();

    // Dependencies of the whole batch in one catalog call. A past view is
    // given them whole, as it is given the evaluated entities.
    const depRefs = [...new Set(entities.flatMap(dependencyRefs))];
    const dependencies = new Map<string, Entity>();
    if (depRefs.length > 0) {
      const { items } = await this.options.catalog.getEntitiesByRefs(
        {
          entityRefs: depRefs,
          fields: run.asOf ? undefined : ['kind', 'metadata', 'spec.type'],
        },
        { credentials },
      );
      items.forEach(item => {
        const then = item && run.asOf ? run.asOf(item) : item;
        if (then) {
          dependencies.set(entityRefKey(then), then);
        }
      });
    }
    const context: CatalogFactContext = { ownerRefs, dependencies };
    const refs = entities.map(entity => entityRefKey(entity));
    const waivers = await this.options.store.getActiveWaivers(refs, now);
    const checkSources = set.checks.map(check => ({
      check,
      sources: sourcesOfCheck(check),
    }));

    const evaluate = async (
      entity: Entity,
      index: number,
    ): Promise<EntityEvaluation> => {
      const ref = refs[index];
      const needed = new Set<FactSourceId>(['catalog']);
      for (const { check, sources: ids } of checkSources) {
        if (mayApply(check, entity)) {
          ids.forEach(s => needed.add(s));
        }
      }
      const sources: Partial<Record<FactSourceId, FactSourceResult>> = {
        catalog: collectCatalogFacts(entity, context, now),
      };
      if (needed.has('techdocs')) {
        sources.techdocs = await run.sources.techdocs.collect(entity);
      }
      if (needed.has('github')) {
        sources.github = await run.sources.github.collect(entity);
      }
      if (needed.has('oncall')) {
        sources.oncall = run.sources.oncall
          ? await run.sources.oncall.collect(entity)
          : annotationsOnly(now, 'the on-call backend is not asked');
      }
      const facts = new EntityFacts(sources, now, this.options.staleAfterMs);
      // Waivers granted through the API win over those declared in the entity.
      const exemptions = catalogExemptions(entity, ref, now);
      const entityWaivers = exemptions.waivers;
      waivers.get(ref)?.forEach((waiver, checkId) => {
        // A replayed day does not know of waivers granted after it.
        if (!run.asOf || !(new Date(waiver.createdAt) > now)) {
          entityWaivers.set(checkId, waiver);
        }
      });
      const results = evaluateEntity({
        entity,
        checks: set.checks,
        facts,
        waivers: entityWaivers,
        waiverProblems: exemptions.problemsFor,
        now,
      });
      const spec = (entity.spec ?? {}) as { owner?: unknown };
      const owner = (sources.catalog!.values!.owner as { ref: string } | null)
        ?.ref;
      const compound = parseEntityRef(ref);
      return {
        entityRef: ref,
        kind: compound.kind,
        namespace: compound.namespace,
        name: compound.name,
        title: entity.metadata.title,
        owner: owner ?? (typeof spec.owner === 'string' ? spec.owner : null),
        entityHash: this.hash(entity, set.hash),
        score: computeScore(results, set.levels),
        results,
        evaluatedAt: now,
      };
    };
    // A limit per batch: an on-demand evaluation does not queue behind a run.
    const limit = pLimit(this.concurrency);
    return Promise.all(
      entities.map((entity, index) => limit(() => evaluate(entity, index))),
    );
  }

  /**
   * Stores evaluations and notifies owners of critical checks that started
   * failing. A first evaluation never notifies, so that rolling out the
   * scorecard (or a new check) does not page every team at once.
   */
  private async save(
    evaluations: EntityEvaluation[],
    checks: CheckDefinition[],
    notify = true,
  ): Promise<void> {
    const notifier = notify ? this.options.notifier : undefined;
    const previous = notifier
      ? await this.options.store.getCurrentStates(
          evaluations.map(e => e.entityRef),
        )
      : undefined;
    await this.options.store.saveEvaluations(evaluations);
    if (!notifier || !previous) {
      return;
    }
    const titles = new Map(checks.map(c => [c.id, c.title]));
    for (const evaluation of evaluations) {
      if (!evaluation.owner) {
        continue;
      }
      for (const result of evaluation.results) {
        const before = previous.get(evaluation.entityRef)?.get(result.checkId);
        if (
          result.weight === 'critical' &&
          result.state === 'fail' &&
          before !== undefined &&
          before !== 'fail'
        ) {
          await notifier.notify({
            entityRef: evaluation.entityRef,
            owner: evaluation.owner,
            checkId: result.checkId,
            checkTitle: titles.get(result.checkId) ?? result.checkId,
            reason: result.reason,
          });
        }
      }
    }
  }

  private hash(entity: Entity, checksHash: string): string {
    return createHash('sha256')
      .update(checksHash)
      .update(JSON.stringify(entity))
      .digest('hex');
  }

  /**
   * Evaluates the catalog in batches. With `onlyChanged`, entities whose
   * content (and the checks) are unchanged since their last evaluation are
   * skipped. Either way, stored rows of entities no longer in the catalog
   * are removed.
   */
  async evaluateAll(
    options: { onlyChanged?: boolean } = {},
  ): Promise<RunSummary> {
    const started = Date.now();
    const set = this.options.getChecks();
    const stored = await this.options.store.getEntityHashes();
    const seen = new Set<string>();
    const evaluated = await this.evaluatePages(
      set,
      await this.loadOwnerRefs(),
      this.today(),
      entity => {
        const ref = entityRefKey(entity);
        seen.add(ref);
        return (
          !options.onlyChanged ||
          stored.get(ref) !== this.hash(entity, set.hash)
        );
      },
    );
    const gone = [...stored.keys()].filter(ref => !seen.has(ref));
    await this.options.store.removeEntities(gone);
    const summary = {
      seen: seen.size,
      evaluated,
      removed: gone.length,
      durationMs: Date.now() - started,
    };
    this.options.logger.info(
      `Scorecard ${options.onlyChanged ? 'change' : 'full'} run: ${
        summary.seen
      } entities, ${summary.evaluated} evaluated, ${
        summary.removed
      } removed in ${summary.durationMs} ms`,
    );
    return summary;
  }

  /**
   * Evaluates and stores, page by page, the catalog's entities that `pick`
   * keeps (as they were, for a past day). Returns how many were evaluated.
   */
  private async evaluatePages(
    set: ChecksSet & { hash: string },
    ownerRefs: Set<string>,
    run: RunContext,
    pick: (entity: Entity) => boolean,
  ): Promise<number> {
    let evaluated = 0;
    // One batch is written while the next one is evaluated; writes stay in
    // order and a failed write stops the run.
    let saving: Promise<void> | undefined;
    for await (const page of this.stream(set.checks)) {
      const todo: Entity[] = [];
      for (const current of page) {
        const entity = run.asOf ? run.asOf(current) : current;
        if (entity && pick(entity)) {
          todo.push(entity);
        }
      }
      if (todo.length === 0) {
        continue;
      }
      const evaluation = this.evaluateBatch(todo, set, ownerRefs, run);
      // Settle both before going on so that neither rejection goes unobserved.
      const [evaluations] = await Promise.all([evaluation, saving]);
      saving = this.save(evaluations, set.checks, run.notify);
      // Observed below; this only keeps Node from reporting it unhandled meanwhile.
      saving.catch(() => {});
      evaluated += evaluations.length;
    }
    await saving;
    return evaluated;
  }

  /**
   * Replays the past: for each of `days`, oldest first, evaluates the
   * catalog's entities as `entityAsOf` says they were that day, with the
   * clock set to that day (the checks' `enforcedFrom`, waivers, and the
   * stored rows' times, so each day gets its snapshot and each change its
   * history row on the day it happened). Entities that did not exist yet are
   * left out that day. Nobody is notified and nothing is removed.
   *
   * Facts from TechDocs and GitHub are today's (they keep no history), and
   * collected once per distinct past entity, not once per day. The owners
   * (groups and users) are today's too. The on-call backend is not asked:
   * it answers about today's entity, whose on-call annotations a past day's
   * need not have, so the past entity's annotations decide.
   */
  async evaluatePast(
    days: Date[],
    entityAsOf: ScorecardPastView['entityAsOf'],
  ): Promise<{ days: number; evaluations: number; durationMs: number }> {
    const started = Date.now();
    const sources = collectingOnce({
      ...this.options.sources,
      oncall: {
        collect: async () =>
          annotationsOnly(
            new Date(),
            'a replayed day: the on-call backend knows only today',
          ),
      },
    });
    const ownerRefs = await this.loadOwnerRefs();
    let evaluations = 0;
    for (const day of [...days].sort((a, b) => a.getTime() - b.getTime())) {
      // Per day: a checks file reloaded meanwhile applies from the next day.
      evaluations += await this.evaluatePages(
        this.options.getChecks(),
        ownerRefs,
        {
          now: () => day,
          sources,
          asOf: entity => entityAsOf(entity, day),
          notify: false,
        },
        () => true,
      );
    }
    return { days: days.length, evaluations, durationMs: Date.now() - started };
  }

  /** Every group with its parent, for rolling scores up the hierarchy. */
  async loadGroups(): Promise<GroupNode[]> {
    const hierarchy = await GroupHierarchy.load(
      this.options.catalog,
      await this.credentials(),
    );
    return hierarchy.nodes;
  }

  /** Whether the entity is in the catalog. */
  async entityExists(entityRef: string): Promise<boolean> {
    const entity = await this.options.catalog.getEntityByRef(entityRef, {
      credentials: await this.credentials(),
    });
    return Boolean(entity);
  }

  /**
   * Evaluates one entity now. Returns undefined when the entity is not in the
   * catalog (its stored rows are removed).
   */
  async evaluateOne(entityRef: string): Promise<EntityEvaluation | undefined> {
    const entity = await this.options.catalog.getEntityByRef(entityRef, {
      credentials: await this.credentials(),
    });
    if (!entity) {
      await this.options.store.removeEntities([entityRefKey(entityRef)]);
      return undefined;
    }
    const set = this.options.getChecks();
    const [evaluation] = await this.evaluateBatch(
      [entity],
      set,
      await this.loadOwnerRefs(),
    );
    await this.save([evaluation], set.checks);
    return evaluation;
  }

  /**
   * Evaluates new or changed checks across the catalog without storing
   * anything, and reports which entities would change state.
   */
  async dryRun(candidate: ChecksSet): Promise<DryRunResponse> {
    const current = this.options.getChecks();
    const set = {
      checks: candidate.checks,
      levels: candidate.levels.length ? candidate.levels : current.levels,
      hash: 'dry-run',
    };
    const ownerRefs = await this.loadOwnerRefs();
    const changes: DryRunChange[] = [];
    const summary: DryRunResponse['summary'] = {};
    let evaluatedEntities = 0;
    for await (const page of this.stream(set.checks)) {
      const evaluations = await this.evaluateBatch(page, set, ownerRefs);
      const states = await this.options.store.getCurrentStates(
        evaluations.map(e => e.entityRef),
      );
      for (const evaluation of evaluations) {
        evaluatedEntities++;
        for (const result of evaluation.results) {
          const counts = (summary[result.checkId] ??= {});
          counts[result.state] = (counts[result.state] ?? 0) + 1;
          const from: CheckState | null =
            states.get(evaluation.entityRef)?.get(result.checkId) ?? null;
          // A new check that does not apply is not a change worth reporting.
          const unchanged =
            from === result.state ||
            (from === null && result.state === 'not_applicable');
          if (!unchanged) {
            changes.push({
              entityRef: evaluation.entityRef,
              checkId: result.checkId,
              from,
              to: result.state,
              reason: result.reason,
            });
          }
        }
      }
    }
    return {
      evaluatedEntities,
      checks: set.checks.map(c => c.id),
      changes,
      summary,
    };
  }
}
