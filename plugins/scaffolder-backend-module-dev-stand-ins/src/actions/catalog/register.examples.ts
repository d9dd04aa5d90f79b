import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Register the catalog-info.yaml of a repository published on GitHub.',
    example: yaml.stringify({
      steps: [
        {
          id: 'register',
          action: 'catalog:location:register',
          name: 'Register in the catalog',
          input: {
            target:
              'https://github.com/acme-freight/orders-service/blob/main/catalog-info.yaml',
          },
        },
      ],
    }),
  },
  {
    description: 'Register what git:repository:publish published locally.',
    example: yaml.stringify({
      steps: [
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
