import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Publish the generated service and register its catalog-info.yaml.',
    example: yaml.stringify({
      steps: [
        {
          id: 'publish',
          action: 'git:repository:publish',
          name: 'Publish the repository',
          input: {
            name: '${{ parameters.name }}',
            description: '${{ parameters.description }}',
            defaultBranch: 'main',
          },
        },
        {
          id: 'register',
          action: 'catalog:location:register',
          name: 'Register in the catalog',
          input: {
            target: '${{ steps.publish.output.catalogInfoTarget }}',
            type: '${{ steps.publish.output.catalogInfoType }}',
          },
        },
      ],
    }),
  },
];
