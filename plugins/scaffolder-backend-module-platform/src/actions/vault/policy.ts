import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { GoldenPathAccess } from '../../access/GoldenPathAccess';
import { stateFor, WriteLog } from '../../lib/outcome';
import { RetryPolicy } from '../../lib/remote';
import { ReservedNames } from '../../lib/reserved';
import { pickTarget, readVaultServers } from '../../lib/targets';
import {
  Zod,
  dns1123Label,
  matching,
  parseInput,
  targetName,
} from '../../lib/validation';
import { VaultClient } from './client';
import {
  PavedRoadMark,
  RESERVED_POLICIES,
  readMark,
  samePolicy,
  servicePolicy,
} from './hcl';
import { assertOwned, roleMark } from './ownership';
import { examples } from './policy.examples';
import {
  DURATION,
  desiredRole,
  durationSeconds,
  roleDifferences,
} from './role';

/**
 * A Vault policy or role name: one path segment, lowercase (Vault lowercases
 * policy names), no "*", "+", "/", quote or "..", so it can neither widen a
 * policy nor escape its URL.
 */
const VAULT_NAME = /^[a-z0-9]([-_a-z0-9]*[a-z0-9])?$/;
const VAULT_NAME_MESSAGE =
  'must be 1-128 lowercase letters, digits, "-" or "_", starting and ending with a letter or digit (one Vault path segment)';
/** The key of a seeded secret: one segment of `<kv>/data/<service>/<key>`. */
const SECRET_KEY = /^[A-Za-z0-9]([-_A-Za-z0-9]*[A-Za-z0-9])?$/;
/** A token audience: a name or URL, never a quote, space or newline. */
const AUDIENCE = /^[A-Za-z0-9]([-A-Za-z0-9._:/]*[A-Za-z0-9])?$/;
const MAX_SECRETS = 50;

const ACTION_ID = 'vault:policy:write';

export const inputFields = {
  server: (z: Zod) => targetName(z, 'Vault server', 'pavedRoad.vault.servers'),
  service: (z: Zod) =>
    dns1123Label(z, 'service').describe(
      'Service name (RFC 1123 label, at most 63 chars); its secrets live under <kvMount>/data/<service>/.',
    ),
  owner: (z: Zod) =>
    dns1123Label(z, 'owner')
      .optional()
      .describe(
        'Owning team (catalog group name); the user who runs the task must be a member (or on the platform team). Without it, only the platform team may write. Recorded in the policy, so another team cannot re-bind it.',
      ),
  policyName: (z: Zod) =>
    matching(z, VAULT_NAME, `policyName ${VAULT_NAME_MESSAGE}`, 128)
      .optional()
      .describe('Name of the ACL policy (default "<service>-read").'),
  serviceAccount: (z: Zod) =>
    dns1123Label(z, 'serviceAccount')
      .optional()
      .describe(
        'Kubernetes service account the role binds (default: the service name).',
      ),
  namespace: (z: Zod) =>
    dns1123Label(z, 'namespace')
      .optional()
      .describe(
        'Kubernetes namespace of the service account: the service name (default) or one starting with "<service>-", e.g. the preview namespace "<service>-pr-42".',
      ),
  roleName: (z: Zod) =>
    matching(z, VAULT_NAME, `roleName ${VAULT_NAME_MESSAGE}`, 128)
      .optional()
      .describe(
        'Name of the Kubernetes auth role (default: the service name).',
      ),
  tokenTtl: (z: Zod) =>
    matching(
      z,
      DURATION,
      'tokenTtl must be a whole number of seconds, minutes or hours, e.g. "30m" or "1h"',
      12,
    )
      .optional()
      .describe('Lifetime of the tokens the role issues (default "1h").'),
  tokenMaxTtl: (z: Zod) =>
    matching(
      z,
      DURATION,
      'tokenMaxTtl must be a whole number of seconds, minutes or hours, e.g. "24h"',
      12,
    )
      .optional()
      .describe(
        'Longest lifetime of those tokens, renewals included (default "24h").',
      ),
  audience: (z: Zod) =>
    matching(
      z,
      AUDIENCE,
      'audience must be letters, digits, ".", "_", "-", ":" or "/", e.g. "vault"',
    )
      .optional()
      .describe(
        'Audience the service account token must carry (optional, recommended by Vault).',
      ),
  seedSecrets: (z: Zod) =>
    z
      .record(z.string(), z.string())
      .refine(
        secrets =>
          Object.keys(secrets).length <= MAX_SECRETS &&
          Object.keys(secrets).every(
            key => key.length <= 64 && SECRET_KEY.test(key),
          ),
        secrets => ({
          message: `keys must be 1-64 letters, digits, "-" or "_", starting and ending with a letter or digit, at most ${MAX_SECRETS} of them; not valid: ${
            Object.keys(secrets)
              .filter(key => !(key.length <= 64 && SECRET_KEY.test(key)))
              .map(key => JSON.stringify(key))
              .join(', ') || `${Object.keys(secrets).length} keys`
          }`,
        }),
      )
      .optional()
      .describe(
        'Placeholder secrets to create at <kvMount>/data/<service>/<key> as { value }, only when missing: an existing secret is never overwritten. Values are never logged or output.',
      ),
};

type SecretState = 'created' | 'unchanged';

export function createVaultPolicyAction(options: {
  config: Config;
  /** Who may write in a team's name (the permission framework). */
  access: GoldenPathAccess;
  /** Tests shorten the back-off; production keeps the default. */
  retryPolicy?: RetryPolicy;
}) {
  const servers = readVaultServers(options.config);
  const reserved = ReservedNames.fromConfig(options.config);

  return createTemplateAction({
    id: ACTION_ID,
    description:
      'Writes a least-privilege Vault ACL policy for a service (read its KV v2 secrets) and binds it to the service account through a Kubernetes auth role; optionally seeds placeholder secrets without overwriting. Idempotent: a re-run reports "unchanged". Never rewrites a policy or role that Paved Road did not write for the same service and team.',
    examples,
    supportsDryRun: true,
    schema: {
      input: inputFields,
      output: {
        policyName: z => z.string().describe('Name of the ACL policy'),
        roleName: z => z.string().describe('Name of the Kubernetes auth role'),
        secretPath: z =>
          z
            .string()
            .describe(
              'KV v2 path prefix of the service secrets, <kvMount>/data/<service>',
            ),
        policyState: z =>
          z
            .enum(['created', 'updated', 'unchanged'])
            .describe('What happened to the policy'),
        roleState: z =>
          z
            .enum(['created', 'updated', 'unchanged'])
            .describe('What happened to the role'),
        secretStates: z =>
          z
            .record(z.string(), z.enum(['created', 'unchanged']))
            .describe('What happened to each seeded secret, by key'),
      },
    },
    async handler(ctx) {
      const {
        server: serverName,
        service,
        owner,
        policyName = `${service}-read`,
        serviceAccount = service,
        namespace = service,
        roleName = service,
        tokenTtl = '1h',
        tokenMaxTtl = '24h',
        audience,
        seedSecrets = {},
      } = parseInput(ACTION_ID, inputFields, ctx.input);

      reserved.assertAllowed(namespace, 'namespace');
      // The role hands the service's secrets to whatever runs in the
      // namespace, so only the service's own namespaces qualify.
      if (namespace !== service && !namespace.startsWith(`${service}-`)) {
        throw new InputError(
          `namespace "${namespace}" is not a namespace of service "${service}": the Vault role may bind only "${service}" or a namespace starting with "${service}-", e.g. the preview namespace "${service}-pr-42".`,
        );
      }
      if (serviceAccount === 'default') {
        throw new InputError(
          'serviceAccount "default" is shared by every pod of the namespace that names no account of its own; give the service an account of its own, e.g. the service name.',
        );
      }
      if (RESERVED_POLICIES.includes(policyName)) {
        throw new InputError(
          `policyName "${policyName}" is built into Vault and would affect every token; choose a service-specific name such as "${service}-read".`,
        );
      }
      if (durationSeconds(tokenTtl)! > durationSeconds(tokenMaxTtl)!) {
        throw new InputError(
          `tokenTtl "${tokenTtl}" is longer than tokenMaxTtl "${tokenMaxTtl}"; Vault would cut every token short. Lower tokenTtl or raise tokenMaxTtl.`,
        );
      }
      await options.access.assertMayActFor(
        ctx,
        owner,
        `write the Vault policy of "${service}"`,
      );
      const vault = pickTarget(servers, serverName, 'Vault server');
      const mark: PavedRoadMark = owner ? { service, owner } : { service };
      const policy = servicePolicy(vault.kvMount, mark);
      const role = desiredRole({
        serviceAccount,
        namespace,
        policyName,
        tokenTtl,
        tokenMaxTtl,
        audience,
      });
      const secretPath = `${vault.kvMount}/data/${service}`;
      const rolePath = `auth/${vault.kubernetesAuthMount}/role/${roleName}`;
      const where = `Vault "${vault.name}"${
        vault.namespace ? ` (namespace "${vault.namespace}")` : ''
      }`;
      const client = new VaultClient(vault, {
        signal: ctx.signal,
        retryPolicy: options.retryPolicy,
      });

      // Read and compare everything first; only then decide what to write.
      // Ownership is checked here too, so a dry run refuses what a real run
      // would.
      const existingPolicy = await client.readPolicy(policyName);
      if (existingPolicy !== undefined) {
        assertOwned(readMark(existingPolicy), mark, {
          object: `Policy "${policyName}"`,
          where,
          field: 'policyName',
          unmarked: 'its text does not begin with "# Managed by Paved Road: …"',
        });
      }
      const policyState = stateFor(
        existingPolicy,
        existingPolicy !== undefined && samePolicy(existingPolicy, policy),
      );
      const existingRole = await client.readKubernetesRole(roleName);
      if (existingRole) {
        const found = await roleMark(existingRole, mark, name =>
          name === policyName
            ? Promise.resolve(existingPolicy)
            : client.readPolicy(name),
        );
        assertOwned(found, mark, {
          object: `Kubernetes auth role "${rolePath}"`,
          where,
          field: 'roleName',
          unmarked:
            'it binds no policy whose text begins with "# Managed by Paved Road: …"',
        });
      }
      const roleDiff = existingRole ? roleDifferences(role, existingRole) : [];
      const roleState = stateFor(existingRole, roleDiff.length === 0);
      const secretStates: Record<string, SecretState> = {};
      for (const key of Object.keys(seedSecrets).sort()) {
        secretStates[key] = (await client.secretExists(`${service}/${key}`))
          ? 'unchanged'
          : 'created';
      }

      const verb = ctx.isDryRun ? 'would be' : 'will be';
      if (policyState === 'updated') {
        ctx.logger.info(
          `Policy "${policyName}" on ${where} differs from the generated one; it ${verb} rewritten to read-only access to ${secretPath}/* and ${vault.kvMount}/metadata/${service}/*`,
        );
      }
      if (roleState === 'updated') {
        ctx.logger.info(
          `Kubernetes auth role "${rolePath}" on ${where} differs in ${roleDiff.join(
            ', ',
          )}; it ${verb} updated`,
        );
      }
      // Names and states only: seeded values never reach a log line.
      const summary = () => {
        const secrets = Object.entries(secretStates)
          .map(([key, state]) => `${key} ${state}`)
          .join(', ');
        return `policy "${policyName}" ${policyState}, role "${rolePath}" ${roleState}${
          secrets ? `, secrets under ${secretPath}: ${secrets}` : ''
        }`;
      };
      ctx.logger.info(
        `${
          ctx.isDryRun ? 'Dry run, nothing written. Plan' : 'Plan'
        } on ${where}: ${summary()}`,
      );
      if (ctx.isDryRun && policyState !== 'unchanged') {
        ctx.logger.info(`Policy "${policyName}" would be:\n${policy}`);
      }

      if (!ctx.isDryRun) {
        const writes = new WriteLog();
        // The policy first: the role refers to it by name.
        if (policyState !== 'unchanged') {
          await writes.run(`policy "${policyName}" (${policyState})`, () =>
            ctx.checkpoint({
              key: `vault.policy.v1:${vault.name}/${policyName}`,
              fn: async () => {
                await client.writePolicy(policyName, policy);
              },
            }),
          );
        }
        if (roleState !== 'unchanged') {
          await writes.run(`role "${rolePath}" (${roleState})`, () =>
            ctx.checkpoint({
              key: `vault.role.v1:${vault.name}/${vault.kubernetesAuthMount}/${roleName}`,
              fn: async () => {
                const warnings = await client.writeKubernetesRole(
                  roleName,
                  role,
                );
                for (const warning of warnings) {
                  ctx.logger.warn(
                    `${where} warned about role "${rolePath}": ${warning}`,
                  );
                }
              },
            }),
          );
        }
        for (const [key, state] of Object.entries(secretStates)) {
          if (state === 'created') {
            // cas: 0 inside seedSecret: if the secret appeared since the
            // read, Vault refuses and the state becomes "unchanged".
            secretStates[key] = await writes.run(`secret "${key}"`, () =>
              ctx.checkpoint({
                key: `vault.secret.v1:${vault.name}/${secretPath}/${key}`,
                fn: () =>
                  client.seedSecret(`${service}/${key}`, {
                    value: seedSecrets[key],
                  }),
              }),
            );
          }
        }
        ctx.logger.info(`Done on ${where}: ${summary()}`);
      }

      ctx.output('policyName', policyName);
      ctx.output('roleName', roleName);
      ctx.output('secretPath', secretPath);
      ctx.output('policyState', policyState);
      ctx.output('roleState', roleState);
      ctx.output('secretStates', secretStates);
    },
  });
}
