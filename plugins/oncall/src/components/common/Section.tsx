import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';

/** One titled part of a card, with an optional button beside the title. */
export function Section(props: {
  title: string;
  action?: ReactNode;
  children: ReactNode;
}) {
  return (
    <Box mb={2} component="section" aria-label={props.title}>
      <Box
        display="flex"
        flexWrap="wrap"
        alignItems="center"
        justifyContent="space-between"
        gridColumnGap={8}
      >
        <Typography variant="overline" component="h3">
          {props.title}
        </Typography>
        {props.action}
      </Box>
      {props.children}
    </Box>
  );
}
