import { createValidatedOpenApiRouter } from '@backstage/backend-openapi-utils';
import { mockErrorHandler } from '@backstage/backend-test-utils';
import express from 'express';
import request from 'supertest';
import { openApiRouterOptions } from './openApiRouterOptions';

const spec = {
  openapi: '3.1.0',
  info: { title: 'test', version: '1' },
  paths: {
    '/items': {
      get: {
        operationId: 'ListItems',
        parameters: [
          { $ref: '#/components/parameters/scope' },
          {
            name: 'limit',
            in: 'query',
            schema: { type: 'integer', minimum: 1, maximum: 1000 },
          },
          {
            name: 'environment',
            in: 'query',
            'x-invalid-message': 'must be one environment name',
            schema: { type: 'string', minLength: 1, maxLength: 5 },
          },
          { name: 'pattern', in: 'query', schema: { type: 'string' } },
          { name: 'ref', in: 'query', schema: {} },
        ],
        responses: { '200': { description: 'ok' } },
      },
    },
    '/strict': {
      get: {
        operationId: 'Strict',
        'x-eov-allow-unknown-query-parameters': false,
        parameters: [
          {
            name: 'order',
            in: 'query',
            schema: { type: 'string', enum: ['asc', 'desc'] },
          },
        ],
        responses: { '200': { description: 'ok' } },
      },
    },
    '/notes': {
      post: {
        operationId: 'CreateNote',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: { text: { type: 'string' } },
                required: ['text'],
              },
            },
          },
        },
        responses: { '201': { description: 'created' } },
      },
    },
  },
  components: {
    parameters: {
      scope: {
        name: 'scope',
        in: 'query',
        schema: { type: 'string', enum: ['org', 'team', 'service'] },
      },
    },
  },
} as const;

async function app(options?: Parameters<typeof openApiRouterOptions>[1]) {
  const router = await createValidatedOpenApiRouter<typeof spec>(
    spec,
    openApiRouterOptions(spec, options),
  );
  const outer = express();
  outer.use(express.json());
  outer.use(router);
  // What the handlers were given, after the validator's coercion.
  router.get('/items', (req, res) => {
    res.json({ query: req.query });
  });
  router.get('/strict', (req, res) => {
    res.json({ query: req.query });
  });
  router.post('/notes', (req, res) => {
    res.status(201).json(req.body);
  });
  return outer.use(mockErrorHandler());
}

describe('openApiRouterOptions', () => {
  it.each([
    ['scope=galaxy', 'scope: must be one of org, team, service'],
    ['scope=', 'scope: must be one of org, team, service'],
    ['scope=org&scope=team', 'scope: must be one of org, team, service'],
    ['limit=0', 'limit: must be an integer from 1 to 1000'],
    ['limit=1001', 'limit: must be an integer from 1 to 1000'],
    ['limit=ten', 'limit: must be an integer from 1 to 1000'],
    ['limit=1.5', 'limit: must be an integer from 1 to 1000'],
    ['limit=', 'limit: must be an integer from 1 to 1000'],
    ['environment=', 'environment: must be one environment name'],
    ['environment=toolong', 'environment: must be one environment name'],
    [
      'environment=a&environment=b',
      'environment: must be one environment name',
    ],
  ])('refuses ?%s with the message the spec gives', async (query, message) => {
    const res = await request(await app()).get(`/items?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual(
      expect.objectContaining({ name: 'InputError', message }),
    );
  });

  it('passes good values on, typed as the spec declares them', async () => {
    const res = await request(await app()).get(
      '/items?scope=team&limit=20&environment=prod&ref=a&ref=b&unknown=1',
    );
    expect(res.status).toBe(200);
    expect(res.body.query).toEqual({
      scope: 'team',
      limit: 20,
      environment: 'prod',
      ref: ['a', 'b'],
      unknown: '1',
    });
  });

  it('says every refused parameter in one answer, after the prefix', async () => {
    const res = await request(
      await app({ refusalPrefix: 'Invalid query' }),
    ).get('/items?scope=galaxy&limit=0&environment=');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      'Invalid query: scope: must be one of org, team, service; limit: must be an integer from 1 to 1000; environment: must be one environment name',
    );
  });

  it('refuses an unknown parameter where the operation says so', async () => {
    const strict = await request(await app()).get('/strict?order=asc&sort=x');
    expect(strict.status).toBe(400);
    expect(strict.body.error.message).toBe('sort: unknown parameter');
    const known = await request(await app()).get('/strict?order=desc');
    expect(known.body.query).toEqual({ order: 'desc' });
  });

  it("gives the validator's words where the spec says nothing", async () => {
    const repeated = await request(await app()).get(
      '/items?pattern=a&pattern=b',
    );
    expect(repeated.status).toBe(400);
    expect(repeated.body.error.message).toBe('pattern: must be string');

    const body = await request(await app())
      .post('/notes')
      .send({ words: 'no text' });
    expect(body.status).toBe(400);
    expect(body.body.error.message).toMatch(
      /must have required property 'text'/,
    );
  });

  it('leaves the ignored paths alone', async () => {
    const res = await request(
      await app({ ignorePaths: path => path.endsWith('/items') }),
    ).get('/items?scope=galaxy&limit=ten');
    expect(res.status).toBe(200);
    expect(res.body.query).toEqual({ scope: 'galaxy', limit: 'ten' });
  });
});
