import { Config } from '@backstage/config';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { GoldenPathAccess } from '../../access/GoldenPathAccess';
import { differences } from '../../lib/compare';
import { GIT_REVISION, REPO_PATH } from '../../lib/names';
import {
  Zod,
  assertValidLabels,
  dns1123Label,
  matching,
  parseInput,
  targetName,
} from '../../lib/validation';
import { ObjectState, stateFor, WriteLog } from '../../lib/outcome';
import { RetryPolicy } from '../../lib/remote';
import { ReservedNames, assertNoReservedLabels } from '../../lib/reserved';
import { pickTarget, readArgoCdInstances } from '../../lib/targets';
import {
  applicationUiUrl,
  desiredApplication,
  desiredProject,
  projectRefusals,
} from './application';
import { ArgoCdClient, ArgoCdObject } from './client';
import { assertAllowedRepository, planTeamProject } from './teamProject';
import { examples } from './register.examples';

/** Git remotes ArgoCD can clone: https URLs or scp-style ssh. */
const REPO_URL =
  /^(https?:\/\/[A-Za-z0-9.-]+(:\d+)?\/[A-Za-z0-9._~/-]+|git@[A-Za-z0-9.-]+:[A-Za-z0-9._~/-]+)$/;
const SERVER_URL = /^https?:\/\/[A-Za-z0-9.-]+(:\d+)?(\/[A-Za-z0-9._~/-]*)?$/;
const CLUSTER_NAME = /^[A-Za-z0-9]([-A-Za-z0-9._]*[A-Za-z0-9])?$/;

/** The part of an Application we own; everything else is ArgoCD's. */
function managedFields(app: ArgoCdObject) {
  return {
    metadata: {
      labels: app.metadata.labels,
      finalizers: app.metadata.finalizers,
    },
    spec: app.spec,
  };
}

const ACTION_ID = 'argocd:application:register';

export const inputFields = {
  instance: (z: Zod) =>
    targetName(z, 'ArgoCD instance', 'pavedRoad.argocd.instances'),
  name: (z: Zod) =>
    dns1123Label(z, 'name').describe(
      'Application name (RFC 1123 label, at most 63 chars), usually the service name.',
    ),
  appNamespace: (z: Zod) =>
    dns1123Label(z, 'appNamespace')
      .optional()
      .describe(
        'Namespace the Application object lives in (ArgoCD "apps in any namespace"); omit for the control-plane namespace.',
      ),
  project: (z: Zod) =>
    dns1123Label(z, 'project')
      .optional()
      .describe(
        'ArgoCD project. Default: the owner team\'s project (named after the team), created or extended with this destination. Another project is for the platform team; "default" only where the instance allows it.',
      ),
  createProject: (z: Zod) =>
    z
      .boolean()
      .optional()
      .describe(
        "Create a project other than the team's, scoped to this repo and destination, when it does not exist (default false).",
      ),
  repoUrl: (z: Zod) =>
    matching(
      z,
      REPO_URL,
      'repoUrl must be an http(s):// URL or git@host:path, e.g. "https://github.com/acme/orders-service.git"',
    ).describe(
      'Git repository holding the manifests (https:// or git@host:path).',
    ),
  path: (z: Zod) =>
    matching(
      z,
      REPO_PATH,
      'path must be relative inside the repository, without ".." (e.g. "k8s/overlays/prod")',
    )
      .optional()
      .describe('Directory of the manifests in the repository (default ".").'),
  targetRevision: (z: Zod) =>
    matching(
      z,
      GIT_REVISION,
      'targetRevision must be a branch, tag or commit SHA (letters, digits, ".", "_", "/", "-")',
    ).describe(
      'Explicit branch, tag or commit to deploy, e.g. "main" (never left to HEAD implicitly).',
    ),
  destinationServer: (z: Zod) =>
    matching(
      z,
      SERVER_URL,
      'destinationServer must be the http(s) URL of a cluster API server',
    )
      .optional()
      .describe(
        'Destination cluster API URL, e.g. "https://kubernetes.default.svc". Give this or destinationName.',
      ),
  destinationName: (z: Zod) =>
    matching(
      z,
      CLUSTER_NAME,
      'destinationName must be a cluster name as registered in ArgoCD (letters, digits, "-", "_", ".")',
      253,
    )
      .optional()
      .describe(
        'Destination cluster name as registered in ArgoCD. Give this or destinationServer.',
      ),
  destinationNamespace: (z: Zod) =>
    dns1123Label(z, 'destinationNamespace').describe(
      'Namespace the application deploys into.',
    ),
  owner: (z: Zod) =>
    dns1123Label(z, 'owner')
      .optional()
      .describe(
        'Owning team, set as the paved-road.io/owner label; the user who runs the task must be a member (or on the platform team). Without it, only the platform team may register.',
      ),
  labels: (z: Zod) =>
    z
      .record(z.string(), z.string())
      .optional()
      .describe(
        'Extra labels on the Application (a map of Kubernetes labels).',
      ),
  automatedSync: (z: Zod) =>
    z
      .boolean()
      .optional()
      .describe('Sync automatically on every change (default true).'),
  prune: (z: Zod) =>
    z
      .boolean()
      .optional()
      .describe('Automated sync prunes removed resources (default true).'),
  selfHeal: (z: Zod) =>
    z
      .boolean()
      .optional()
      .describe('Automated sync reverts drift (default true).'),
  createNamespace: (z: Zod) =>
    z
      .boolean()
      .optional()
      .describe(
        'Let ArgoCD create the destination namespace (CreateNamespace=true; default true).',
      ),
  retryLimit: (z: Zod) =>
    z
      .number()
      .int()
      .min(0)
      .max(20)
      .optional()
      .describe('How often ArgoCD retries a failed sync, 0-20 (default 5).'),
  upsert: (z: Zod) =>
    z
      .boolean()
      .optional()
      .describe(
        'Update an existing application whose spec differs (default false: report the difference and stop).',
      ),
};

export function createArgoCdRegisterAction(options: {
  config: Config;
  /** Who may write in a team's name (the permission framework). */
  access: GoldenPathAccess;
  /** Tests shorten the back-off; production keeps the default. */
  retryPolicy?: RetryPolicy;
}) {
  const instances = readArgoCdInstances(options.config);
  const reserved = ReservedNames.fromConfig(options.config);
  const sourceRepos =
    options.config.getOptionalStringArray('pavedRoad.argocd.sourceRepos') ?? [];

  return createTemplateAction({
    id: ACTION_ID,
    description:
      'Creates or updates an ArgoCD Application (repo, path, revision, destination, project, sync policy) on a configured ArgoCD instance. Idempotent: a re-run reports "unchanged".',
    examples,
    supportsDryRun: true,
    schema: {
      input: inputFields,
      output: {
        appName: z => z.string().describe('Application name'),
        appNamespace: z =>
          z.string().optional().describe('Namespace of the Application object'),
        project: z => z.string().describe('ArgoCD project'),
        url: z => z.string().describe('Application page in the ArgoCD UI'),
        state: z =>
          z
            .enum(['created', 'updated', 'unchanged'])
            .describe('What happened to the application'),
        projectState: z =>
          z
            .enum(['created', 'updated', 'unchanged'])
            .describe('What happened to the project'),
      },
    },
    async handler(ctx) {
      const {
        instance: instanceName,
        name,
        appNamespace,
        project: projectInput,
        createProject = false,
        repoUrl,
        path = '.',
        targetRevision,
        destinationServer,
        destinationName,
        destinationNamespace,
        owner,
        labels = {},
        automatedSync = true,
        prune = true,
        selfHeal = true,
        createNamespace = true,
        retryLimit = 5,
        upsert = false,
      } = parseInput(ACTION_ID, inputFields, ctx.input);

      if (Boolean(destinationServer) === Boolean(destinationName)) {
        throw new InputError(
          'Give exactly one of destinationServer (cluster API URL) or destinationName (cluster name in ArgoCD).',
        );
      }
      reserved.assertAllowed(destinationNamespace, 'destinationNamespace');
      reserved.assertAllowed(appNamespace, 'appNamespace');
      assertValidLabels(labels);
      assertNoReservedLabels(labels);
      assertAllowedRepository(repoUrl, sourceRepos);
      await options.access.assertMayActFor(
        ctx,
        owner,
        `register ArgoCD application "${name}"`,
      );
      // Applications go into their team's project; any other project could
      // let the application reach what the team does not own.
      const project = projectInput ?? owner ?? 'default';
      const isTeamProject = owner !== undefined && project === owner;
      if (!isTeamProject) {
        await options.access.assertMayActFor(
          ctx,
          undefined,
          `put ArgoCD application "${name}" in project "${project}" (not the owner team's)`,
        );
      }
      const instance = pickTarget(instances, instanceName, 'ArgoCD instance');
      if (project === 'default' && !instance.allowDefaultProject) {
        throw new InputError(
          `Project "default" on ArgoCD "${instance.name}" permits every repository, destination and cluster-scoped kind, so Paved Road does not use it. Give the owner team (its project is created for it), or ask the platform team to set allowDefaultProject on this instance in pavedRoad.argocd.instances.`,
        );
      }
      const client = new ArgoCdClient(instance, {
        signal: ctx.signal,
        retryPolicy: options.retryPolicy,
      });
      const desired = desiredApplication({
        name,
        appNamespace,
        project,
        repoUrl,
        path,
        targetRevision,
        destination: {
          server: destinationServer,
          name: destinationName,
          namespace: destinationNamespace,
        },
        owner,
        labels,
        automated: automatedSync,
        prune,
        selfHeal,
        createNamespace,
        retryLimit,
      });
      const where = `ArgoCD "${instance.name}"`;

      // Read and compare first; only then decide what to write.
      const existingProject = await client.getProject(project);
      let projectState: ObjectState = 'unchanged';
      let projectToWrite: ArgoCdObject | undefined;
      if (isTeamProject) {
        ({ state: projectState, project: projectToWrite } = planTeamProject({
          owner: project,
          sourceRepos,
          destination: desired.spec.destination,
          existing: existingProject,
          allProjects: await client.listProjects(),
          where,
        }));
      } else if (existingProject) {
        const refusals = projectRefusals(existingProject, desired);
        if (refusals.length) {
          throw new InputError(
            `Project "${project}" on ${where} does not permit this application: ${refusals.join(
              '; ',
            )}. Ask the platform team to extend the project, or choose another project.`,
          );
        }
      } else if (!createProject) {
        throw new NotFoundError(
          `Project "${project}" does not exist on ${where}. Use an existing project or set createProject: true.`,
        );
      } else {
        projectState = 'created';
        projectToWrite = desiredProject(project, desired, owner);
      }

      const existing = await client.getApplication(name, project, appNamespace);
      const diff = existing
        ? differences(managedFields(desired), existing)
        : [];
      const state = stateFor(existing, diff.length === 0);
      if (state === 'updated' && !upsert) {
        throw new ConflictError(
          `Application "${name}" already exists on ${where} with a different ${diff.join(
            ', ',
          )}. Set upsert: true to update it, or pick another name.`,
        );
      }

      ctx.logger.info(
        `${
          ctx.isDryRun ? 'Dry run: would leave' : 'Plan:'
        } project "${project}" ${projectState}, application "${name}" ${state} on ${where}`,
      );
      if (!ctx.isDryRun) {
        const writes = new WriteLog();
        if (projectState !== 'unchanged') {
          await writes.run(`project "${project}" (${projectState})`, () =>
            ctx.checkpoint({
              key: `argocd.project.v1:${instance.name}/${project}/${destinationNamespace}`,
              fn: async () => {
                if (projectState === 'created') {
                  await client.createProject(projectToWrite!);
                } else {
                  await client.updateProject(projectToWrite!);
                }
              },
            }),
          );
        }
        if (state !== 'unchanged') {
          const key = `argocd.app.v1:${instance.name}/${
            appNamespace ?? ''
          }/${name}`;
          await writes.run(`application "${name}" (${state})`, () =>
            ctx.checkpoint({
              key,
              fn: async () => {
                if (state === 'created') {
                  await client.createApplication(desired);
                } else {
                  await client.updateApplication({
                    ...existing!,
                    metadata: {
                      ...existing!.metadata,
                      labels: {
                        ...existing!.metadata.labels,
                        ...desired.metadata.labels,
                      },
                      finalizers: desired.metadata.finalizers,
                    },
                    spec: desired.spec,
                  });
                }
              },
            }),
          );
        }
        ctx.logger.info(`Application "${name}" ${state} on ${where}`);
      }

      ctx.output('appName', name);
      if (appNamespace) {
        ctx.output('appNamespace', appNamespace);
      }
      ctx.output('project', project);
      ctx.output('url', applicationUiUrl(instance.uiUrl, name, appNamespace));
      ctx.output('state', state);
      ctx.output('projectState', projectState);
    },
  });
}
