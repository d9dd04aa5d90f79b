/**
 * `value`, or what its local `$ref` (`#/components/parameters/scope`) names
 * in `spec`: a parameter, response or schema written once in `components`.
 */
export function resolveRef<T = any>(spec: object, value: T): T {
  const ref = (value as { $ref?: unknown } | undefined)?.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return value;
  return ref
    .slice(2)
    .split('/')
    .reduce<any>((node, part) => node?.[part], spec);
}
