import { Knex } from 'knex';
import { num } from '../conversion';
import { DbAggregate } from '../tables';
import { DataQualityCounts, MetricsFilter } from '../types';
import {
  countedDeployments,
  earlierDeploymentTo,
  incidentsOpened,
} from './filters';

/** What the figures of the window cannot see (GET /data-quality). */
export async function dataQuality(
  db: Knex,
  filter: MetricsFilter,
): Promise<DataQualityCounts> {
  const { from, to, environment } = filter;
  const deployments = () => countedDeployments(db, filter);
  // A change "of" a deployment is one it shipped first (to the target):
  // those are the changes its lead time counts.
  const changeOf =
    environment === undefined
      ? db('dora_changes as c')
          .whereRaw('c.deployment_id = d.id')
          .select(db.raw('1'))
      : db('dora_deployment_commits as dc')
          .join('dora_changes as c', j =>
            j
              .on('c.service_ref', 'dc.service_ref')
              .andOn('c.commit_sha', 'dc.commit_sha'),
          )
          .whereRaw('dc.deployment_id = d.id')
          .whereNotExists(earlierDeploymentTo(db, environment, 'dc', 'd'))
          .select(db.raw('1'));
  type Count = { n: DbAggregate } | undefined;
  const [withoutChanges]: Count[] = await deployments()
    .whereNotExists(changeOf)
    .count({ n: '*' });
  const [unknown]: Array<{ unknown_commits: DbAggregate } | undefined> =
    await deployments().select(
      db.raw(
        `SUM((SELECT COUNT(*) FROM dora_deployment_commits dc
              WHERE dc.deployment_id = d.id
                AND NOT EXISTS (SELECT 1 FROM dora_changes c
                                 WHERE c.service_ref = dc.service_ref
                                   AND c.commit_sha = dc.commit_sha))) AS unknown_commits`,
      ),
    );
  // An unlinked incident cannot be placed in any environment: counted
  // whatever the target.
  const [incidents]: Count[] = await incidentsOpened(db, {
    ...filter,
    environment: undefined,
  })
    .andWhere('i.link_method', 'none')
    .count({ n: '*' });
  // Changes carry their owner only once deployed: scope them by service.
  const changes = db('dora_changes as c')
    .where('c.authored_at', '>=', from)
    .andWhere('c.authored_at', '<', to);
  if (environment === undefined) {
    changes.whereNull('c.deployed_at');
  } else {
    changes.whereNotExists(
      db('dora_deployment_commits as dc')
        .join('dora_deployments as d', 'd.id', 'dc.deployment_id')
        .whereRaw(
          'dc.service_ref = c.service_ref AND dc.commit_sha = c.commit_sha',
        )
        .andWhere('d.environment', environment)
        .andWhere('d.status', 'success')
        .select(db.raw('1')),
    );
  }
  if (filter.serviceRefs) changes.whereIn('c.service_ref', filter.serviceRefs);
  if (filter.ownerRefs) {
    changes.whereIn(
      'c.service_ref',
      db('dora_deployments')
        .distinct('service_ref')
        .whereIn('owner_ref', filter.ownerRefs),
    );
  }
  const [undeployed]: Count[] = await changes.count({ n: '*' });
  // Counted as rollbacks, though their events did not say so.
  const [inferred]: Count[] = await deployments()
    .where('d.rollback_inferred', true)
    .count({ n: '*' });
  return {
    deploymentsWithoutChanges: num(withoutChanges?.n),
    unknownCommits: num(unknown?.unknown_commits),
    unlinkedIncidents: num(incidents?.n),
    undeployedChanges: num(undeployed?.n),
    inferredRollbacks: num(inferred?.n),
  };
}
