/**
 * The backend's own message when there is one (a ResponseError's `cause`),
 * else the error's: "Request failed with 403 Forbidden" says nothing of why.
 */
export function messageOf(error: Error): string {
  const cause = (error as { cause?: { message?: unknown } }).cause;
  return typeof cause?.message === 'string' && cause.message
    ? cause.message
    : error.message;
}

/**
 * Whether the backend answered 501: the entity's on-call source cannot do
 * what was asked (the annotation knows no incidents and pages nobody).
 */
export function isNotImplemented(error: unknown): boolean {
  return (error as { statusCode?: unknown } | undefined)?.statusCode === 501;
}
