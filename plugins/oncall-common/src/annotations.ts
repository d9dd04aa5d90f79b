/**
 * Who is on call for a component when no on-call source knows it: a User
 * ref, `user:default/marco-rossi`, or a bare name, `marco-rossi` (kind
 * `user` and namespace `default` are then assumed).
 *
 * @public
 */
export const ANNOTATION_ON_CALL = 'paved-road.io/on-call';

/**
 * The PagerDuty service a component is paged through, e.g. `PORD7X2`.
 *
 * @public
 */
export const ANNOTATION_PAGERDUTY_SERVICE_ID = 'pagerduty.com/service-id';
