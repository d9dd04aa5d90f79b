import { useEffect, useState } from 'react';
import Box from '@material-ui/core/Box';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Typography from '@material-ui/core/Typography';
import { Entity } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  DefaultEntityFilters,
  EntityFilter,
  useEntityList,
} from '@backstage/plugin-catalog-react';
import { entityRefKey } from '@internal/paved-road-common';
import useAsync from 'react-use/esm/useAsync';
import { ScorecardApi, scorecardApiRef } from '../../api';

const PAGE = 500;
const MAX_PAGES = 20;

/**
 * A name no entity can have (names may not end with a dash): asked of the
 * catalog when nothing fails a critical check, so that the list is empty
 * rather than unfiltered.
 */
const NO_ENTITY = 'scorecard-none-';

/**
 * Keeps the entities that fail a critical check. The names go to the catalog
 * backend (so it also works with a paginated list); the exact refs are then
 * checked in the browser (names can repeat across kinds and namespaces).
 */
export class ScorecardCriticalFailingFilter implements EntityFilter {
  constructor(readonly entityRefs: ReadonlySet<string>) {}

  getCatalogFilters() {
    const names = new Set(
      [...this.entityRefs].map(ref => ref.slice(ref.indexOf('/') + 1)),
    );
    return { 'metadata.name': names.size ? [...names] : [NO_ENTITY] };
  }

  filterEntity(entity: Entity): boolean {
    return this.entityRefs.has(entityRefKey(entity));
  }

  toQueryValue(): string {
    return 'true';
  }
}

/** Catalog filters with the scorecard's. */
export type ScorecardEntityFilters = DefaultEntityFilters & {
  scorecardCritical?: ScorecardCriticalFailingFilter;
};

/** Every entity failing a critical check, a page of 500 at a time. */
export async function loadCriticalFailing(
  api: ScorecardApi,
): Promise<Set<string>> {
  const refs = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await api.listEntities({
      criticalFailing: true,
      orderBy: 'name',
      limit: PAGE,
      cursor,
    });
    result.items.forEach(item => refs.add(entityRefKey(item.entityRef)));
    cursor = result.nextCursor;
    if (!cursor) break;
  }
  return refs;
}

/** "Failing a critical check" checkbox for the catalog's entity list. */
export function CriticalFailingFilter() {
  const api = useApi(scorecardApiRef);
  const { updateFilters, queryParameters } =
    useEntityList<ScorecardEntityFilters>();
  const fromQuery = [queryParameters.scorecardCritical].flat().includes('true');
  const [checked, setChecked] = useState(fromQuery);

  const failing = useAsync(
    async () => (checked ? loadCriticalFailing(api) : undefined),
    [api, checked],
  );

  useEffect(() => {
    updateFilters({
      scorecardCritical:
        checked && failing.value
          ? new ScorecardCriticalFailingFilter(failing.value)
          : undefined,
    });
  }, [checked, failing.value, updateFilters]);

  return (
    <Box pb={1} pt={1}>
      <Typography variant="button" component="label">
        Scorecard
      </Typography>
      <FormControlLabel
        control={
          <Checkbox
            checked={checked}
            onChange={e => setChecked(e.target.checked)}
          />
        }
        label="Failing a critical check"
      />
      {failing.error && (
        <Typography variant="caption" color="error" component="div">
          Could not read the scorecard: {failing.error.message}
        </Typography>
      )}
    </Box>
  );
}
