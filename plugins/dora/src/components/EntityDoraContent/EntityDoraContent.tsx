import { useState } from 'react';
import Box from '@material-ui/core/Box';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { Content } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { DoraMetricsView } from '../DoraMetricsView';
import { WindowPicker } from '../WindowPicker';

/** The DORA tab of a service: the same figures, for this entity only. */
export function EntityDoraContent() {
  const { entity } = useEntity();
  const [windowDays, setWindowDays] = useState(30);
  return (
    <Content noPadding>
      <Box mb={2}>
        <WindowPicker value={windowDays} onChange={setWindowDays} />
      </Box>
      <DoraMetricsView
        scope="service"
        entityRef={stringifyEntityRef(entity)}
        subject={entity.metadata.title ?? entity.metadata.name}
        windowDays={windowDays}
      />
    </Content>
  );
}
