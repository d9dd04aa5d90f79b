import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  EntityRefLink,
  catalogApiRef,
  useEntity,
} from '@backstage/plugin-catalog-react';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import useAsync from 'react-use/esm/useAsync';
import { onCallApiRef } from '../../api';
import { loadOnCallAnswers } from '../../loadOnCall';
import {
  Link as RunbookLink,
  TeamContacts,
  runbooksOf,
  teamContactsOf,
} from '../../onCallSummary';
import { LevelOneOnCall, Missing } from '../common';

const useStyles = makeStyles(theme => ({
  contacts: {
    display: 'flex',
    flexWrap: 'wrap',
    columnGap: theme.spacing(2),
    marginBottom: theme.spacing(1),
  },
  // Long names and emails wrap inside their cell rather than widen the card.
  table: { '& td, & th': { overflowWrap: 'anywhere', verticalAlign: 'top' } },
}));

/** The fields of the team's components that the card reads. */
const COMPONENT_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'metadata.links',
  'spec.type',
];

/**
 * Services and websites run somewhere and should have someone on call and a
 * runbook; a library has neither by design.
 */
function isDeployed(entity: Entity) {
  return entity.spec?.type === 'service' || entity.spec?.type === 'website';
}

/** Deployed components first, then by name. */
function byKindOfWork(a: Entity, b: Entity) {
  return (
    Number(isDeployed(b)) - Number(isDeployed(a)) ||
    (a.metadata.title ?? a.metadata.name).localeCompare(
      b.metadata.title ?? b.metadata.name,
    )
  );
}

function Contacts({ contacts }: { contacts: TeamContacts }) {
  const classes = useStyles();
  const { email, slackChannel, chatLink } = contacts;
  if (!email && !slackChannel && !chatLink) {
    return (
      <Missing expected>
        No team contact: add spec.profile.email or a paved-road.io/slack-channel
        annotation to the group.
      </Missing>
    );
  }
  return (
    <div className={classes.contacts}>
      {email && (
        <Typography variant="body2">
          Email: <Link to={`mailto:${email}`}>{email}</Link>
        </Typography>
      )}
      {(slackChannel || chatLink) && (
        <Typography variant="body2">
          Slack:{' '}
          {chatLink ? (
            <Link to={chatLink.url}>{slackChannel ?? chatLink.title}</Link>
          ) : (
            slackChannel
          )}
        </Typography>
      )}
    </div>
  );
}

function RunbookCell(props: { runbooks: RunbookLink[]; expected: boolean }) {
  if (props.runbooks.length === 0) {
    return <Missing expected={props.expected}>None</Missing>;
  }
  return (
    <>
      {props.runbooks.map(runbook => (
        <Typography variant="body2" key={runbook.url}>
          <Link to={runbook.url}>{runbook.title}</Link>
        </Typography>
      ))}
    </>
  );
}

/**
 * The team's on-call on its group page: how to reach the team, and for each
 * component it owns, who is on call first now (from the on-call backend)
 * and until when, and the runbook.
 */
export function TeamOnCallCard() {
  const classes = useStyles();
  const { entity: group } = useEntity();
  const catalogApi = useApi(catalogApiRef);
  const onCallApi = useApi(onCallApiRef);
  const groupRef = stringifyEntityRef(group);
  const { value, loading, error } = useAsync(async () => {
    const { items } = await catalogApi.getEntities({
      filter: { kind: 'Component', 'relations.ownedBy': groupRef },
      fields: COMPONENT_FIELDS,
    });
    const components = [...items].sort(byKindOfWork);
    const onCall = await loadOnCallAnswers(
      onCallApi,
      components.map(c => stringifyEntityRef(c)),
    );
    return components.map((component, i) => ({
      component,
      onCall: onCall[i],
    }));
  }, [catalogApi, onCallApi, groupRef]);

  return (
    <InfoCard title="On call">
      <Contacts contacts={teamContactsOf(group)} />
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {value?.length === 0 && (
        <Typography variant="body2" color="textSecondary">
          The team owns no components.
        </Typography>
      )}
      {value && value.length > 0 && (
        <Table size="small" className={classes.table}>
          <TableHead>
            <TableRow>
              <TableCell>Component</TableCell>
              <TableCell>On call now</TableCell>
              <TableCell>Runbook</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {value.map(({ component, onCall }) => {
              const deployed = isDeployed(component);
              return (
                <TableRow key={onCall.entityRef}>
                  <TableCell>
                    <EntityRefLink entityRef={component} hideIcon />
                    <Typography variant="caption" color="textSecondary">
                      {' '}
                      {String(component.spec?.type ?? '')}
                    </Typography>
                  </TableCell>
                  <TableCell>
                    <LevelOneOnCall result={onCall} expected={deployed} />
                  </TableCell>
                  <TableCell>
                    <RunbookCell
                      runbooks={runbooksOf(component)}
                      expected={deployed}
                    />
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}
