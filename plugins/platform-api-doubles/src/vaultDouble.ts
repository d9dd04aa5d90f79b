import { DoubleResponse, HttpDouble, RecordedRequest } from './httpDouble';

type Json = Record<string, any>;

/** Vault's error body: `{ "errors": [...] }`, empty for a missing object. */
function vaultError(status: number, ...errors: string[]): DoubleResponse {
  return { status, body: { errors } };
}
const missing = () => vaultError(404);
const permissionDenied = () => vaultError(403, 'permission denied');
const badRequest = (message: string) => vaultError(400, message);
/** What Vault answers for a path under no mounted engine or auth method. */
const noHandler = (apiPath: string) =>
  vaultError(404, `no handler for route "${apiPath}". route entry not found.`);

/** The envelope every successful Vault read comes in. */
function ok(data: Json): DoubleResponse {
  return {
    status: 200,
    body: {
      request_id: 'd1f4c0de-0000-4000-8000-000000000000',
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      data,
      wrap_info: null,
      warnings: null,
      auth: null,
    },
  };
}
const noContent = (): DoubleResponse => ({ status: 204 });

/** Vault accepts "1h", "30m", "10s", "3600" or 3600; it stores seconds. */
function seconds(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') {
    return undefined;
  }
  if (typeof value === 'number') {
    return value;
  }
  const match = String(value).match(/^(\d+)([smh]?)$/);
  if (!match) {
    return NaN;
  }
  return Number(match[1]) * { s: 1, m: 60, h: 3600, '': 1 }[match[2]]!;
}

/**
 * A new Kubernetes auth role: every field Vault stores, with its defaults.
 * Vault has no field of free metadata on a role, so neither has the double.
 */
const NEW_ROLE: Json = {
  alias_name_source: 'serviceaccount_uid',
  audience: '',
  bound_service_account_names: [],
  bound_service_account_namespace_selector: '',
  bound_service_account_namespaces: [],
  token_bound_cidrs: [],
  token_explicit_max_ttl: 0,
  token_max_ttl: 0,
  token_no_default_policy: false,
  token_num_uses: 0,
  token_period: 0,
  token_policies: [],
  token_ttl: 0,
  token_type: 'default',
};

/**
 * A role as Vault's read returns it: the stored fields only (whatever a
 * test seeded beyond them is not Vault's), `audience` only when set.
 */
function roleAsRead(stored: Json): Json {
  const role = Object.fromEntries(
    Object.keys(NEW_ROLE).map(field => [
      field,
      stored[field] ?? NEW_ROLE[field],
    ]),
  );
  if (!role.audience) {
    delete role.audience;
  }
  return role;
}

interface SecretVersion {
  data: Record<string, unknown>;
  created_time: string;
}

/**
 * An in-memory Vault (the parts of /v1 the policy action uses) that answers
 * like the real server: `X-Vault-Token` checked (403 "permission denied"
 * for a missing or wrong token), `{"errors":[]}` 404s for a missing policy,
 * role or secret, "no handler for route" for an unmounted path, ACL policies
 * (names lowercased), Kubernetes auth roles returned with ttls in seconds,
 * and KV v2 with versions and check-and-set.
 */
export class VaultDouble extends HttpDouble {
  /** ACL policies by (lowercased) name: the HCL text, returned verbatim. */
  readonly policies = new Map<string, string>();
  /** Kubernetes auth roles by `<mount>/<name>`, as Vault stores them. */
  readonly roles = new Map<string, Json>();
  /** KV v2 secrets by `<mount>/<path>`: every version, oldest first. */
  readonly secrets = new Map<string, SecretVersion[]>();
  /** The X-Vault-Namespace header of every request that reached the API. */
  readonly namespaces: Array<string | undefined> = [];
  /** When true, every call answers 403 (a token whose policies allow nothing). */
  forbidden = false;
  private readonly authMounts: string[];
  private readonly kvMounts: string[];

  constructor(
    readonly token = 'hvs.CAESIvault-double-token',
    mounts: { auth?: string[]; kv?: string[] } = {},
  ) {
    super(request => this.route(request));
    this.authMounts = mounts.auth ?? ['kubernetes'];
    this.kvMounts = mounts.kv ?? ['secret'];
  }

  /** Stores a secret version as if someone had written it. */
  putSecret(mount: string, path: string, data: Record<string, unknown>) {
    const versions = this.secrets.get(`${mount}/${path}`) ?? [];
    versions.push({ data, created_time: new Date().toISOString() });
    this.secrets.set(`${mount}/${path}`, versions);
  }

  private route(
    request: RecordedRequest & { headers: Record<string, any> },
  ): DoubleResponse {
    if (!request.path.startsWith('/v1/')) {
      return missing();
    }
    if (request.headers['x-vault-token'] !== this.token || this.forbidden) {
      return permissionDenied();
    }
    this.namespaces.push(request.headers['x-vault-namespace']);
    const apiPath = request.path.slice('/v1/'.length);

    const policy = apiPath.match(/^sys\/policies\/acl\/([^/]+)$/);
    if (policy) {
      return this.policyRoute(request, policy[1].toLowerCase());
    }
    const role = apiPath.match(/^auth\/(.+)\/role\/([^/]+)$/);
    if (role) {
      return this.authMounts.includes(role[1])
        ? this.roleRoute(request, role[1], role[2])
        : noHandler(apiPath);
    }
    const kv = apiPath.match(/^(.+?)\/(data|metadata)\/(.+)$/);
    if (kv) {
      return this.kvMounts.includes(kv[1])
        ? this.kvRoute(request, kv[1], kv[2] as 'data' | 'metadata', kv[3])
        : noHandler(apiPath);
    }
    return missing();
  }

  private policyRoute(request: RecordedRequest, name: string): DoubleResponse {
    if (request.method === 'GET') {
      const text = this.policies.get(name);
      return text === undefined ? missing() : ok({ name, policy: text });
    }
    if (request.method === 'PUT' || request.method === 'POST') {
      const text = (request.body as Json)?.policy;
      if (name === 'root') {
        return badRequest('cannot update "root" policy');
      }
      if (typeof text !== 'string' || !text.trim()) {
        return badRequest("'policy' parameter not supplied or empty");
      }
      this.policies.set(name, text);
      return noContent();
    }
    return vaultError(405);
  }

  private roleRoute(
    request: RecordedRequest,
    mount: string,
    name: string,
  ): DoubleResponse {
    const key = `${mount}/${name.toLowerCase()}`;
    if (request.method === 'GET') {
      const role = this.roles.get(key);
      return role ? ok(roleAsRead(role)) : missing();
    }
    if (request.method !== 'POST' && request.method !== 'PUT') {
      return vaultError(405);
    }
    const body = (request.body ?? {}) as Json;
    const existing = this.roles.get(key);
    // Fields left out keep their value on update, as in Vault.
    const role: Json = structuredClone(existing ?? NEW_ROLE);
    for (const field of [
      'bound_service_account_names',
      'bound_service_account_namespaces',
      'token_policies',
    ]) {
      if (body[field] !== undefined) {
        role[field] = Array.isArray(body[field])
          ? body[field].map(String)
          : String(body[field]).split(',');
      }
    }
    if (body.audience !== undefined) {
      role.audience = String(body.audience);
    }
    for (const field of ['token_ttl', 'token_max_ttl']) {
      if (body[field] !== undefined) {
        const value = seconds(body[field]);
        if (value === undefined || Number.isNaN(value)) {
          return badRequest(
            `error converting input ${body[field]} for field "${field}": time: invalid duration "${body[field]}"`,
          );
        }
        role[field] = value;
      }
    }
    if (!role.bound_service_account_names.length) {
      return badRequest('"bound_service_account_names" can not be empty');
    }
    if (!role.bound_service_account_namespaces.length) {
      return badRequest('"bound_service_account_namespaces" can not be empty');
    }
    if (role.token_max_ttl > 0 && role.token_ttl > role.token_max_ttl) {
      return badRequest('token ttl should not be greater than token max ttl');
    }
    this.roles.set(key, role);
    if (!role.audience) {
      return {
        status: 200,
        body: {
          warnings: [
            'This role does not have an audience. In Vault v1.21+, specifying an audience on roles will be required.',
          ],
        },
      };
    }
    return noContent();
  }

  private kvRoute(
    request: RecordedRequest,
    mount: string,
    kind: 'data' | 'metadata',
    path: string,
  ): DoubleResponse {
    const versions = this.secrets.get(`${mount}/${path}`);
    if (kind === 'metadata') {
      if (request.method !== 'GET') {
        return vaultError(405);
      }
      if (!versions) {
        return missing();
      }
      return ok({
        cas_required: false,
        created_time: versions[0].created_time,
        current_version: versions.length,
        custom_metadata: null,
        delete_version_after: '0s',
        max_versions: 0,
        oldest_version: 1,
        updated_time: versions[versions.length - 1].created_time,
        versions: Object.fromEntries(
          versions.map((v, i) => [
            String(i + 1),
            {
              created_time: v.created_time,
              deletion_time: '',
              destroyed: false,
            },
          ]),
        ),
      });
    }
    if (request.method === 'GET') {
      if (!versions) {
        return missing();
      }
      const current = versions[versions.length - 1];
      return ok({
        data: current.data,
        metadata: {
          created_time: current.created_time,
          custom_metadata: null,
          deletion_time: '',
          destroyed: false,
          version: versions.length,
        },
      });
    }
    if (request.method !== 'POST' && request.method !== 'PUT') {
      return vaultError(405);
    }
    const body = (request.body ?? {}) as Json;
    if (!body.data || typeof body.data !== 'object') {
      return badRequest('no data provided');
    }
    const cas = body.options?.cas;
    if (cas !== undefined && Number(cas) !== (versions?.length ?? 0)) {
      return badRequest(
        'check-and-set parameter did not match the current version',
      );
    }
    this.putSecret(mount, path, body.data);
    const stored = this.secrets.get(`${mount}/${path}`)!;
    return ok({
      created_time: stored[stored.length - 1].created_time,
      custom_metadata: null,
      deletion_time: '',
      destroyed: false,
      version: stored.length,
    });
  }
}
