import { ArgoCdInstance } from '../../lib/targets';
import {
  JsonRequest,
  RemoteTarget,
  RetryPolicy,
  defaultRetryPolicy,
  okBody,
  requestJson,
} from '../../lib/remote';

export type ArgoCdObject = {
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    finalizers?: string[];
    resourceVersion?: string;
  } & Record<string, unknown>;
  spec: Record<string, any>;
} & Record<string, unknown>;

/** ArgoCD's gRPC-gateway errors carry `message` (and `error`) next to a gRPC code. */
function argoMessage(body: unknown): string | undefined {
  if (body && typeof body === 'object') {
    const { message, error } = body as { message?: string; error?: string };
    return message ?? error;
  }
  return typeof body === 'string' && body ? body : undefined;
}

/**
 * The slice of ArgoCD's REST API (/api/v1) the registration action needs,
 * over fetch with a bearer token. Lookups return `undefined` for a missing
 * object; every other refusal becomes an error naming the instance.
 */
export class ArgoCdClient {
  private readonly target: RemoteTarget;

  constructor(
    private readonly instance: ArgoCdInstance,
    private readonly options: {
      signal?: AbortSignal;
      retryPolicy?: RetryPolicy;
    } = {},
  ) {
    this.target = { system: 'ArgoCD', name: instance.name };
  }

  /**
   * Looks an application up. `project` must be given: without it ArgoCD
   * answers 403 for a missing application, indistinguishable from a real
   * permission problem.
   */
  async getApplication(
    name: string,
    project: string,
    appNamespace?: string,
  ): Promise<ArgoCdObject | undefined> {
    const query = new URLSearchParams({ project });
    if (appNamespace) {
      query.set('appNamespace', appNamespace);
    }
    return this.lookup(
      `/api/v1/applications/${encodeURIComponent(name)}?${query}`,
    );
  }

  async createApplication(app: ArgoCdObject): Promise<ArgoCdObject> {
    // upsert=false: an existing, different application must never be
    // overwritten by a create; validate=true: ArgoCD checks the project.
    return this.send(
      'POST',
      '/api/v1/applications?upsert=false&validate=true',
      app,
      'Check the repository URL, destination and project in the template input.',
    );
  }

  async updateApplication(app: ArgoCdObject): Promise<ArgoCdObject> {
    const query = new URLSearchParams({
      validate: 'true',
      project: app.spec.project,
    });
    if (app.metadata.namespace) {
      query.set('appNamespace', app.metadata.namespace);
    }
    return this.send(
      'PUT',
      `/api/v1/applications/${encodeURIComponent(app.metadata.name)}?${query}`,
      app,
      'Check the repository URL, destination and project in the template input.',
    );
  }

  async getProject(name: string): Promise<ArgoCdObject | undefined> {
    return this.lookup(`/api/v1/projects/${encodeURIComponent(name)}`);
  }

  async createProject(project: ArgoCdObject): Promise<ArgoCdObject> {
    return this.send('POST', '/api/v1/projects', { project, upsert: false });
  }

  /** Every project on the instance (the API's AppProjectList). */
  async listProjects(): Promise<ArgoCdObject[]> {
    const list = (await this.send('GET', '/api/v1/projects', undefined)) as {
      items?: ArgoCdObject[] | null;
    };
    return list.items ?? [];
  }

  /** Replaces a project; its resourceVersion makes a concurrent change a 409. */
  async updateProject(project: ArgoCdObject): Promise<ArgoCdObject> {
    return this.send(
      'PUT',
      `/api/v1/projects/${encodeURIComponent(project.metadata.name)}`,
      { project },
    );
  }

  private async lookup(path: string): Promise<ArgoCdObject | undefined> {
    const response = await this.call({ method: 'GET', path });
    if (response.status === 404) {
      return undefined;
    }
    return this.expectOk('GET', path, response);
  }

  private async send(
    method: JsonRequest['method'],
    path: string,
    body: unknown,
    hint?: string,
  ): Promise<ArgoCdObject> {
    const response = await this.call({ method, path, body });
    return this.expectOk(method, path, response, hint);
  }

  private call(request: {
    method: JsonRequest['method'];
    path: string;
    body?: unknown;
  }) {
    return requestJson(
      this.target,
      {
        method: request.method,
        url: `${this.instance.url}${request.path}`,
        headers: { Authorization: `Bearer ${this.instance.token}` },
        body: request.body,
        signal: this.options.signal,
      },
      this.options.retryPolicy ?? defaultRetryPolicy,
    );
  }

  private expectOk(
    method: string,
    path: string,
    response: { status: number; body: unknown },
    hint?: string,
  ): ArgoCdObject {
    return okBody(this.target, `${method} ${path.split('?')[0]}`, response, {
      remoteMessage: argoMessage,
      hint: status => (status === 400 ? hint : undefined),
    }) as ArgoCdObject;
  }
}
