import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import {
  OnCallAnswer,
  OnCallContact,
  OnCallShift,
} from '@internal/plugin-oncall-common';
import { OnCallApi } from './api';

/** The part of the catalog API the loaders use. */
export type CatalogLookup = Pick<typeof catalogApiRef.T, 'getEntitiesByRefs'>;

/**
 * The catalog entities of `refs`, keyed by their full ref, in one request
 * (none without refs). Refs the catalog does not know are left out.
 */
export async function loadByRefs(
  catalogApi: CatalogLookup,
  refs: Array<string | undefined>,
  fields?: string[],
): Promise<Map<string, Entity>> {
  const wanted = [...new Set(refs.filter((r): r is string => Boolean(r)))];
  const loaded = new Map<string, Entity>();
  if (wanted.length === 0) {
    return loaded;
  }
  const { items } = await catalogApi.getEntitiesByRefs({
    entityRefs: wanted,
    fields,
  });
  for (const item of items) {
    if (item) {
      loaded.set(stringifyEntityRef(item), item);
    }
  }
  return loaded;
}

/** How many on-call requests a list of entities keeps in flight at most. */
const CONCURRENCY = 4;

/**
 * The backend's answer for one entity of a list, or why there is none: one
 * entity's failure (not in the catalog, its source down) leaves the others.
 *
 * @public
 */
export interface OnCallResult {
  entityRef: string;
  answer?: OnCallAnswer;
  error?: Error;
}

/**
 * Who is on call for each of `entityRefs`, in their order, a few requests at
 * a time (the backend answers one entity per request).
 *
 * @public
 */
export async function loadOnCallAnswers(
  onCallApi: Pick<OnCallApi, 'getOnCall'>,
  entityRefs: string[],
  options: { concurrency?: number } = {},
): Promise<OnCallResult[]> {
  const results: OnCallResult[] = new Array(entityRefs.length);
  let next = 0;
  const worker = async () => {
    while (next < entityRefs.length) {
      const i = next++;
      const entityRef = entityRefs[i];
      try {
        results[i] = {
          entityRef,
          answer: await onCallApi.getOnCall(entityRef),
        };
      } catch (error) {
        results[i] = { entityRef, error: error as Error };
      }
    }
  };
  const workers = Math.min(
    options.concurrency ?? CONCURRENCY,
    entityRefs.length,
  );
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}

function contactKey(contact: OnCallContact): string {
  return contact.userEntityRef ?? contact.email ?? contact.name;
}

/**
 * Who answers first now: the primary (level 1) of every rotation, each
 * person once (the same person is often primary on several services).
 *
 * @public
 */
export function levelOneNow(answer: OnCallAnswer): OnCallShift[] {
  const seen = new Set<string>();
  return answer.rotations
    .flatMap(rotation => rotation.levels.filter(l => l.level === 1))
    .flatMap(level => level.now)
    .filter(shift => {
      const key = contactKey(shift.contact);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}
