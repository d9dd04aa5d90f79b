import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { createService, Service } from './server';

describe('service', () => {
  let service: Service;
  let baseUrl: string;

  before(async () => {
    service = createService({ logger: pino({ level: 'silent' }) });
    await new Promise<void>(resolve =>
      service.server.listen(0, '127.0.0.1', resolve),
    );
    const { port } = service.server.address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}`;
  });

  after(async () => {
    service.server.closeAllConnections();
    await new Promise(resolve => service.server.close(resolve));
  });

  it('is live', async () => {
    const res = await fetch(`${baseUrl}/healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
  });

  it('is ready only when told so', async () => {
    assert.equal((await fetch(`${baseUrl}/readyz`)).status, 503);
    service.setReady(true);
    assert.equal((await fetch(`${baseUrl}/readyz`)).status, 200);
    service.setReady(false);
    assert.equal((await fetch(`${baseUrl}/readyz`)).status, 503);
  });

  it('greets', async () => {
    const res = await fetch(`${baseUrl}/api/hello?name=Ada`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { message: 'Hello, Ada!' });
  });

  it('rejects a name that is too long', async () => {
    const res = await fetch(`${baseUrl}/api/hello?name=${'x'.repeat(101)}`);
    assert.equal(res.status, 400);
  });

  it('answers unknown routes and methods with JSON errors', async () => {
    assert.equal((await fetch(`${baseUrl}/nope`)).status, 404);
    const res = await fetch(`${baseUrl}/api/hello`, { method: 'POST' });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'GET, HEAD');
  });

  it('counts requests by route in Prometheus format', async () => {
    await fetch(`${baseUrl}/api/hello`);
    await fetch(`${baseUrl}/does-not-exist`);
    const res = await fetch(`${baseUrl}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
    const body = await res.text();
    assert.match(
      body,
      /http_requests_total\{method="GET",route="\/api\/hello",status_code="200"\} \d+/,
    );
    // Unknown paths share one label value, so scanners cannot explode the series count.
    assert.match(body, /route="unmatched",status_code="404"/);
    assert.doesNotMatch(body, /does-not-exist/);
    assert.match(body, /http_request_duration_seconds_bucket/);
    assert.match(body, /process_cpu_user_seconds_total/);
  });
});
