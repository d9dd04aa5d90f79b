import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import useAsync from 'react-use/esm/useAsync';
import { Loaded } from './Loaded';

/** The golden paths: one click to a template's wizard. */
export function GoldenPathsWidget() {
  const catalogApi = useApi(catalogApiRef);
  const state = useAsync(async () => {
    const { items } = await catalogApi.getEntities({
      filter: { kind: 'Template' },
      fields: ['metadata'],
    });
    return items;
  }, [catalogApi]);
  return (
    <Loaded state={state}>
      {templates => (
        <List dense disablePadding>
          {templates.map(({ metadata }) => (
            <ListItem key={metadata.name} disableGutters>
              <ListItemText
                primary={
                  <Link
                    to={`/create/templates/${metadata.namespace ?? 'default'}/${
                      metadata.name
                    }`}
                  >
                    {metadata.title ?? metadata.name}
                  </Link>
                }
                secondary={metadata.description}
                // The widget card keeps one line; a description needs more.
                secondaryTypographyProps={{ style: { whiteSpace: 'normal' } }}
              />
            </ListItem>
          ))}
        </List>
      )}
    </Loaded>
  );
}
