/**
 * The platform CLI's building blocks, for the repository's own end-to-end
 * tests and benchmarks.
 *
 * @packageDocumentation
 */
export * from './exitCodes';
export { run } from './program';
export { PortalClient, CliError } from './portal/PortalClient';
export type { PortalOptions } from './portal/PortalClient';
export { fetchActions } from './portal/scaffolder';
export type { TemplateAction } from './portal/scaffolder';
export { formatProblem } from './templates/problems';
export type { Problem } from './templates/problems';
export { lintTemplate, outlineTemplate } from './templates/lint';
export type { LintOptions, TemplateOutline } from './templates/lint';
export { checkTemplate, stepOfMessage } from './templates/check';
export type {
  TemplateCheckFile,
  TemplateCheckOptions,
  TemplateCheckResult,
} from './templates/check';
export {
  checkCatalogInfo,
  checkKubernetesManifests,
} from './templates/rendered';
export type { RenderedFiles } from './templates/rendered';
export { sampleValues } from './templates/sampleValues';
export {
  findTemplatesRoot,
  locateTemplate,
  templateDirs,
} from './templates/locate';
