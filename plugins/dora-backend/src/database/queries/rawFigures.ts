import { Knex } from 'knex';
import { DAY_MS, WEEK_MS } from '@internal/paved-road-common';
import { deploymentCounts, num, numOrNull } from '../conversion';
import {
  DbAggregate,
  DbBigInt,
  DbChangeRow,
  DbDeploymentSums,
  DbIncidentRow,
} from '../tables';
import { MetricsFilter, RawFigures } from '../types';
import {
  countedDeployments,
  firstDeployedTo,
  incidentsOpened,
  scoped,
  targetOf,
} from './filters';

/**
 * The window's raw numbers from the raw rows, computing failures and
 * recovery on the fly (the raw path of summary(), and what the rollups are
 * checked against).
 */
export async function rawFigures(
  db: Knex,
  filter: MetricsFilter,
): Promise<RawFigures> {
  const { from, to, environment } = filter;
  const target = targetOf(filter);
  const bindings = { target: target.value };
  const prodDeployments = () => countedDeployments(db, filter);

  const hasIncident = `EXISTS (SELECT 1 FROM dora_incidents i WHERE i.caused_by_deployment_id = d.id)`;
  const hasRemedy = (kind: string) =>
    `EXISTS (SELECT 1 FROM dora_deployments r WHERE r.remediates_deployment_id = d.id
       AND r.kind = '${kind}' AND r.status = 'success' AND r.${target.column} = :target)`;
  const failed = `(${hasIncident} OR ${hasRemedy('rollback')} OR ${hasRemedy(
    'hotfix',
  )})`;

  const [totals]: Array<DbDeploymentSums | undefined> =
    await prodDeployments().select(
      db.raw('COUNT(*) AS deployments'),
      db.raw(
        `COUNT(DISTINCT CAST(d.finished_at / ${DAY_MS} AS INTEGER)) AS deployment_days`,
      ),
      db.raw(
        `SUM(CASE WHEN d.kind IN ('hotfix', 'rollback') THEN 1 ELSE 0 END) AS unplanned`,
      ),
      db.raw(`SUM(CASE WHEN ${failed} THEN 1 ELSE 0 END) AS failed`, bindings),
      db.raw(`SUM(CASE WHEN ${hasIncident} THEN 1 ELSE 0 END) AS by_incident`),
      db.raw(
        `SUM(CASE WHEN ${hasRemedy(
          'rollback',
        )} THEN 1 ELSE 0 END) AS by_rollback`,
        bindings,
      ),
      db.raw(
        `SUM(CASE WHEN ${hasRemedy('hotfix')} THEN 1 ELSE 0 END) AS by_hotfix`,
        bindings,
      ),
    );

  const weekExpr = `CAST((d.finished_at - ${Number(
    from,
  )}) / ${WEEK_MS} AS INTEGER)`;
  const weeklyRows: Array<{
    week: DbAggregate;
    deployments: DbAggregate;
    failed: DbAggregate;
  }> = await prodDeployments()
    .select(
      db.raw(`${weekExpr} AS week`),
      db.raw('COUNT(*) AS deployments'),
      db.raw(`SUM(CASE WHEN ${failed} THEN 1 ELSE 0 END) AS failed`, bindings),
    )
    .groupBy(db.raw(weekExpr))
    .orderBy('week');

  const failedRows: Array<{
    finished_at: DbBigInt;
    remedied_at: DbAggregate;
    resolved_at: DbAggregate;
    open_incidents: DbAggregate;
    incidents: DbAggregate;
  }> = await prodDeployments()
    .whereRaw(failed, bindings)
    .select(
      'd.finished_at',
      db.raw(
        `(SELECT MIN(r.finished_at) FROM dora_deployments r
           WHERE r.remediates_deployment_id = d.id AND r.status = 'success'
             AND r.${target.column} = :target) AS remedied_at`,
        bindings,
      ),
      db.raw(
        `(SELECT MAX(i.resolved_at) FROM dora_incidents i
           WHERE i.caused_by_deployment_id = d.id) AS resolved_at`,
      ),
      db.raw(
        `(SELECT COUNT(*) FROM dora_incidents i
           WHERE i.caused_by_deployment_id = d.id AND i.resolved_at IS NULL) AS open_incidents`,
      ),
      db.raw(
        `(SELECT COUNT(*) FROM dora_incidents i
           WHERE i.caused_by_deployment_id = d.id) AS incidents`,
      ),
    )
    .orderBy('d.finished_at');

  const changeColumns = [
    'c.authored_at',
    'c.pr_opened_at',
    'c.merged_at',
    'c.squash_merge',
  ];
  const changeRows: Array<
    Pick<
      DbChangeRow,
      'authored_at' | 'pr_opened_at' | 'merged_at' | 'squash_merge'
    > & { deployed_at: DbBigInt }
  > =
    environment === undefined
      ? await scoped(
          db('dora_changes as c')
            .where('c.deployed_at', '>=', from)
            .andWhere('c.deployed_at', '<', to),
          'c',
          filter,
        ).select(...changeColumns, 'c.deployed_at')
      : await firstDeployedTo(db, environment, filter).select(
          ...changeColumns,
          'd.finished_at as deployed_at',
        );

  // With an environment picked, only incidents linked to a deployment in it.
  const incidentRows: Array<Pick<DbIncidentRow, 'opened_at' | 'resolved_at'>> =
    await incidentsOpened(db, filter).select('i.opened_at', 'i.resolved_at');

  return {
    ...deploymentCounts(totals),
    weekly: weeklyRows.map(r => ({
      week: num(r.week),
      deployments: num(r.deployments),
      failed: num(r.failed),
    })),
    failedDeployments: failedRows.map(r => {
      const remediedAt = numOrNull(r.remedied_at);
      const allResolved =
        num(r.incidents) > 0 && num(r.open_incidents) === 0
          ? numOrNull(r.resolved_at)
          : null;
      const candidates = [remediedAt, allResolved].filter(
        (v): v is number => v !== null,
      );
      return {
        finishedAt: num(r.finished_at),
        recoveredAt: candidates.length ? Math.min(...candidates) : null,
      };
    }),
    changes: changeRows.map(r => ({
      authoredAt: num(r.authored_at),
      prOpenedAt: numOrNull(r.pr_opened_at),
      mergedAt: numOrNull(r.merged_at),
      squashMerge: Boolean(r.squash_merge),
      deployedAt: num(r.deployed_at),
    })),
    incidents: incidentRows.map(r => ({
      openedAt: num(r.opened_at),
      resolvedAt: numOrNull(r.resolved_at),
    })),
  };
}
