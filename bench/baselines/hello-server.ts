import { createServer } from 'node:http';

/**
 * The floor of the comparison: a bare node:http server that reads the request body and answers a small JSON, with
 * no framework, validation or I/O. The bench runs it as a child process, like the gateway, under the same generator.
 */
const BODY = JSON.stringify({ bookingId: '00000000-0000-4000-8000-000000000000', status: 'PENDING' });

const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(request.method === 'POST' ? 202 : 200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) });
    response.end(BODY);
  });
});
// Fastify's (and so the gateway's) keep-alive timeout, so idle pauses between phases close no more connections here.
server.keepAliveTimeout = 72_000;
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
