import TextField from '@material-ui/core/TextField';
import { useApi } from '@backstage/frontend-plugin-api';
import { DoraScope } from '@internal/plugin-dora-common';
import useAsync from 'react-use/esm/useAsync';
import { doraApiRef } from '../../api';

/**
 * What the figures count: every production-tier environment (the default,
 * `undefined`) or one environment the scope has deployed to.
 */
export function EnvironmentPicker(props: {
  scope: DoraScope;
  entityRef?: string;
  value: string | undefined;
  onChange: (environment: string | undefined) => void;
}) {
  const { scope, entityRef, value, onChange } = props;
  const api = useApi(doraApiRef);
  const environments = useAsync(
    () => api.getEnvironments({ scope, ref: entityRef }),
    [api, scope, entityRef],
  );
  return (
    <TextField
      select
      id="dora-environment"
      label="Environment"
      variant="outlined"
      size="small"
      value={value ?? ''}
      onChange={e => onChange(e.target.value || undefined)}
      SelectProps={{ native: true }}
      // "All production environments" is the empty value: without shrink
      // the label sat on top of it.
      InputLabelProps={{ shrink: true }}
      InputProps={{ notched: true }}
      style={{ minWidth: 260 }}
      error={Boolean(environments.error)}
      helperText={
        environments.error
          ? `Could not list the environments: ${environments.error.message}`
          : undefined
      }
    >
      <option value="">All production environments</option>
      {(environments.value?.items ?? []).map(e => (
        <option key={e.name} value={e.name}>
          {e.name} ({e.tier})
        </option>
      ))}
      {/* Never show another choice than the one the figures count. */}
      {value !== undefined &&
        !environments.value?.items.some(e => e.name === value) && (
          <option value={value}>{value}</option>
        )}
    </TextField>
  );
}
