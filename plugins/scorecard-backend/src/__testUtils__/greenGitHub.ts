import express from 'express';
import http from 'http';
import { AddressInfo } from 'net';

/**
 * GitHub's REST API on loopback: every repository exists and its latest
 * workflow run is green. `requests` holds the paths asked, to prove a
 * repository was never looked up.
 */
export async function startGreenGitHub() {
  const requests: string[] = [];
  const app = express();
  app.use((req, _res, next) => {
    requests.push(req.path);
    next();
  });
  app.get('/repos/:owner/:repo', (req, res) => {
    res.json({ name: req.params.repo, default_branch: 'main' });
  });
  app.get('/repos/:owner/:repo/actions/runs', (_req, res) => {
    res.json({
      total_count: 1,
      workflow_runs: [{ id: 1, status: 'completed', conclusion: 'success' }],
    });
  });
  const server = http.createServer(app);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, requests, baseUrl: `http://127.0.0.1:${port}` };
}
