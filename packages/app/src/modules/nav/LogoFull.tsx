import { makeStyles } from '@material-ui/core';
import { RoadMark } from './RoadMark';

const COLOR = '#7df3e1';

const useStyles = makeStyles({
  svg: {
    width: 'auto',
    height: 30,
  },
});

/** Mark and product name, for the open sidebar. */
export const LogoFull = () => {
  const classes = useStyles();
  return (
    <svg
      className={classes.svg}
      xmlns="http://www.w3.org/2000/svg"
      viewBox="0 0 156 32"
      role="img"
      aria-label="Paved Road"
    >
      <RoadMark color={COLOR} />
      {/* textLength: the same width whichever sans-serif font is there. */}
      <text
        x="40"
        y="23"
        fill={COLOR}
        fontFamily="Helvetica Neue, Helvetica, Arial, sans-serif"
        fontSize="19"
        fontWeight="700"
        textLength="112"
        lengthAdjust="spacingAndGlyphs"
      >
        Paved Road
      </text>
    </svg>
  );
};
