import { Knex } from 'knex';
import { toBackfillCursor } from './conversion';
import { DbBackfillCursorRow } from './tables';
import { BackfillCursor, BackfillCursors } from './types';

/** Progress of the GitHub backfill, per repository and resource. */
export class BackfillCursorStore implements BackfillCursors {
  constructor(private readonly db: Knex) {}

  async getCursor(repo: string, resource: string): Promise<BackfillCursor> {
    const row: DbBackfillCursorRow | undefined = await this.db(
      'dora_backfill_cursors',
    )
      .where({ repo, resource })
      .first();
    return toBackfillCursor(row);
  }

  async saveCursor(
    repo: string,
    resource: string,
    cursor: BackfillCursor,
  ): Promise<void> {
    const row: DbBackfillCursorRow = {
      repo,
      resource,
      since: cursor.since,
      next_page: cursor.nextPage,
      pass_newest: cursor.passNewest,
      updated_at: Date.now(),
    };
    await this.db('dora_backfill_cursors')
      .insert(row)
      .onConflict(['repo', 'resource'])
      .merge();
  }
}
