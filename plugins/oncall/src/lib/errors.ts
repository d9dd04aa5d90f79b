/**
 * Whether the backend answered 501: the entity's on-call source cannot do
 * what was asked (the annotation knows no incidents and pages nobody).
 */
export function isNotImplemented(error: unknown): boolean {
  return (error as { statusCode?: unknown } | undefined)?.statusCode === 501;
}
