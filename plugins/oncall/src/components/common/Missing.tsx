import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';

/**
 * Something that should be there and is not: in red where it is expected
 * (a service's on-call), muted where it is optional (a library's).
 */
export function Missing(props: { children: ReactNode; expected?: boolean }) {
  return (
    <Typography
      variant="body2"
      color={props.expected === false ? 'textSecondary' : 'error'}
    >
      {props.children}
    </Typography>
  );
}
