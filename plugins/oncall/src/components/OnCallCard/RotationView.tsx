import { Link } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { OnCallLink, OnCallRotation } from '@internal/plugin-oncall-common';
import { LevelView } from './LevelView';

function SourceLink(props: { label: string; link?: OnCallLink }) {
  if (!props.link) {
    return null;
  }
  const { name, url } = props.link;
  return (
    <Typography variant="body2" color="textSecondary">
      {props.label}: {url ? <Link to={url}>{name}</Link> : name}
    </Typography>
  );
}

/** One service at the source: its escalation policy and each level's on-call. */
export function RotationView(props: {
  rotation: OnCallRotation;
  sourceName: string;
}) {
  const { rotation, sourceName } = props;
  return (
    <Box mb={1}>
      <SourceLink label="Service" link={rotation.service} />
      <SourceLink label="Escalation policy" link={rotation.escalationPolicy} />
      {rotation.levels.length === 0 ? (
        <Typography variant="body2" color="error">
          Nobody on call through this service.
        </Typography>
      ) : (
        <Box component="ul" m={0} p={0} style={{ listStyle: 'none' }}>
          {rotation.levels.map(level => (
            <LevelView
              key={level.level}
              level={level}
              sourceName={sourceName}
            />
          ))}
        </Box>
      )}
    </Box>
  );
}
