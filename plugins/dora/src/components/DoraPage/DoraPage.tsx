import Grid from '@material-ui/core/Grid';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Autocomplete from '@material-ui/lab/Autocomplete';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { Content, InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { DoraScope } from '@internal/plugin-dora-common';
import useAsync from 'react-use/esm/useAsync';
import { DoraMetricsView } from '../DoraMetricsView';
import { EnvironmentPicker } from '../EnvironmentPicker';
import { useViewInUrl } from '../../lib/useViewInUrl';
import { WindowPicker } from '../WindowPicker';

interface EntityOption {
  ref: string;
  label: string;
}

const SCOPE_LABELS: Record<DoraScope, string> = {
  org: 'Organisation',
  team: 'Team',
  service: 'Service',
};

const FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'spec.profile.displayName',
];

function toOption(entity: Entity): EntityOption {
  const profile = (entity.spec?.profile ?? {}) as { displayName?: string };
  return {
    ref: stringifyEntityRef(entity),
    label: entity.metadata.title ?? profile.displayName ?? entity.metadata.name,
  };
}

function byLabel(a: EntityOption, b: EntityOption) {
  return a.label.localeCompare(b.label);
}

/**
 * The view as the URL holds it (`?scope=team&team=group:default/x&window=90
 * &environment=staging`, or `from=2025-06-01&to=2025-08-31` for a range), so
 * a link opens the same figures. Values the page cannot show fall back to
 * the defaults: the organisation, 30 days, every production environment.
 */
function usePageInUrl() {
  const view = useViewInUrl();
  const scopeParam = view.params.get('scope');
  const scope: DoraScope =
    scopeParam && scopeParam in SCOPE_LABELS
      ? (scopeParam as DoraScope)
      : 'org';
  return {
    ...view,
    scope,
    teamRef: view.params.get('team') ?? undefined,
    serviceRef: view.params.get('service') ?? undefined,
  };
}

/** The DORA page: organisation, a team or a service, over a chosen window. */
export function DoraPage() {
  const catalogApi = useApi(catalogApiRef);
  const {
    scope,
    teamRef,
    serviceRef,
    window,
    environment,
    setWindow,
    setEnvironment,
    update,
  } = usePageInUrl();
  // Each scope and subject has its own environments: a new one starts from
  // the default.
  const setScope = (next: DoraScope) =>
    update({
      scope: next === 'org' ? undefined : next,
      environment: undefined,
    });

  // Teams are groups of type team (the backend rolls up their child groups);
  // services are components of type service, the unit deployments report on.
  const options = useAsync(async () => {
    const [teams, services] = await Promise.all([
      catalogApi.getEntities({
        filter: { kind: 'Group', 'spec.type': 'team' },
        fields: FIELDS,
      }),
      catalogApi.getEntities({
        filter: { kind: 'Component', 'spec.type': 'service' },
        fields: FIELDS,
      }),
    ]);
    return {
      teams: teams.items.map(toOption).sort(byLabel),
      services: services.items.map(toOption).sort(byLabel),
    };
  }, [catalogApi]);

  // Before the catalog answers, a linked ref shows under its name.
  const optionFor = (
    ref: string | undefined,
    list: EntityOption[] | undefined,
  ): EntityOption | null =>
    ref
      ? list?.find(o => o.ref === ref) ?? {
          ref,
          label: parseEntityRef(ref).name,
        }
      : null;
  const picked =
    scope === 'team'
      ? optionFor(teamRef, options.value?.teams)
      : optionFor(serviceRef, options.value?.services);
  const pickerLabel = scope === 'team' ? 'Team' : 'Service';
  const pickerOptions =
    (scope === 'team' ? options.value?.teams : options.value?.services) ?? [];

  let view;
  if (scope === 'org') {
    view = (
      <DoraMetricsView
        scope="org"
        subject="the organisation"
        window={window}
        environment={environment}
      />
    );
  } else if (picked) {
    view = (
      <DoraMetricsView
        key={picked.ref}
        scope={scope}
        entityRef={picked.ref}
        subject={picked.label}
        window={window}
        environment={environment}
      />
    );
  } else {
    view = (
      <InfoCard>
        <Typography variant="body1">
          Choose a {pickerLabel.toLocaleLowerCase('en')} to see its DORA
          figures.
        </Typography>
      </InfoCard>
    );
  }

  return (
    <Content>
      <Grid container spacing={2} alignItems="center">
        <Grid item>
          <TextField
            select
            id="dora-scope"
            label="Scope"
            variant="outlined"
            size="small"
            value={scope}
            onChange={e => setScope(e.target.value as DoraScope)}
            SelectProps={{ native: true }}
            style={{ minWidth: 160 }}
          >
            {(Object.keys(SCOPE_LABELS) as DoraScope[]).map(s => (
              <option key={s} value={s}>
                {SCOPE_LABELS[s]}
              </option>
            ))}
          </TextField>
        </Grid>
        {scope !== 'org' && (
          <Grid item>
            <Autocomplete
              key={scope}
              id={`dora-${scope}-picker`}
              options={pickerOptions}
              value={picked}
              loading={options.loading}
              getOptionLabel={o => o.label}
              getOptionSelected={(o, v) => o.ref === v.ref}
              onChange={(_e, value) =>
                update({ [scope]: value?.ref, environment: undefined })
              }
              style={{ width: 320 }}
              renderInput={params => (
                <TextField
                  {...params}
                  label={pickerLabel}
                  variant="outlined"
                  size="small"
                  error={Boolean(options.error)}
                  helperText={
                    options.error
                      ? `Could not read the catalog: ${options.error.message}`
                      : undefined
                  }
                />
              )}
            />
          </Grid>
        )}
        <Grid item>
          <WindowPicker value={window} onChange={setWindow} />
        </Grid>
        {(scope === 'org' || picked) && (
          <Grid item>
            <EnvironmentPicker
              scope={scope}
              entityRef={scope === 'org' ? undefined : picked?.ref}
              value={environment}
              onChange={setEnvironment}
            />
          </Grid>
        )}
        <Grid item xs={12}>
          {view}
        </Grid>
      </Grid>
    </Content>
  );
}
