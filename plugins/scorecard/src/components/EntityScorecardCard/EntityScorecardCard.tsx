import { ReactNode, useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Divider from '@material-ui/core/Divider';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemIcon from '@material-ui/core/ListItemIcon';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import RefreshIcon from '@material-ui/icons/Refresh';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  CHECK_WEIGHT_VALUES,
  CheckState,
  EntityCheckView,
  EntityScorecardResponse,
  SCORE_FORMULA,
} from '@internal/plugin-scorecard-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { scorecardApiRef } from '../../api';
import { CheckStateIcon, CheckStateLabel } from '../CheckStateIcon';
import {
  STATE_LABELS,
  formatAge,
  formatFactValue,
  formatScore,
  formatTimestamp,
  levelLabel,
  weightLabel,
} from '../format';
import { ScoreSparkline } from '../ScoreSparkline';
import { WaiverDialog } from './WaiverDialog';

const HISTORY_DAYS = 90;

/** What needs attention first: failures, then unknowns, then the rest. */
const STATE_ORDER: Record<CheckState, number> = {
  fail: 0,
  error: 1,
  no_data: 2,
  warn: 3,
  pass: 4,
  exempt: 5,
  not_applicable: 6,
};

/** States where telling the reader how to fix it helps. */
const NEEDS_REMEDIATION: CheckState[] = ['fail', 'warn', 'no_data', 'error'];

const useStyles = makeStyles(theme => ({
  figure: {
    fontSize: '2rem',
    fontWeight: theme.typography.fontWeightBold as number,
    lineHeight: 1.1,
  },
  check: {
    alignItems: 'flex-start',
  },
  checkIcon: {
    minWidth: 32,
    marginTop: 4,
  },
  chips: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5),
    marginTop: theme.spacing(0.5),
  },
  detail: {
    display: 'block',
  },
}));

function errorMessage(error: Error): string {
  const cause = (error as { cause?: { message?: string } }).cause;
  return cause?.message ?? error.message;
}

function sortChecks(checks: EntityCheckView[]): EntityCheckView[] {
  return [...checks].sort(
    (a, b) =>
      STATE_ORDER[a.state] - STATE_ORDER[b.state] ||
      CHECK_WEIGHT_VALUES[b.weight] - CHECK_WEIGHT_VALUES[a.weight] ||
      a.title.localeCompare(b.title),
  );
}

/** States an exemption can be granted for from the card. */
const EXEMPTABLE: CheckState[] = ['fail', 'warn'];

function CheckRow(props: { check: EntityCheckView; onExempt?: () => void }) {
  const { check, onExempt } = props;
  const classes = useStyles();
  const factValues = Object.entries(check.factValues ?? {});
  return (
    <ListItem
      className={classes.check}
      aria-label={check.title}
      data-testid={`check-${check.checkId}`}
      divider
    >
      <ListItemIcon className={classes.checkIcon}>
        <CheckStateIcon state={check.state} decorative />
      </ListItemIcon>
      <ListItemText
        disableTypography
        primary={
          <Typography variant="subtitle2" component="div">
            {check.title}
            <Box className={classes.chips}>
              <CheckStateLabel state={check.state} />
              <Chip
                size="small"
                variant="outlined"
                label={`Weight: ${weightLabel(check.weight)}`}
              />
              {check.stale && (
                <Chip
                  size="small"
                  color="secondary"
                  label={
                    check.lastKnownState
                      ? `Stale (last known: ${STATE_LABELS[
                          check.lastKnownState
                        ].toLocaleLowerCase('en')})`
                      : 'Stale'
                  }
                />
              )}
              {check.state === 'warn' && check.enforcedFrom && (
                <Chip
                  size="small"
                  variant="outlined"
                  label={`Enforced from ${check.enforcedFrom}`}
                />
              )}
            </Box>
          </Typography>
        }
        secondary={
          <Box mt={0.5}>
            <Typography variant="body2" className={classes.detail}>
              Why: {check.reason}
            </Typography>
            {factValues.length > 0 && (
              <Typography
                variant="caption"
                color="textSecondary"
                className={classes.detail}
              >
                Facts:{' '}
                {factValues
                  .map(([path, value]) => `${path} = ${formatFactValue(value)}`)
                  .join('; ')}
              </Typography>
            )}
            <Typography
              variant="caption"
              color="textSecondary"
              className={classes.detail}
            >
              {check.facts.length > 0
                ? `Facts collected: ${check.facts
                    .map(
                      f =>
                        `${f.source} ${formatAge(
                          f.collectedAt,
                        )} (${formatTimestamp(f.collectedAt)})`,
                    )
                    .join(', ')}`
                : 'No facts collected'}
            </Typography>
            {check.state === 'exempt' && check.waiver && (
              <Typography variant="body2" className={classes.detail}>
                Exempt until {check.waiver.expiresAt.slice(0, 10)}:{' '}
                {check.waiver.reason} (approved by {check.waiver.createdBy})
              </Typography>
            )}
            {check.remediation && NEEDS_REMEDIATION.includes(check.state) && (
              <Typography variant="body2" className={classes.detail}>
                How to fix: {check.remediation.text}
                {check.remediation.link && (
                  <>
                    {' '}
                    <Link to={check.remediation.link}>Read more</Link>
                  </>
                )}
              </Typography>
            )}
            {onExempt && EXEMPTABLE.includes(check.state) && (
              <Button
                size="small"
                onClick={onExempt}
                aria-label={`Exempt ${check.title}`}
              >
                Exempt…
              </Button>
            )}
          </Box>
        }
      />
    </ListItem>
  );
}

function CriticalFlag(props: { checks: EntityCheckView[] }) {
  const failing = props.checks.filter(
    c => c.weight === 'critical' && c.state === 'fail',
  );
  return (
    <Alert severity="error" variant="filled" role="alert">
      <AlertTitle>Failing a critical check</AlertTitle>
      {failing.length > 0
        ? failing.map(c => c.title).join(', ')
        : 'A critical check fails.'}{' '}
      — flagged whatever the score.
    </Alert>
  );
}

function Summary(props: {
  scorecard: EntityScorecardResponse;
  children?: ReactNode;
}) {
  const { scorecard } = props;
  const classes = useStyles();
  return (
    <Box
      display="flex"
      flexWrap="wrap"
      alignItems="flex-end"
      style={{ gap: 24 }}
    >
      <Box>
        <Typography variant="overline" color="textSecondary">
          Score
        </Typography>
        <Typography className={classes.figure} aria-label="Score">
          {formatScore(scorecard.score)}
        </Typography>
        <Typography variant="caption" color="textSecondary">
          {scorecard.score === null
            ? 'No check passes or fails yet'
            : `${scorecard.passedWeight} of ${scorecard.applicableWeight} applicable weight passed`}
        </Typography>
      </Box>
      <Box>
        <Typography variant="overline" color="textSecondary">
          Level
        </Typography>
        <Typography className={classes.figure} aria-label="Level">
          {levelLabel(scorecard.level, scorecard.levels)}
        </Typography>
        <Typography variant="caption" color="textSecondary">
          {scorecard.levels
            .map(l => levelLabel(l.id, scorecard.levels))
            .join(' → ')}
        </Typography>
      </Box>
      <Box>
        <Typography variant="overline" color="textSecondary">
          History ({HISTORY_DAYS} days)
        </Typography>
        {props.children}
      </Box>
    </Box>
  );
}

function History(props: { entityRef: string; version: number }) {
  const api = useApi(scorecardApiRef);
  const history = useAsyncRetry(
    () => api.getEntityHistory(props.entityRef, { days: HISTORY_DAYS }),
    [api, props.entityRef, props.version],
  );
  if (history.loading) return <Progress />;
  if (history.error) {
    return (
      <Typography variant="body2" color="error">
        Could not load the history: {history.error.message}
      </Typography>
    );
  }
  return <ScoreSparkline snapshots={history.value?.snapshots ?? []} />;
}

/**
 * The scorecard of the current entity: score, level, the critical flag, every
 * check with its state, why, its facts and how to fix it, the formula, the
 * score's history and a button to evaluate now.
 */
export function EntityScorecardCard() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const api = useApi(scorecardApiRef);
  const [fresh, setFresh] = useState<EntityScorecardResponse>();
  const [evaluating, setEvaluating] = useState(false);
  const [evaluateError, setEvaluateError] = useState<Error>();
  const [version, setVersion] = useState(0);
  const [waiverFor, setWaiverFor] = useState<EntityCheckView>();

  const stored = useAsyncRetry(
    () => api.getEntityScorecard(entityRef),
    [api, entityRef],
  );
  const scorecard = fresh ?? stored.value;

  const evaluate = async () => {
    setEvaluating(true);
    setEvaluateError(undefined);
    try {
      setFresh(await api.evaluateEntity(entityRef));
      setVersion(v => v + 1);
    } catch (error) {
      setEvaluateError(error as Error);
    } finally {
      setEvaluating(false);
    }
  };

  const evaluateButton = (
    <Button
      variant="outlined"
      size="small"
      startIcon={<RefreshIcon />}
      onClick={evaluate}
      disabled={evaluating}
    >
      {evaluating ? 'Evaluating…' : 'Re-evaluate'}
    </Button>
  );

  let content;
  if (stored.loading && !scorecard) {
    content = <Progress />;
  } else if (stored.error && !scorecard) {
    content = <ResponseErrorPanel error={stored.error} />;
  } else if (!scorecard) {
    // Text and a button, no illustration: EmptyState's picture is taller
    // than a card's row and was cut off.
    content = (
      <Box>
        <Typography variant="h6" component="h3" gutterBottom>
          Not evaluated yet
        </Typography>
        <Typography variant="body2" paragraph>
          {`The scorecard has not evaluated ${
            entity.metadata.title ?? entity.metadata.name
          } yet. It runs on a schedule and when the entity changes; evaluate it now to see its checks.`}
        </Typography>
        <Button
          variant="contained"
          color="primary"
          onClick={evaluate}
          disabled={evaluating}
        >
          {evaluating ? 'Evaluating…' : 'Evaluate now'}
        </Button>
      </Box>
    );
  } else {
    const counts = scorecard.checks.reduce<Partial<Record<CheckState, number>>>(
      (acc, c) => ({ ...acc, [c.state]: (acc[c.state] ?? 0) + 1 }),
      {},
    );
    content = (
      <>
        {scorecard.criticalFailing && (
          <Box mb={2}>
            <CriticalFlag checks={scorecard.checks} />
          </Box>
        )}
        <Summary scorecard={scorecard}>
          <History entityRef={entityRef} version={version} />
        </Summary>
        <Box mt={1}>
          <Typography variant="caption" color="textSecondary">
            Evaluated {formatAge(scorecard.evaluatedAt)} (
            {formatTimestamp(scorecard.evaluatedAt)}) ·{' '}
            {Object.entries(counts)
              .map(
                ([state, n]) =>
                  `${n} ${STATE_LABELS[state as CheckState].toLocaleLowerCase(
                    'en',
                  )}`,
              )
              .join(' · ')}
            {scorecard.unknownWeight > 0 &&
              ` · weight ${scorecard.unknownWeight} left out for no data or errors`}
          </Typography>
        </Box>
        <List dense aria-label="Checks">
          {sortChecks(scorecard.checks).map(check => (
            <CheckRow
              key={check.checkId}
              check={check}
              onExempt={() => setWaiverFor(check)}
            />
          ))}
        </List>
        <Divider />
        <Box mt={1}>
          <Typography variant="caption" color="textSecondary" component="p">
            How the score is computed: {SCORE_FORMULA}
          </Typography>
        </Box>
      </>
    );
  }

  return (
    <InfoCard title="Scorecard" action={scorecard ? evaluateButton : undefined}>
      {evaluateError && (
        <Box mb={2}>
          <ResponseErrorPanel
            error={evaluateError}
            title={`Could not evaluate ${entityRef}: ${errorMessage(
              evaluateError,
            )}`}
          />
        </Box>
      )}
      {content}
      {waiverFor && (
        <WaiverDialog
          open
          entityRef={entityRef}
          check={waiverFor}
          onClose={() => setWaiverFor(undefined)}
          onGranted={() => {
            // The backend re-evaluated the entity with the exemption; read it.
            setWaiverFor(undefined);
            setFresh(undefined);
            stored.retry();
            setVersion(v => v + 1);
          }}
        />
      )}
    </InfoCard>
  );
}
