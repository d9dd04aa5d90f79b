import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

/**
 * Serves the local repositories over git's "dumb HTTP" protocol: plain GETs
 * of files inside `<name>.git` (prepared by `git update-server-info`), so
 * `git clone http://127.0.0.1:<port>/git/<name>.git` works, and that URL
 * itself, opened in a browser, says how to clone. Read-only, and nothing
 * outside the directory is served.
 */
export async function startGitServer(
  directory: string,
  port: number,
): Promise<http.Server> {
  const root = path.resolve(directory);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://git');
    const relative = decodeURIComponent(url.pathname).replace(/^\/git\//, '');
    const file = path.resolve(root, relative);
    const inside = file.startsWith(`${root}${path.sep}`);
    // The repository's own URL, as the publish step's "Repository" link
    // gives it: a page for a person saying how to clone it.
    const repository = relative.match(/^([a-z0-9-]+)\.git\/?$/)?.[1];
    if (req.method === 'GET' && repository && fs.existsSync(file)) {
      const cloneUrl = `http://127.0.0.1:${port}/git/${repository}.git`;
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><title>${repository}</title><h1>${repository}</h1>` +
          `<p>A repository on the embedded default's local git server.</p>` +
          `<pre>git clone ${cloneUrl}</pre>`,
      );
      return;
    }
    if (
      req.method !== 'GET' ||
      !inside ||
      !/^[a-z0-9-]+\.git\//.test(relative) ||
      !fs.existsSync(file) ||
      !fs.statSync(file).isFile()
    ) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('Not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>(resolve => server.listen(port, '127.0.0.1', resolve));
  return server;
}
