import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { Content } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { DoraMetricsView } from '../DoraMetricsView';
import { EnvironmentPicker } from '../EnvironmentPicker';
import { WindowPicker } from '../WindowPicker';

/** The DORA tab of a service: the same figures, for this entity only. */
export function EntityDoraContent() {
  const { entity } = useEntity();
  const [windowDays, setWindowDays] = useState(30);
  const entityRef = stringifyEntityRef(entity);
  // An environment is picked for one service: when the tab is reused for
  // another, its figures start from the default target again.
  const [picked, setPicked] = useState<{
    entityRef: string;
    environment?: string;
  }>();
  const environment =
    picked?.entityRef === entityRef ? picked.environment : undefined;
  const setEnvironment = (name: string | undefined) =>
    setPicked({ entityRef, environment: name });
  return (
    <Content noPadding>
      <Box mb={2}>
        <Grid container spacing={2} alignItems="center">
          <Grid item>
            <WindowPicker value={windowDays} onChange={setWindowDays} />
          </Grid>
          <Grid item>
            <EnvironmentPicker
              scope="service"
              entityRef={entityRef}
              value={environment}
              onChange={setEnvironment}
            />
          </Grid>
        </Grid>
      </Box>
      <DoraMetricsView
        scope="service"
        entityRef={entityRef}
        subject={entity.metadata.title ?? entity.metadata.name}
        windowDays={windowDays}
        environment={environment}
      />
    </Content>
  );
}
