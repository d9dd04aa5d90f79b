/**
 * The platform CLI's building blocks, for the repository's own end-to-end
 * tests and benchmarks.
 *
 * @packageDocumentation
 */
export * from './exitCodes';
export { formatProblem } from './templates/problems';
export type { Problem } from './templates/problems';
export { lintTemplate, outlineTemplate } from './templates/lint';
export type {
  LintOptions,
  TemplateAction,
  TemplateOutline,
} from './templates/lint';
export { checkTemplate, fetchActions, stepOfMessage } from './templates/check';
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
export { PortalClient, CliError } from './portal/PortalClient';
