/*
 * The `generate:spec` script of the backend plugins with an OpenAPI
 * contract (dora-backend, scorecard-backend): run in a plugin's directory
 * (or given it as the first argument), it writes
 * src/schema/openapi.generated.ts from src/schema/openapi.yaml: the spec as
 * a `const` object and `createOpenApiRouter`, typed from the spec by
 * @backstage/backend-openapi-utils. It is the file `backstage-repo-tools
 * schema openapi generate` wrote before the generator moved to the Java
 * openapi-generator (`package schema openapi generate --server`, each such
 * package's `generate` script), which downloads its jar from Maven Central:
 * where that can run, `yarn generate` replaces this file with
 * src/schema/openapi/generated/ (router, endpoint map and models) and
 * router.ts imports `../schema/openapi` instead.
 *
 * With `--models <dir>` (the plugin's -common package), it also writes
 * <dir>/src/schema/openapi.models.generated.ts, a type for each schema of
 * the spec (see src/testUtils/openapiModels.ts), and
 * <dir>/src/schema/openapi.client.generated.ts, `DefaultApiClient` with a
 * method per operation (see src/testUtils/openapiClient.ts).
 *
 * `repo schema openapi validate` and each package's
 * src/service/router.openapi.test.ts check that the files match the YAML.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { commonSchemaFiles } from '../src/testUtils/openapiClient';
import { generatedBanner } from '../src/testUtils/openapiModels';

const repoRoot = resolve(__dirname, '../../..');
const [dirArgument, modelsFlag, modelsArgument] = process.argv.slice(2);
const packageDir = resolve(dirArgument ?? process.cwd());
const yamlPath = resolve(packageDir, 'src/schema/openapi.yaml');
const tsPath = resolve(packageDir, 'src/schema/openapi.generated.ts');
const backendDir = relative(repoRoot, packageDir);
const command = `yarn --cwd ${backendDir} generate:spec`;

const spec = parse(readFileSync(yamlPath, 'utf8'));
writeFileSync(
  tsPath,
  `${generatedBanner(
    'src/schema/openapi.yaml',
    command,
  )}import { createValidatedOpenApiRouter } from '@backstage/backend-openapi-utils';

export const spec = ${JSON.stringify(spec, null, 2)} as const;
export const createOpenApiRouter = async (
  options?: Parameters<typeof createValidatedOpenApiRouter>['1'],
) => createValidatedOpenApiRouter<typeof spec>(spec, options);
`,
);
const written = [tsPath];
if (modelsFlag === '--models' && modelsArgument) {
  const schemaDir = resolve(packageDir, modelsArgument, 'src/schema');
  for (const [file, source] of commonSchemaFiles(spec, backendDir)) {
    const path = resolve(schemaDir, file);
    writeFileSync(path, source);
    written.push(path);
  }
}
const prettier = spawnSync(
  resolve(repoRoot, 'node_modules/.bin/prettier'),
  ['--write', ...written],
  { stdio: 'inherit' },
);
process.exit(prettier.status ?? 1);
