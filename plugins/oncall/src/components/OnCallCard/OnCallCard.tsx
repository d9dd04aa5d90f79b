import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { catalogApiRef, useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import useAsync from 'react-use/esm/useAsync';
import { onCallApiRef } from '../../api';
import { isNotImplemented } from '../../lib/errors';
import { loadByRefs, loadOnCallAnswers } from '../../loadOnCall';
import { refsToLoad, summarize } from '../../onCallSummary';
import { Section } from '../common';
import { DependenciesSection } from './DependenciesSection';
import { IncidentsSection } from './IncidentsSection';
import { OnCallNowSection } from './OnCallNowSection';
import { OwnerSection } from './OwnerSection';
import { PageOnCallButton } from './PageOnCallButton';
import { RelatedList } from './RelatedList';
import { RunbookSection } from './RunbookSection';
import { ServiceFacts } from './ServiceFacts';
import { useEntityOnCall } from './useEntityOnCall';

/**
 * On-call lookup for the entity page: the owning team, who is on call now
 * and next (from the on-call backend), the open incidents and a button to
 * page the on-call, the runbook and dashboards, and the dependencies with
 * their own on-call.
 */
export function OnCallCard() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const catalogApi = useApi(catalogApiRef);
  const onCallApi = useApi(onCallApiRef);
  const { onCall, incidents } = useEntityOnCall(entityRef);
  const refs = refsToLoad(entity);

  const related = useAsync(
    () =>
      loadByRefs(catalogApi, [
        refs.owner,
        ...refs.dependencies,
        ...refs.dependents,
      ]),
    [catalogApi, entity],
  );
  // Only components have an on-call; resources and APIs show their owner.
  const componentDependencies = refs.dependencies.filter(ref =>
    ref.startsWith('component:'),
  );
  const dependenciesOnCall = useAsync(async () => {
    const results = await loadOnCallAnswers(onCallApi, componentDependencies);
    return new Map(results.map(r => [r.entityRef, r]));
  }, [onCallApi, componentDependencies.join(' ')]);

  // The source pages nobody when it knows no incidents (the annotation).
  const canPage = !incidents.loading && !isNotImplemented(incidents.error);
  const summary = related.value && summarize(entity, related.value);

  return (
    <InfoCard title="On call">
      {/* Long emails, titles and reasons wrap inside the card rather than widen it. */}
      <Box style={{ overflowWrap: 'anywhere' }}>
        {related.loading && <Progress />}
        {related.error && <ResponseErrorPanel error={related.error} />}
        {summary && <OwnerSection summary={summary} />}
        <OnCallNowSection state={onCall} hasOwner={Boolean(summary?.owner)} />
        <IncidentsSection
          state={incidents}
          providerId={onCall.value?.providerId}
          action={
            canPage && (
              <PageOnCallButton
                entityRef={entityRef}
                onCreated={incidents.refresh}
              />
            )
          }
        />
        {summary && (
          <>
            <RunbookSection summary={summary} />
            <DependenciesSection
              items={summary.dependencies}
              onCall={dependenciesOnCall.value ?? new Map()}
            />
            <Section title="Used by">
              <RelatedList
                items={summary.dependents}
                none="Nothing declared."
              />
            </Section>
            <ServiceFacts summary={summary} />
          </>
        )}
      </Box>
    </InfoCard>
  );
}
