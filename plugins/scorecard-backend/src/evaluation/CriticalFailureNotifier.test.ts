import { mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import http from 'http';
import { AddressInfo } from 'net';
import { HttpCriticalFailureNotifier } from './CriticalFailureNotifier';

describe('HttpCriticalFailureNotifier', () => {
  it('posts an entity notification to the notifications backend', async () => {
    const received: any[] = [];
    const app = express();
    app.use(express.json());
    app.post('/api/notifications', (req, res) => {
      received.push({ auth: req.headers.authorization, body: req.body });
      res.json([]);
    });
    const server = http.createServer(app);
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const notifier = new HttpCriticalFailureNotifier({
        discovery: {
          getBaseUrl: async () => `http://127.0.0.1:${port}/api/notifications`,
          getExternalBaseUrl: async () => '',
        },
        auth: mockServices.auth(),
        logger: mockServices.logger.mock(),
        appBaseUrl: 'https://portal.example',
      });
      await notifier.notify({
        entityRef: 'component:default/orders',
        owner: 'group:default/team-a',
        checkId: 'ci-passing',
        checkTitle: 'CI passes',
        reason: 'github.latestRun.conclusion is "failure"',
      });
      expect(received).toEqual([
        {
          auth: expect.stringMatching(/^Bearer /),
          body: {
            recipients: { type: 'entity', entityRef: 'group:default/team-a' },
            payload: expect.objectContaining({
              title: 'orders fails the critical check "CI passes"',
              link: 'https://portal.example/catalog/default/component/orders',
              severity: 'high',
            }),
          },
        },
      ]);
    } finally {
      server.close();
    }
  });

  it('logs rather than throws when the notifications backend is missing', async () => {
    const logger = mockServices.logger.mock();
    const notifier = new HttpCriticalFailureNotifier({
      discovery: {
        getBaseUrl: async () => 'http://127.0.0.1:1/api/notifications',
        getExternalBaseUrl: async () => '',
      },
      auth: mockServices.auth(),
      logger,
    });
    await expect(
      notifier.notify({
        entityRef: 'component:default/orders',
        owner: 'group:default/team-a',
        checkId: 'ci-passing',
        checkTitle: 'CI passes',
        reason: 'x',
      }),
    ).resolves.toBeUndefined();
    expect(logger.warn).toHaveBeenCalled();
  });
});
