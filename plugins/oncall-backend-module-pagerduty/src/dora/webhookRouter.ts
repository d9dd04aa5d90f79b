import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  AuthenticationError,
  InputError,
  ServiceUnavailableError,
} from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { IncidentForwarder } from './IncidentForwarder';
import { ServiceMap } from './ServiceMap';

/** Where PagerDuty delivers, under the on-call plugin: `/api/oncall/pagerduty/webhooks`. */
export const WEBHOOK_PATH = '/pagerduty/webhooks';

/**
 * Whether `header` (`X-PagerDuty-Signature`: `v1=<hex>`, several
 * comma-separated while PagerDuty rotates the secret) holds the HMAC-SHA256
 * of the exact bytes received, keyed with `secret`.
 */
export function verifyPagerDutySignature(
  secret: string,
  rawBody: Buffer,
  header: string,
): boolean {
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return header.split(',').some(part => {
    const match = /^v1=([0-9a-f]{64})$/i.exec(part.trim());
    return (
      match !== null && timingSafeEqual(Buffer.from(match[1], 'hex'), expected)
    );
  });
}

/**
 * PagerDuty's v3 webhooks: incident events become DORA incidents of the
 * Components that name the incident's service. The signature is checked
 * before anything is read; then the incident is read from PagerDuty as it
 * is now (see {@link IncidentForwarder}), so a delivery replayed, retried or
 * overtaken by a later one changes nothing. When PagerDuty cannot be asked,
 * 503: PagerDuty retries, and the scheduled reconciliation fills the rest.
 */
export function createWebhookRouter(options: {
  secret?: string;
  forwarder: IncidentForwarder;
  services: ServiceMap;
}): express.Router {
  const router = Router();
  router.post(
    WEBHOOK_PATH,
    // Any content type: the signature covers the raw bytes whatever they are.
    express.raw({ type: () => true, limit: '1mb' }),
    async (req, res) => {
      const { secret } = options;
      if (!secret) {
        throw new ServiceUnavailableError(
          'PagerDuty webhooks are not configured: set oncall.pagerduty.webhookSecret to the secret of the webhook subscription',
        );
      }
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const signature = req.get('x-pagerduty-signature');
      if (!signature) {
        throw new AuthenticationError(
          'Missing X-PagerDuty-Signature: deliveries must come from a PagerDuty v3 webhook subscription signed with oncall.pagerduty.webhookSecret',
        );
      }
      if (!verifyPagerDutySignature(secret, raw, signature)) {
        throw new AuthenticationError(
          'Invalid X-PagerDuty-Signature: the body is not signed with oncall.pagerduty.webhookSecret',
        );
      }
      let payload: any;
      try {
        payload = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new InputError('Body is not valid JSON');
      }
      const event = payload?.event;
      if (typeof event?.event_type !== 'string') {
        throw new InputError(
          'Body must be a v3 webhook payload: { "event": { "event_type", "resource_type", "data" } }',
        );
      }
      if (event.event_type === 'pagey.ping') {
        res.status(200).json({ status: 'pong' });
        return;
      }
      if (event.resource_type !== 'incident') {
        res
          .status(202)
          .json({ status: 'ignored', reason: `event ${event.event_type}` });
        return;
      }
      const incidentId = event.data?.id;
      const serviceId = event.data?.service?.id;
      if (typeof incidentId !== 'string' || typeof serviceId !== 'string') {
        throw new InputError(
          'An incident event needs event.data.id and event.data.service.id',
        );
      }
      if ((await options.services.componentsOf(serviceId)).length === 0) {
        res.status(202).json({
          status: 'ignored',
          reason: `no catalog Component annotated pagerduty.com/service-id: ${serviceId}`,
        });
        return;
      }
      const result = await options.forwarder.forward(incidentId);
      res
        .status(200)
        .json({ status: 'recorded', incident: incidentId, ...result });
    },
  );
  return router;
}
