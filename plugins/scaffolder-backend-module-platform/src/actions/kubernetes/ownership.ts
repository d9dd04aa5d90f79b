/** A `metadata.managedFields` entry as the API server returns it. */
export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  fieldsType?: string;
  fieldsV1?: object;
}

/**
 * The field managers that set `metadata.<map>.<key>` of an object, read from
 * its managedFields (FieldsV1: `f:metadata` → `f:labels` → `f:<key>`). A
 * label's value says nothing of who wrote it; this does.
 */
export function managersOf(
  metadata: { managedFields?: ManagedFieldsEntry[] } | undefined,
  map: 'labels' | 'annotations',
  key: string,
): string[] {
  const managers = (metadata?.managedFields ?? [])
    .filter(entry => {
      // Another fields format would be misread; count it as not ours.
      const fields = entry.fieldsType === 'FieldsV1' && entry.fieldsV1;
      return (fields as any)?.['f:metadata']?.[`f:${map}`]?.[`f:${key}`];
    })
    .map(entry => entry.manager ?? '');
  return [...new Set(managers)];
}
