import { Entity } from '@backstage/catalog-model';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  EntityRefLink,
  catalogApiRef,
  useEntity,
} from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { ReactNode } from 'react';
import {
  OnCallSummary,
  RelatedService,
  refsToLoad,
  summarize,
} from '../../onCallSummary';
import { CatalogLookup, loadByRefs } from '../../loadOnCall';

function Section(props: { title: string; children: ReactNode }) {
  return (
    <Box mb={2}>
      <Typography variant="overline" component="h3">
        {props.title}
      </Typography>
      {props.children}
    </Box>
  );
}

function Missing(props: { children: ReactNode }) {
  return (
    <Typography variant="body2" color="error">
      {props.children}
    </Typography>
  );
}

function RelatedList(props: { items: RelatedService[]; none: string }) {
  if (props.items.length === 0) {
    return <Typography variant="body2">{props.none}</Typography>;
  }
  return (
    <ul style={{ margin: 0, paddingLeft: 20 }}>
      {props.items.map(item => (
        <li key={item.ref}>
          <EntityRefLink entityRef={item.ref} title={item.name} />
          {' — '}
          {item.owner ? (
            <EntityRefLink entityRef={item.owner} defaultKind="group" />
          ) : (
            <em>no owner</em>
          )}
        </li>
      ))}
    </ul>
  );
}

/** The card's body for a summary; exported for tests of every state. */
export function OnCallDetails({ summary }: { summary: OnCallSummary }) {
  const { owner, onCall } = summary;
  return (
    <>
      <Section title="Owning team">
        {owner ? (
          <>
            <EntityRefLink entityRef={owner.ref} title={owner.name} />
            {owner.slackChannel && (
              <Typography variant="body2">
                Slack: {owner.slackChannel}
              </Typography>
            )}
            {owner.email && (
              <Typography variant="body2">
                Email: <Link to={`mailto:${owner.email}`}>{owner.email}</Link>
              </Typography>
            )}
          </>
        ) : (
          <Missing>
            {summary.unknownOwnerRef
              ? `Owner ${summary.unknownOwnerRef} is not in the catalog.`
              : 'No owner: this component has no owning team.'}{' '}
            Set spec.owner to a team in catalog-info.yaml.
          </Missing>
        )}
      </Section>
      <Section title="On call now">
        {onCall ? (
          <>
            <EntityRefLink entityRef={onCall.ref} title={onCall.name} />
            {onCall.email && (
              <Typography variant="body2">
                <Link to={`mailto:${onCall.email}`}>{onCall.email}</Link>
              </Typography>
            )}
          </>
        ) : (
          <Missing>
            {summary.unknownOnCallRef
              ? `On-call ${summary.unknownOnCallRef} is not in the catalog.`
              : 'On-call unknown: no paved-road.io/on-call annotation.'}
            {owner ? ' Contact the owning team.' : ''}
          </Missing>
        )}
        {summary.pagerDutyServiceId && (
          <Typography variant="body2">
            PagerDuty service: {summary.pagerDutyServiceId}
          </Typography>
        )}
      </Section>
      <Section title="Runbook and dashboards">
        {summary.runbooks.length === 0 && (
          <Missing>No runbook: add a link titled "Runbook".</Missing>
        )}
        {[...summary.runbooks, ...summary.dashboards].map(link => (
          <Typography variant="body2" key={link.url}>
            <Link to={link.url}>{link.title}</Link>
          </Typography>
        ))}
      </Section>
      <Section title="Depends on">
        <RelatedList items={summary.dependencies} none="Nothing declared." />
      </Section>
      <Section title="Used by">
        <RelatedList items={summary.dependents} none="Nothing declared." />
      </Section>
      <Box display="flex" gridGap={8}>
        <Chip
          size="small"
          label={`lifecycle: ${summary.lifecycle ?? 'unknown'}`}
        />
        <Chip size="small" label={`tier: ${summary.tier ?? 'unknown'}`} />
      </Box>
    </>
  );
}

function loadRelated(catalogApi: CatalogLookup, entity: Entity) {
  const refs = refsToLoad(entity);
  return loadByRefs(catalogApi, [
    refs.owner,
    refs.onCall,
    ...refs.dependencies,
    ...refs.dependents,
  ]);
}

/** On-call lookup for the entity page: owner, on-call, runbook, dependencies. */
export function OnCallCard() {
  const { entity } = useEntity();
  const catalogApi = useApi(catalogApiRef);
  const { value, loading, error } = useAsync(
    () => loadRelated(catalogApi, entity),
    [catalogApi, entity],
  );
  return (
    <InfoCard title="On call">
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {value && <OnCallDetails summary={summarize(entity, value)} />}
    </InfoCard>
  );
}
