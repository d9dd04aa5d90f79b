/**
 * Patterns for every name that reaches a URL, a manifest or a policy. They are
 * strict on purpose: no input may widen a policy, escape a path or inject a
 * field.
 */

/** Kubernetes RFC 1123 label: namespaces, app names, label values we set. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS1123_LABEL_MESSAGE =
  'must be 1-63 lowercase letters, digits or "-", starting and ending with a letter or digit (RFC 1123), e.g. "orders-service"';

/** Kubernetes label key: optional DNS prefix, then a name of at most 63 chars. */
export const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
/** Kubernetes label value: empty, or at most 63 alphanumerics with -_. inside. */
export const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

/** A git revision: branch, tag or SHA; no "..", no spaces or control chars. */
export const GIT_REVISION = /^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._/-]{0,254}$/;

/** A relative path inside a repository: no leading "/", no "..". */
export const REPO_PATH = /^(?!\/)(?!.*(^|\/)\.\.(\/|$))[A-Za-z0-9._/-]{1,255}$/;

/** Kubernetes labels as a map, each key and value checked. */
export function invalidLabels(labels: Record<string, string>): string[] {
  return Object.entries(labels).flatMap(([key, value]) => [
    ...(LABEL_KEY.test(key) && key.length <= 317 ? [] : [`key "${key}"`]),
    ...(LABEL_VALUE.test(value) ? [] : [`value "${value}" of "${key}"`]),
  ]);
}
