import { makeStyles } from '@material-ui/core';
import { RoadMark } from './RoadMark';

const useStyles = makeStyles({
  svg: {
    width: 'auto',
    height: 28,
  },
});

/** The mark alone, for the closed sidebar. */
export const LogoIcon = () => {
  const classes = useStyles();
  return (
    <svg
      className={classes.svg}
      xmlns="http://www.w3.org/2000/svg"
      viewBox="0 0 32 32"
      role="img"
      aria-label="Paved Road"
    >
      <RoadMark color="#7df3e1" />
    </svg>
  );
};
