import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Register a new service on the production ArgoCD, syncing its Kubernetes manifests automatically.',
    example: yaml.stringify({
      steps: [
        {
          id: 'argocd',
          action: 'argocd:application:register',
          name: 'Register in ArgoCD',
          input: {
            instance: 'prod',
            name: 'orders-service',
            project: 'fulfilment',
            repoUrl: 'https://github.com/acme-freight/orders-service.git',
            path: 'k8s',
            targetRevision: 'main',
            destinationServer: 'https://kubernetes.default.svc',
            destinationNamespace: 'orders-service',
            owner: 'fulfilment-team',
          },
        },
      ],
    }),
  },
  {
    description:
      'Apps in any namespace: the Application lives in the team namespace, on a cluster registered by name, in a new project scoped to this repo.',
    example: yaml.stringify({
      steps: [
        {
          id: 'argocd',
          action: 'argocd:application:register',
          name: 'Register in ArgoCD',
          input: {
            instance: 'prod',
            name: '${{ parameters.name }}',
            appNamespace: 'team-payments',
            project: 'payments',
            createProject: true,
            repoUrl: '${{ steps.publish.output.remoteUrl }}',
            path: 'k8s',
            targetRevision: 'main',
            destinationName: 'eu-west-1',
            destinationNamespace: '${{ parameters.name }}',
            labels: { 'acme.io/tier': '1' },
          },
        },
      ],
    }),
  },
  {
    description:
      'Update an existing application to a new revision (upsert), with manual sync only.',
    example: yaml.stringify({
      steps: [
        {
          id: 'argocd',
          action: 'argocd:application:register',
          name: 'Point ArgoCD at the release tag',
          input: {
            instance: 'staging',
            name: 'storefront-web',
            repoUrl: 'https://github.com/acme-freight/storefront-web.git',
            path: 'deploy',
            targetRevision: 'v2.3.0',
            destinationServer: 'https://kubernetes.default.svc',
            destinationNamespace: 'storefront',
            automatedSync: false,
            upsert: true,
          },
        },
      ],
    }),
  },
];
