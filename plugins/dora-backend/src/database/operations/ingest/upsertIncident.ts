import { InputError } from '@backstage/errors';
import {
  IncidentLinkMethod,
  IngestResultStatus,
} from '@internal/plugin-dora-common';
import { Knex } from 'knex';
import { toDbIncident } from '../../conversion';
import { DbBigInt, DbIncidentRow } from '../../tables';
import { IngestOptions, NewIncident } from '../../types';
import { findDeployment, newestDeploymentOf } from './lookups';

/** Columns of an incident to update; the environment as a sub-select. */
type IncidentUpdate = Partial<Omit<DbIncidentRow, 'caused_by_environment'>> & {
  caused_by_environment?: Knex.Raw | null;
};

/**
 * The environment of a deployment, as a value to write beside the link (a
 * sub-select: no extra round trip).
 */
function environmentOf(trx: Knex.Transaction, deploymentId: number | null) {
  return deploymentId === null
    ? null
    : trx.raw('(SELECT environment FROM dora_deployments WHERE id = ?)', [
        deploymentId,
      ]);
}

/**
 * A production rollback of this service during the incident names the
 * deployment it rolled back.
 */
async function rolledBackDuring(
  trx: Knex.Transaction,
  incident: NewIncident,
  linkWindowMs: number,
): Promise<number | null> {
  const until = incident.resolvedAt ?? incident.openedAt + linkWindowMs;
  const rollback: { remediates_deployment_id: DbBigInt } | undefined =
    await trx('dora_deployments')
      .where({
        service_ref: incident.serviceRef,
        kind: 'rollback',
        status: 'success',
        environment_tier: 'production',
      })
      .whereNotNull('remediates_deployment_id')
      .andWhere('finished_at', '>=', incident.openedAt)
      .andWhere('finished_at', '<=', until)
      .orderBy([
        { column: 'finished_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ])
      .first('remediates_deployment_id');
  return rollback ? Number(rollback.remediates_deployment_id) : null;
}

/** The link of a new incident no deployment was named for. */
async function inferredLink(
  trx: Knex.Transaction,
  incident: NewIncident,
  linkWindowMs: number,
): Promise<{ causedBy: number | null; linkMethod: IncidentLinkMethod }> {
  const rolledBack = await rolledBackDuring(trx, incident, linkWindowMs);
  if (rolledBack) return { causedBy: rolledBack, linkMethod: 'rollback' };
  // Else the latest production deployment within the window before it.
  const latest = await newestDeploymentOf(trx, incident.serviceRef, q =>
    q
      .where({ status: 'success', environment_tier: 'production' })
      .andWhere('finished_at', '<=', incident.openedAt)
      .andWhere('finished_at', '>=', incident.openedAt - linkWindowMs),
  );
  if (latest) return { causedBy: latest, linkMethod: 'window' };
  return { causedBy: null, linkMethod: 'none' };
}

/**
 * Stores an incident event: an incident with a known (service, external id)
 * updates the stored one (resolution, explicit link); a new one is linked
 * to the deployment named, else the one a rollback during it remediated,
 * else the latest production deployment within the link window. Adds the
 * deployments whose failure flags may change to `touchedDeployments`.
 */
export async function upsertIncident(
  trx: Knex.Transaction,
  incident: NewIncident,
  options: IngestOptions,
  now: number,
  touchedDeployments: Set<number>,
): Promise<IngestResultStatus> {
  let explicitId: number | undefined;
  if (incident.causedByDeployment) {
    explicitId = await findDeployment(
      trx,
      incident.serviceRef,
      incident.causedByDeployment,
    );
    if (!explicitId) {
      throw new InputError(
        `events[${incident.index}].causedByDeployment: no deployment '${incident.causedByDeployment}' of ${incident.serviceRef}`,
      );
    }
  }

  if (incident.externalId) {
    const existing: DbIncidentRow | undefined = await trx('dora_incidents')
      .where({
        service_ref: incident.serviceRef,
        external_id: incident.externalId,
      })
      .first();
    if (existing) {
      const update: IncidentUpdate = {};
      if (incident.resolvedAt !== null) {
        update.resolved_at = incident.resolvedAt;
      }
      if (explicitId) {
        update.caused_by_deployment_id = explicitId;
        update.caused_by_environment = environmentOf(trx, explicitId);
        update.link_method = 'explicit';
        touchedDeployments.add(explicitId);
      }
      if (existing.caused_by_deployment_id !== null) {
        touchedDeployments.add(Number(existing.caused_by_deployment_id));
      }
      if (Object.keys(update).length) {
        await trx('dora_incidents').where('id', existing.id).update(update);
      }
      return 'updated';
    }
  }

  const link = explicitId
    ? { causedBy: explicitId, linkMethod: 'explicit' as const }
    : await inferredLink(trx, incident, options.incidentLinkWindowMs);
  if (link.causedBy) touchedDeployments.add(link.causedBy);
  await trx('dora_incidents').insert({
    ...toDbIncident(incident, link, now),
    caused_by_environment: environmentOf(trx, link.causedBy),
  });
  return 'created';
}
