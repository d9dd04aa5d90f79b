import { DoubleResponse, HttpDouble, RecordedRequest } from './httpDouble';

type Json = Record<string, any>;

/** ArgoCD project patterns: "*" matches any run of characters, "/" included. */
function globMatches(pattern: string | undefined, value: string | undefined) {
  if (pattern === undefined || value === undefined) {
    return false;
  }
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/\*/g, '.*')}$`).test(value);
}

/** gRPC-gateway error bodies, as ArgoCD's API server writes them. */
function grpcError(
  status: number,
  code: number,
  message: string,
): DoubleResponse {
  return { status, body: { error: message, code, message } };
}
const notFound = (what: string, name: string) =>
  grpcError(404, 5, `${what}.argoproj.io "${name}" not found`);
const permissionDenied = () => grpcError(403, 7, 'permission denied');
const invalid = (message: string) => grpcError(400, 3, message);

/**
 * An in-memory ArgoCD API server (the parts of /api/v1 our action uses) that
 * answers like the real one: bearer tokens, 403 for a missing application
 * looked up without `project`, 404 with it, `validate` checks against the
 * project's source repos and destinations, "existing application spec is
 * different" without `upsert`, resourceVersion conflicts on update.
 */
export class ArgoCdDouble extends HttpDouble {
  readonly applications = new Map<string, Json>();
  readonly projects = new Map<string, Json>();
  /** When true, every call answers 403 (a token without RBAC rights). */
  forbidden = false;
  private version = 1;

  constructor(readonly token = 'argocd-test-token') {
    super(request => this.route(request));
    // As a stock ArgoCD installs it: every repository, every destination,
    // every cluster-scoped kind.
    this.projects.set('default', {
      metadata: { name: 'default', namespace: 'argocd', resourceVersion: '1' },
      spec: {
        sourceRepos: ['*'],
        destinations: [{ server: '*', namespace: '*' }],
        clusterResourceWhitelist: [{ group: '*', kind: '*' }],
      },
    });
  }

  private appKey(namespace: string | null | undefined, name: string) {
    return `${namespace || 'argocd'}/${name}`;
  }

  private route(
    request: RecordedRequest & { headers: Record<string, any> },
  ): DoubleResponse {
    // The UI page an output link points at: the application as JSON (the
    // real UI would ask for a login; a stand-in has nothing to protect).
    const uiPage = request.path.match(/^\/applications\/(?:[^/]+\/)?([^/]+)$/);
    if (request.method === 'GET' && uiPage) {
      const app = [...this.applications.values()].find(
        a => a.metadata.name === uiPage[1],
      );
      return app
        ? { status: 200, body: app }
        : notFound('applications', uiPage[1]);
    }
    if (request.headers.authorization !== `Bearer ${this.token}`) {
      return grpcError(401, 16, 'invalid session: token signature is invalid');
    }
    if (this.forbidden) {
      return permissionDenied();
    }
    const appMatch = request.path.match(
      /^\/api\/v1\/applications(?:\/([^/]+))?$/,
    );
    if (appMatch) {
      return this.applicationsRoute(request, appMatch[1]);
    }
    const projectMatch = request.path.match(
      /^\/api\/v1\/projects(?:\/([^/]+))?$/,
    );
    if (projectMatch) {
      return this.projectsRoute(request, projectMatch[1]);
    }
    return { status: 404, body: '404 page not found' };
  }

  private applicationsRoute(
    request: RecordedRequest,
    name?: string,
  ): DoubleResponse {
    const appNamespace = request.query.get('appNamespace');
    if (request.method === 'GET' && name) {
      const app = this.applications.get(this.appKey(appNamespace, name));
      const project = request.query.get('project');
      if (!app) {
        // Without a project ArgoCD cannot tell "missing" from "not allowed".
        return project ? notFound('applications', name) : permissionDenied();
      }
      if (project && app.spec.project !== project) {
        return permissionDenied();
      }
      return { status: 200, body: app };
    }
    if (request.method === 'POST' && !name) {
      return this.create(request.body as Json, request.query);
    }
    if (request.method === 'PUT' && name) {
      return this.update(name, request.body as Json, request.query);
    }
    return grpcError(501, 12, 'Method Not Allowed');
  }

  private validate(app: Json): DoubleResponse | undefined {
    const project = this.projects.get(app.spec?.project);
    if (!project) {
      return invalid(
        `application references project ${app.spec?.project} which does not exist`,
      );
    }
    const repo = app.spec?.source?.repoURL ?? '';
    if (!project.spec.sourceRepos.some((p: string) => globMatches(p, repo))) {
      return invalid(
        `application repo ${repo} is not permitted in project '${app.spec.project}'`,
      );
    }
    const dest = app.spec?.destination ?? {};
    const allowed = project.spec.destinations.some(
      (d: Json) =>
        globMatches(d.namespace ?? '', dest.namespace ?? '') &&
        (dest.server
          ? d.server !== undefined && globMatches(d.server, dest.server)
          : d.name !== undefined && globMatches(d.name, dest.name ?? '')),
    );
    if (!allowed) {
      return invalid(
        `application destination server '${
          dest.server ?? dest.name
        }' and namespace '${
          dest.namespace
        }' do not match any of the allowed destinations in project '${
          app.spec.project
        }'`,
      );
    }
    return undefined;
  }

  private create(app: Json, query: URLSearchParams): DoubleResponse {
    const name = app?.metadata?.name;
    if (!name || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name)) {
      return invalid(
        `Application.argoproj.io "${name}" is invalid: metadata.name: Invalid value`,
      );
    }
    if (query.get('validate') !== 'false') {
      const failure = this.validate(app);
      if (failure) {
        return failure;
      }
    }
    const key = this.appKey(app.metadata.namespace, name);
    const existing = this.applications.get(key);
    if (existing) {
      if (JSON.stringify(existing.spec) === JSON.stringify(app.spec)) {
        return { status: 200, body: existing };
      }
      if (query.get('upsert') !== 'true') {
        return invalid(
          'existing application spec is different; use upsert flag to force update',
        );
      }
    }
    const stored = this.store(key, app);
    return { status: 200, body: stored };
  }

  private update(
    name: string,
    app: Json,
    query: URLSearchParams,
  ): DoubleResponse {
    const key = this.appKey(
      app?.metadata?.namespace ?? query.get('appNamespace'),
      name,
    );
    const existing = this.applications.get(key);
    if (!existing) {
      return notFound('applications', name);
    }
    const sentVersion = app.metadata?.resourceVersion;
    if (sentVersion && sentVersion !== existing.metadata.resourceVersion) {
      return grpcError(
        409,
        10,
        `Operation cannot be fulfilled on applications.argoproj.io "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      );
    }
    if (query.get('validate') !== 'false') {
      const failure = this.validate(app);
      if (failure) {
        return failure;
      }
    }
    return { status: 200, body: this.store(key, app) };
  }

  private store(key: string, app: Json) {
    const stored = {
      ...app,
      metadata: {
        ...app.metadata,
        namespace: app.metadata.namespace ?? 'argocd',
        resourceVersion: String(++this.version),
        uid: `uid-${key}`,
      },
      status: { sync: { status: 'OutOfSync' }, health: { status: 'Missing' } },
    };
    this.applications.set(key, stored);
    return stored;
  }

  private projectsRoute(
    request: RecordedRequest,
    name?: string,
  ): DoubleResponse {
    if (request.method === 'GET' && name) {
      const project = this.projects.get(name);
      return project
        ? { status: 200, body: project }
        : notFound('appprojects', name);
    }
    if (request.method === 'GET') {
      return {
        status: 200,
        body: { metadata: {}, items: [...this.projects.values()] },
      };
    }
    if (request.method === 'PUT' && name) {
      return this.updateProject(name, (request.body as Json)?.project);
    }
    if (request.method === 'POST' && !name) {
      const project = (request.body as Json)?.project;
      const projectName = project?.metadata?.name;
      if (!projectName) {
        return invalid('project name is required');
      }
      const existing = this.projects.get(projectName);
      if (existing && (request.body as Json).upsert !== true) {
        if (JSON.stringify(existing.spec) === JSON.stringify(project.spec)) {
          return { status: 200, body: existing };
        }
        return invalid(
          'existing project spec is different, use upsert flag to force update',
        );
      }
      return { status: 200, body: this.storeProject(project) };
    }
    return grpcError(501, 12, 'Method Not Allowed');
  }

  private updateProject(name: string, project: Json): DoubleResponse {
    const existing = this.projects.get(name);
    if (!existing) {
      return notFound('appprojects', name);
    }
    if (project?.metadata?.name !== name) {
      return invalid(
        `project name in path (${name}) does not match the body (${project?.metadata?.name})`,
      );
    }
    const sentVersion = project.metadata.resourceVersion;
    if (sentVersion && sentVersion !== existing.metadata.resourceVersion) {
      return grpcError(
        409,
        10,
        `Operation cannot be fulfilled on appprojects.argoproj.io "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      );
    }
    return { status: 200, body: this.storeProject(project) };
  }

  private storeProject(project: Json) {
    const stored = {
      ...project,
      metadata: {
        ...project.metadata,
        namespace: 'argocd',
        resourceVersion: String(++this.version),
      },
    };
    this.projects.set(project.metadata.name, stored);
    return stored;
  }
}
