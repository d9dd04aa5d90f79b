import { ApiEntity } from '@backstage/catalog-model';
import { TableColumn } from '@backstage/core-components';
import { ConsumedApisCard, ProvidedApisCard } from '@backstage/plugin-api-docs';
import { EntityTable } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';

const columns: TableColumn<ApiEntity>[] = [
  EntityTable.columns.createEntityRefColumn({ defaultKind: 'API' }),
  EntityTable.columns.createOwnerColumn(),
  EntityTable.columns.createSpecTypeColumn(),
  EntityTable.columns.createSpecLifecycleColumn(),
  EntityTable.columns.createMetadataDescriptionColumn(),
];

export function ApisContent() {
  return (
    <Grid container spacing={3} alignItems="stretch">
      <Grid item xs={12}>
        <ProvidedApisCard columns={columns} />
      </Grid>
      <Grid item xs={12}>
        <ConsumedApisCard columns={columns} />
      </Grid>
    </Grid>
  );
}
