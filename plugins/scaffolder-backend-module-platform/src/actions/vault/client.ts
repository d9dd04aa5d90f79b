import { VaultServer } from '../../lib/targets';
import {
  JsonRequest,
  RemoteTarget,
  RetryPolicy,
  defaultRetryPolicy,
  okBody,
  requestJson,
} from '../../lib/remote';

/** What Vault answers when `cas` does not match: for `cas: 0`, "it exists". */
export const CAS_MISMATCH =
  'check-and-set parameter did not match the current version';

/** A Kubernetes auth role as Vault returns it (ttls in seconds) or as we send it. */
export type VaultRole = Record<string, unknown>;

/**
 * Vault answers errors as `{ "errors": ["..."] }`; a multierror arrives as
 * "1 error occurred:\n\t* permission denied\n\n", flattened here. An empty
 * list (Vault's answer for a missing object) gives `undefined`.
 */
export function vaultMessage(body: unknown): string | undefined {
  if (body && typeof body === 'object') {
    const { errors } = body as { errors?: unknown };
    if (Array.isArray(errors)) {
      const messages = errors
        // The error text is followed by ". <hint>", so drop its own full stop.
        .map(e => String(e).replace(/\s+/g, ' ').trim().replace(/\.+$/, ''))
        .filter(Boolean);
      return messages.length ? messages.join('; ') : undefined;
    }
    return undefined;
  }
  return typeof body === 'string' && body ? body : undefined;
}

/** Encodes each segment of a mount path that may itself contain "/". */
function encodePath(path: string) {
  return path.split('/').map(encodeURIComponent).join('/');
}

/**
 * The slice of Vault's HTTP API (/v1) the policy action needs, over fetch
 * with `X-Vault-Token` (and `X-Vault-Namespace` for Vault Enterprise). Reads
 * return `undefined` for a missing object; every other refusal becomes an
 * error naming the server, the call, Vault's `errors[]` and a hint.
 */
export class VaultClient {
  private readonly target: RemoteTarget;

  constructor(
    private readonly server: VaultServer,
    private readonly options: {
      signal?: AbortSignal;
      retryPolicy?: RetryPolicy;
    } = {},
  ) {
    this.target = { system: 'Vault', name: server.name };
  }

  /** The policy's HCL text, or `undefined` when there is no such policy. */
  async readPolicy(name: string): Promise<string | undefined> {
    const body = await this.lookup(
      `sys/policies/acl/${encodeURIComponent(name)}`,
    );
    const policy = (body?.data as { policy?: unknown } | undefined)?.policy;
    return body === undefined ? undefined : String(policy ?? '');
  }

  async writePolicy(name: string, policy: string): Promise<void> {
    await this.send(
      'PUT',
      `sys/policies/acl/${encodeURIComponent(name)}`,
      { policy },
      'the "create" or "update"',
    );
  }

  /** The Kubernetes auth role, or `undefined` when there is no such role. */
  async readKubernetesRole(name: string): Promise<VaultRole | undefined> {
    const body = await this.lookup(this.rolePath(name));
    return body === undefined ? undefined : ((body.data ?? {}) as VaultRole);
  }

  /**
   * Creates or replaces the role's fields we send (POST is how Vault writes;
   * it is idempotent, so a retry after a 5xx is safe). Returns Vault's
   * warnings, e.g. about a role without an audience.
   */
  async writeKubernetesRole(name: string, role: VaultRole): Promise<string[]> {
    const body = await this.send(
      'POST',
      this.rolePath(name),
      role,
      'the "create" or "update"',
      'Check serviceAccount, namespace, tokenTtl, tokenMaxTtl and audience in the template input.',
    );
    const warnings = (body as { warnings?: unknown } | undefined)?.warnings;
    return Array.isArray(warnings) ? warnings.map(String) : [];
  }

  /**
   * Whether a KV v2 secret exists, from its metadata: the secret's values
   * are never read, and a secret whose versions were deleted still counts.
   */
  async secretExists(path: string): Promise<boolean> {
    const body = await this.lookup(this.kvPath('metadata', path));
    return body !== undefined;
  }

  /**
   * Writes a KV v2 secret only if it does not exist yet (`cas: 0`), so an
   * existing secret is never overwritten: Vault's check-and-set refusal
   * means "already there" and reads `unchanged`.
   */
  async seedSecret(
    path: string,
    data: Record<string, string>,
  ): Promise<'created' | 'unchanged'> {
    const apiPath = this.kvPath('data', path);
    const response = await this.call('POST', apiPath, {
      options: { cas: 0 },
      data,
    });
    if (
      response.status === 400 &&
      vaultMessage(response.body)?.includes(CAS_MISMATCH)
    ) {
      return 'unchanged';
    }
    this.expectOk('POST', apiPath, response, 'the "create"');
    return 'created';
  }

  private rolePath(name: string) {
    return `auth/${encodePath(
      this.server.kubernetesAuthMount,
    )}/role/${encodeURIComponent(name)}`;
  }

  private kvPath(kind: 'data' | 'metadata', path: string) {
    return `${encodePath(this.server.kvMount)}/${kind}/${encodePath(path)}`;
  }

  /**
   * A GET whose 404 means "no such object" when Vault gives no reason
   * (`{"errors":[]}`). A 404 with a reason ("no handler for route …") means
   * the mount itself is missing, which is a configuration error.
   */
  private async lookup(
    apiPath: string,
  ): Promise<Record<string, unknown> | undefined> {
    const response = await this.call('GET', apiPath);
    if (response.status === 404 && !vaultMessage(response.body)) {
      return undefined;
    }
    return this.expectOk('GET', apiPath, response, 'the "read"');
  }

  private async send(
    method: JsonRequest['method'],
    apiPath: string,
    body: unknown,
    capability: string,
    badRequestHint?: string,
  ) {
    const response = await this.call(method, apiPath, body);
    return this.expectOk(method, apiPath, response, capability, badRequestHint);
  }

  private call(method: JsonRequest['method'], apiPath: string, body?: unknown) {
    return requestJson(
      this.target,
      {
        method,
        url: `${this.server.address}/v1/${apiPath}`,
        headers: {
          'X-Vault-Token': this.server.token,
          ...(this.server.namespace
            ? { 'X-Vault-Namespace': this.server.namespace }
            : {}),
        },
        body,
        signal: this.options.signal,
      },
      this.options.retryPolicy ?? defaultRetryPolicy,
    );
  }

  private expectOk(
    method: string,
    apiPath: string,
    response: { status: number; body: unknown },
    capability: string,
    badRequestHint?: string,
  ): Record<string, unknown> | undefined {
    const body = okBody(this.target, `${method} /v1/${apiPath}`, response, {
      remoteMessage: vaultMessage,
      hint: status => this.hint(status, apiPath, capability, badRequestHint),
    });
    return body && typeof body === 'object'
      ? (body as Record<string, unknown>)
      : undefined;
  }

  private hint(
    status: number,
    apiPath: string,
    capability: string,
    badRequestHint?: string,
  ): string | undefined {
    const where = `Vault "${this.server.name}"`;
    const namespace = this.server.namespace
      ? ` in namespace "${this.server.namespace}"`
      : '';
    if (status === 403) {
      // Vault answers 403 both for a token without the capability and for
      // an unknown or expired token; the former is the usual cause.
      return `The token configured for ${where} lacks ${capability} capability on "${decodeURIComponent(
        apiPath,
      )}"${namespace} in its policies (or it is invalid or expired); grant it, or configure another token.`;
    }
    if (status === 404 && apiPath.startsWith('auth/')) {
      return `Is the Kubernetes auth method enabled at "auth/${this.server.kubernetesAuthMount}"${namespace}? Check kubernetesAuthMount of ${where} in app-config.`;
    }
    if (status === 404 && !apiPath.startsWith('sys/')) {
      return `Is a KV version 2 secrets engine mounted at "${this.server.kvMount}"${namespace}? Check kvMount of ${where} in app-config.`;
    }
    if (status === 400) {
      return badRequestHint;
    }
    return undefined;
  }
}
