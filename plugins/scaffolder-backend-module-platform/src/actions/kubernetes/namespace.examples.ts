import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Provision the permanent namespace of a new service for its owning team, with medium quotas.',
    example: yaml.stringify({
      steps: [
        {
          id: 'namespace',
          action: 'kubernetes:namespace:provision',
          name: 'Provision the namespace',
          input: {
            cluster: 'prod',
            namespace: 'orders-service',
            owner: 'fulfilment-team',
            ownerGroup: 'acme:fulfilment-team',
            size: 'medium',
            labels: { 'app.kubernetes.io/part-of': 'order-management' },
          },
        },
      ],
    }),
  },
  {
    description:
      'An ephemeral environment for a pull request: a small namespace that the scheduled sweep deletes after three days.',
    example: yaml.stringify({
      steps: [
        {
          id: 'preview',
          action: 'kubernetes:namespace:provision',
          name: 'Provision the preview namespace',
          input: {
            cluster: 'dev',
            namespace:
              '${{ parameters.service }}-pr-${{ parameters.pullRequest }}',
            owner: '${{ parameters.owner | parseEntityRef | pick("name") }}',
            size: 'small',
            ttl: '72h',
          },
        },
      ],
    }),
  },
];
