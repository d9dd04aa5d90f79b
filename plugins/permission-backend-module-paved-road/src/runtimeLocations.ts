import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { LocationSpec } from '@backstage/plugin-catalog-node';
import path from 'node:path';

/** Kinds that grant ownership (Group, User) or run code (Template). */
const PLATFORM_ONLY_KINDS = ['template', 'group', 'user'];

/**
 * What a location registered at runtime (`POST /api/catalog/locations`, by a
 * user or the scaffolder) may bring, as opposed to the platform's own
 * `catalog.locations`: no Templates, Groups or Users, and nested locations
 * only by URL on a host the portal is configured to read, i.e. one of the
 * integrations or `backend.reading.allow`. Hosts allowed for reading count
 * because the operator put them there for exactly that (the e2e suite serves
 * catalog files from one).
 */
export class RuntimeLocationRules {
  static fromConfig(config: Config): RuntimeLocationRules {
    return new RuntimeLocationRules(
      config,
      ScmIntegrations.fromConfig(config),
      readingAllowed(config),
    );
  }

  private constructor(
    private readonly config: Config,
    private readonly integrations: ScmIntegrations,
    private readonly readingAllows: (url: URL) => boolean,
  ) {}

  /**
   * Whether `origin` (an entity's `backstage.io/managed-by-origin-location`,
   * which the catalog sets itself) is one of `catalog.locations`. Read on
   * every call: the catalog reloads `catalog.locations` without a restart.
   */
  isPlatformLocation(origin: LocationSpec): boolean {
    return (this.config.getOptionalConfigArray('catalog.locations') ?? []).some(
      location => {
        const type = location.getString('type');
        const target = location.getString('target');
        // The catalog resolves configured file targets the same way.
        const resolved = type === 'file' ? path.resolve(target) : target;
        return type === origin.type && resolved === origin.target;
      },
    );
  }

  /** Why a runtime location may not point at `location`, or undefined. */
  targetRefusal({ type, target }: LocationSpec): string | undefined {
    const url = type === 'url' ? parseHttpUrl(target) : undefined;
    if (!url) {
      return `target ${type}:${target} is not an HTTP(S) URL: point locations at files in repositories on the integrations' hosts`;
    }
    if (!this.integrations.byHost(url.host) && !this.readingAllows(url)) {
      return `target ${type}:${target} is on ${url.host}, which is neither an integration host (integrations in app-config) nor allowed by backend.reading.allow: keep catalog files in repositories on the integrations' hosts`;
    }
    return undefined;
  }

  /**
   * Why `entity`, read at `location`, may not come from a runtime location:
   * one reason per offending target, none when it may.
   */
  entityRefusals(entity: Entity, location: LocationSpec): string[] {
    const ref = stringifyEntityRef(entity);
    const kind = entity.kind.toLocaleLowerCase('en-US');
    if (PLATFORM_ONLY_KINDS.includes(kind)) {
      return [
        `${ref}: Templates, Groups and Users come only from the platform's locations (catalog.locations); ask the platform team to add it there`,
      ];
    }
    if (kind !== 'location') {
      return [];
    }
    // The entity is not validated yet: skip what is not a string.
    const spec = entity.spec ?? {};
    const type = typeof spec.type === 'string' ? spec.type : location.type;
    const targets = [
      spec.target,
      ...(Array.isArray(spec.targets) ? spec.targets : []),
    ];
    return targets
      .filter((target): target is string => typeof target === 'string')
      .flatMap(target => {
        const refusal = this.targetRefusal({
          type,
          target: this.absolute(type, target, location),
        });
        return refusal ? [`${ref}: ${refusal}`] : [];
      });
  }

  /** The target the catalog will read: relative URLs resolve against the file. */
  private absolute(type: string, target: string, base: LocationSpec) {
    if (type !== 'url' || base.type !== 'url') {
      return target;
    }
    try {
      return this.integrations.resolveUrl({ url: target, base: base.target });
    } catch {
      return target;
    }
  }
}

function parseHttpUrl(target: string): URL | undefined {
  try {
    const url = new URL(target);
    return ['http:', 'https:'].includes(url.protocol) ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `backend.reading.allow` (host, `*.` wildcard, port or port range, paths)
 * as the portal's fetch reader matches it.
 */
function readingAllowed(config: Config): (url: URL) => boolean {
  const entries = (
    config.getOptionalConfigArray('backend.reading.allow') ?? []
  ).map(entry => {
    const [hostname, ports] = entry.getString('host').split(':');
    return { hostname, ports, paths: entry.getOptionalStringArray('paths') };
  });
  return url =>
    entries.some(
      ({ hostname, ports, paths }) =>
        (hostname.startsWith('*.')
          ? url.hostname.endsWith(hostname.slice(1))
          : url.hostname === hostname) &&
        portAllowed(url, ports) &&
        (!paths || paths.some(allowed => pathUnder(url.pathname, allowed))),
    );
}

function portAllowed(url: URL, ports: string | undefined) {
  if (!ports) {
    return url.port === '';
  }
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const [from, to = from] = ports.split('-').map(Number);
  return port >= from && port <= to;
}

function pathUnder(pathname: string, allowed: string) {
  const normalized = path.posix.normalize(pathname);
  return (
    normalized === allowed ||
    normalized.startsWith(allowed.endsWith('/') ? allowed : `${allowed}/`)
  );
}
