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
  const [environment, setEnvironment] = useState<string | undefined>();
  const entityRef = stringifyEntityRef(entity);
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
