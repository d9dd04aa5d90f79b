/**
 * An HTTP body as read from its text: the parsed JSON, the text itself when
 * it is not JSON (a proxy's HTML error page, a plain-text refusal), or
 * undefined when there is none. What went wrong is then still readable.
 */
export function jsonOrText(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
