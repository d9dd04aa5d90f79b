/**
 * The platform CLI's building blocks, for the repository's own end-to-end
 * tests and benchmarks.
 *
 * @packageDocumentation
 */
export * from './exitCodes';
