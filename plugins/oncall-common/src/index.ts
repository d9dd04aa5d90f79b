/**
 * Types and permissions shared by the on-call card, the on-call backend and
 * the providers that answer for on-call sources (PagerDuty, the annotation).
 *
 * @packageDocumentation
 */

export * from './types';
export * from './annotations';
export * from './permissions';
