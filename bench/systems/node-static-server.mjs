// The least a Node.js HTTP server can do for a cached hit: `node:http` answering one in-memory
// buffer with the headers a rendition carries, no routing, no lookups, one worker per process as
// Pictor runs. What Pictor's hit path costs above Node itself is its distance from this row.
// Usage: node node-static-server.mjs <port> <file> <content-type> <workers>
import cluster from 'node:cluster';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';

const [port, file, contentType, workers] = process.argv.slice(2);

if (cluster.isPrimary && Number(workers) > 1) {
  for (let i = 0; i < Number(workers); i++) cluster.fork();
} else {
  const body = readFileSync(file);
  const headers = {
    'content-type': contentType,
    'content-length': String(body.length),
    etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"`,
    'cache-control': 'public, max-age=86400, stale-while-revalidate=7200',
    vary: 'Accept',
    'access-control-allow-origin': '*',
  };
  http.createServer((request, response) => {
    response.writeHead(200, headers);
    response.end(request.method === 'HEAD' ? undefined : body);
  }).listen(Number(port), '127.0.0.1');
}
