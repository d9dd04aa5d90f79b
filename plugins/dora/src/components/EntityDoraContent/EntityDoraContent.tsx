import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { Content } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { DoraMetricsView } from '../DoraMetricsView';
import { EnvironmentPicker } from '../EnvironmentPicker';
import { useViewInUrl } from '../../lib/useViewInUrl';
import { WindowPicker } from '../WindowPicker';

/**
 * The DORA tab of a service: the same figures, for this entity only. The
 * window and environment live in the URL as on the DORA page
 * (`.../dora?window=90&environment=staging`), so a link to the tab opens the
 * same figures; another service is another URL, which starts from the
 * defaults.
 */
export function EntityDoraContent() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const { window, environment, setWindow, setEnvironment } = useViewInUrl();
  return (
    <Content noPadding>
      <Box mb={2}>
        <Grid container spacing={2} alignItems="center">
          <Grid item>
            <WindowPicker value={window} onChange={setWindow} />
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
        key={entityRef}
        scope="service"
        entityRef={entityRef}
        subject={entity.metadata.title ?? entity.metadata.name}
        window={window}
        environment={environment}
      />
    </Content>
  );
}
