/**
 * Servers add defaults and status to what we send, so "does the live object
 * match?" means: every field we would set has the value we would set. The
 * returned paths name each difference, for plans and error messages.
 */
export function differences(
  desired: unknown,
  actual: unknown,
  path = '',
): string[] {
  if (Array.isArray(desired)) {
    if (!Array.isArray(actual) || actual.length !== desired.length) {
      return [path || '(root)'];
    }
    return desired.flatMap((item, i) =>
      differences(item, actual[i], `${path}[${i}]`),
    );
  }
  if (desired !== null && typeof desired === 'object') {
    if (
      actual === null ||
      typeof actual !== 'object' ||
      Array.isArray(actual)
    ) {
      return [path || '(root)'];
    }
    return Object.entries(desired as Record<string, unknown>).flatMap(
      ([key, value]) =>
        value === undefined
          ? []
          : differences(
              value,
              (actual as Record<string, unknown>)[key],
              path ? `${path}.${key}` : key,
            ),
    );
  }
  return desired === actual ? [] : [path || '(root)'];
}
