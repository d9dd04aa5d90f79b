import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';
import { RelatedService } from '../../onCallSummary';

/**
 * Related entities, each with its owner and, when `extra` gives one, more
 * (its on-call).
 */
export function RelatedList(props: {
  items: RelatedService[];
  none: string;
  extra?: (item: RelatedService) => ReactNode;
}) {
  if (props.items.length === 0) {
    return <Typography variant="body2">{props.none}</Typography>;
  }
  return (
    <ul style={{ margin: 0, paddingLeft: 20 }}>
      {props.items.map(item => {
        const extra = props.extra?.(item);
        return (
          <li key={item.ref} aria-label={item.name}>
            <EntityRefLink entityRef={item.ref} title={item.name} />
            {' — '}
            {item.owner ? (
              <EntityRefLink entityRef={item.owner} defaultKind="group" />
            ) : (
              <em>no owner</em>
            )}
            {extra && <> — {extra}</>}
          </li>
        );
      })}
    </ul>
  );
}
