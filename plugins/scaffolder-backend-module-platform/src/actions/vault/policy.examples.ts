import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Give a new service of team "fulfilment-team" read access to its own secrets on the production Vault: policy "orders-service-read" (marked as written by Paved Road for that service and team) and a Kubernetes auth role bound to the service account "orders-service" in the namespace "orders-service".',
    example: yaml.stringify({
      steps: [
        {
          id: 'vault',
          action: 'vault:policy:write',
          name: 'Write the Vault policy',
          input: {
            server: 'prod',
            service: 'orders-service',
            owner: 'fulfilment-team',
          },
        },
      ],
    }),
  },
  {
    description:
      'Name the service account, a namespace of the service (here a preview namespace "<service>-pr-<n>") and role from the wizard, shorten the token lifetime, require an audience, and seed placeholder secrets that are created only if missing (an existing secret is never overwritten).',
    example: yaml.stringify({
      steps: [
        {
          id: 'vault',
          action: 'vault:policy:write',
          name: 'Write the Vault policy and seed secrets',
          input: {
            server: 'prod',
            service: '${{ parameters.name }}',
            policyName: '${{ parameters.name }}-read',
            serviceAccount: '${{ parameters.name }}',
            namespace:
              '${{ parameters.name }}-pr-${{ parameters.pullRequest }}',
            roleName: 'payments-${{ parameters.name }}',
            tokenTtl: '15m',
            tokenMaxTtl: '4h',
            audience: 'vault',
            seedSecrets: {
              'database-password': 'change-me',
              'api-key': 'change-me',
            },
          },
        },
      ],
    }),
  },
  {
    description:
      'Use the outputs in a later step. In a dry run (the template editor) the same outputs are the plan: what would be created, updated or left unchanged, with nothing written.',
    example: yaml.stringify({
      steps: [
        {
          id: 'vault',
          action: 'vault:policy:write',
          name: 'Write the Vault policy',
          input: {
            server: 'staging',
            service: 'storefront-web',
          },
        },
        {
          id: 'log',
          action: 'debug:log',
          name: 'Show the Vault outcome',
          input: {
            message:
              'Policy ${{ steps.vault.output.policyName }} ${{ steps.vault.output.policyState }}, role ${{ steps.vault.output.roleName }} ${{ steps.vault.output.roleState }}, secrets under ${{ steps.vault.output.secretPath }}',
          },
        },
      ],
    }),
  },
];
