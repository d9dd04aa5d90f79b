/**
 * The backend's own message when there is one (a `ResponseError`'s
 * `cause`), else the error's: "Request failed with 403 Forbidden" says
 * nothing of why.
 */
export function errorMessage(error: Error): string {
  const cause = (error as { cause?: { message?: unknown } }).cause;
  return typeof cause?.message === 'string' && cause.message
    ? cause.message
    : error.message;
}
