import { Link, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import { catalogApiRef, EntityRefLink } from '@backstage/plugin-catalog-react';
import { HomePageSearchBar } from '@backstage/plugin-search';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { DependencyList, ReactNode, useEffect, useState } from 'react';

/** The state of one request, as the widgets render it. */
function useLoad<T>(load: () => Promise<T>, deps: DependencyList) {
  const [state, setState] = useState<{ value?: T; error?: Error }>({});
  useEffect(() => {
    let live = true;
    load().then(
      value => live && setState({ value }),
      error => live && setState({ error }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return state;
}

function Loaded<T>(props: {
  state: { value?: T; error?: Error };
  children: (value: T) => ReactNode;
}) {
  if (props.state.error) {
    return <ResponseErrorPanel error={props.state.error} />;
  }
  return props.state.value === undefined ? (
    <Progress />
  ) : (
    <>{props.children(props.state.value)}</>
  );
}

export function SearchWidget() {
  return <HomePageSearchBar placeholder="Services, APIs, docs, teams…" />;
}

/** The golden paths: one click to a template's wizard. */
export function GoldenPathsWidget() {
  const catalogApi = useApi(catalogApiRef);
  const state = useLoad(
    () =>
      catalogApi
        .getEntities({
          filter: { kind: 'Template' },
          fields: ['metadata'],
        })
        .then(response => response.items),
    [catalogApi],
  );
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

/**
 * The services of the signed-in user's teams, or every service for someone
 * in no team (the embedded default's guest), with their owners.
 */
export function TeamServicesWidget() {
  const catalogApi = useApi(catalogApiRef);
  const identityApi = useApi(identityApiRef);
  const state = useLoad(async () => {
    const { ownershipEntityRefs } = await identityApi.getBackstageIdentity();
    const query = (owners?: string[]) =>
      catalogApi
        .getEntities({
          filter: {
            kind: 'Component',
            'spec.type': 'service',
            ...(owners ? { 'relations.ownedBy': owners } : {}),
          },
          fields: ['kind', 'metadata', 'relations'],
        })
        .then(response => response.items);
    const mine = await query(ownershipEntityRefs);
    return mine.length
      ? { mine: true, services: mine }
      : { mine: false, services: await query() };
  }, [catalogApi, identityApi]);
  return (
    <Loaded state={state}>
      {({ mine, services }) => (
        <>
          {!mine && (
            <Typography variant="body2" color="textSecondary">
              You are in no team yet, so here is every service.
            </Typography>
          )}
          <List dense disablePadding>
            {services.map(service => (
              <ListItem key={service.metadata.name} disableGutters>
                <ListItemText
                  primary={<EntityRefLink entityRef={service} />}
                  secondary={
                    <>
                      Owner:{' '}
                      <EntityRefLink
                        entityRef={
                          service.relations?.find(r => r.type === 'ownedBy')
                            ?.targetRef ?? ''
                        }
                      />
                    </>
                  }
                />
              </ListItem>
            ))}
          </List>
        </>
      )}
    </Loaded>
  );
}
