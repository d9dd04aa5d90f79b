import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

const argocdInput = {
  instance: '${{ parameters.environment }}',
  name: '${{ parameters.name }}',
  repoUrl:
    '${{ environment.parameters.gitBaseUrl }}/${{ parameters.name }}.git',
  path: 'k8s',
  targetRevision: 'main',
  destinationServer: 'https://kubernetes.default.svc',
  destinationNamespace: '${{ parameters.name }}',
  owner: "${{ parameters.owner | parseEntityRef | pick('name') }}",
};

export const examples: TemplateExample[] = [
  {
    description:
      'Check the ArgoCD application and the namespace of a new service before publishing anything: a reserved name, a team the user is not in, or an existing application that differs stops the run here, with nothing written.',
    example: yaml.stringify({
      steps: [
        {
          id: 'preflight',
          action: 'paved-road:preflight',
          name: 'Check every step before writing',
          input: {
            steps: [
              { action: 'argocd:application:register', input: argocdInput },
              {
                action: 'kubernetes:namespace:provision',
                input: {
                  cluster: '${{ parameters.environment }}',
                  namespace: '${{ parameters.name }}',
                  owner:
                    "${{ parameters.owner | parseEntityRef | pick('name') }}",
                },
              },
            ],
          },
        },
      ],
    }),
  },
];
