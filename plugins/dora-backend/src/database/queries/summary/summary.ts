import { Knex } from 'knex';
import { summarizeRaw } from '../../../lib/figures';
import {
  DETAIL_FIGURES,
  MetricsFilter,
  SummaryOptions,
  WindowSummary,
} from '../../types';
import { rawFigures } from '../rawFigures';
import { rollupsCover } from './context';
import { rollupSummary } from './rollupSummary';

/**
 * The window's figures: from the rollups when they cover the window, else
 * from the raw rows; the same answer either way.
 */
export async function summary(
  db: Knex,
  filter: MetricsFilter,
  options: SummaryOptions,
): Promise<WindowSummary> {
  let result: WindowSummary;
  if (rollupsCover(filter)) {
    result = await rollupSummary(db, filter, options);
  } else {
    result = summarizeRaw(
      await rawFigures(db, filter),
      filter.from,
      filter.to,
      options.weekly,
    );
  }
  if (!options.headline) return result;
  // The same answer whichever path computed it.
  return {
    ...result,
    ...Object.fromEntries(DETAIL_FIGURES.map(field => [field, null])),
  };
}
