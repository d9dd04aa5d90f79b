import { useApi } from '@backstage/frontend-plugin-api';
import { OPEN_INCIDENT_STATUSES } from '@internal/plugin-oncall-common';
import { useCallback } from 'react';
import { onCallApiRef } from '../../api';
import { usePolling } from '../../lib/usePolling';
import { INCIDENT_DAYS } from './IncidentsSection';

/**
 * How often the card asks again: an incident opened in PagerDuty, or a
 * handover, shows within a minute.
 */
export const POLL_INTERVAL_MS = 30_000;

/** Who is on call for the entity and its open incidents, kept fresh. */
export function useEntityOnCall(entityRef: string) {
  const api = useApi(onCallApiRef);
  const loadOnCall = useCallback(
    () => api.getOnCall(entityRef),
    [api, entityRef],
  );
  const loadIncidents = useCallback(
    () =>
      api.getIncidents(entityRef, {
        days: INCIDENT_DAYS,
        statuses: OPEN_INCIDENT_STATUSES,
      }),
    [api, entityRef],
  );
  return {
    onCall: usePolling(loadOnCall, POLL_INTERVAL_MS),
    incidents: usePolling(loadIncidents, POLL_INTERVAL_MS),
  };
}
