/** Glob match where "*" matches any run of characters (ArgoCD project patterns). */
export function globMatches(
  pattern: string | undefined,
  value: string | undefined,
): boolean {
  if (pattern === undefined || value === undefined) {
    return false;
  }
  const regex = new RegExp(
    `^${pattern
      .split('*')
      .map(part => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return regex.test(value);
}
