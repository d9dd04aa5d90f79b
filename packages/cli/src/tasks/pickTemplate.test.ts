import { Entity } from '@backstage/catalog-model';
import { ExitCode } from '../exitCodes';
import { pickServiceTemplate, pickTemplateOfType } from './pickTemplate';

function template(name: string, tags: string[]): Entity {
  return {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name, namespace: 'default', tags },
    spec: { type: 'service' },
  };
}

const services = [
  template('go-service', ['recommended', 'go', 'service']),
  template('nodejs-service', [
    'recommended',
    'nodejs',
    'typescript',
    'service',
  ]),
];

describe('pickServiceTemplate', () => {
  it('picks the service template tagged with the language, in any case', () => {
    expect(pickServiceTemplate(services, 'Go').metadata.name).toBe(
      'go-service',
    );
    expect(pickServiceTemplate(services, 'typescript').metadata.name).toBe(
      'nodejs-service',
    );
  });

  it('refuses an unknown --language with exit 2, naming the templates and their tags', () => {
    expect(() => pickServiceTemplate(services, 'rust')).toThrow(
      expect.objectContaining({
        exitCode: ExitCode.BadInput,
        message:
          '--language rust: no service template is tagged "rust"; the service templates are go-service (tags: recommended, go, service); nodejs-service (tags: recommended, nodejs, typescript, service)',
      }),
    );
  });

  it('asks for --language when none is given', () => {
    expect(() => pickServiceTemplate(services, undefined)).toThrow(
      expect.objectContaining({
        exitCode: ExitCode.BadInput,
        message: expect.stringMatching(/^--language is required: /),
      }),
    );
  });

  it('breaks a tie with the recommended tag, and asks for --template when that does not', () => {
    const experimental = template('go-grpc-service', ['go', 'service']);
    expect(
      pickServiceTemplate([...services, experimental], 'go').metadata.name,
    ).toBe('go-service');
    expect(() =>
      pickTemplateOfType(
        [experimental, template('go-worker', ['go'])],
        'service',
      ),
    ).toThrow(/2 templates fit spec.type service: .*pick one with --template/);
  });
});
