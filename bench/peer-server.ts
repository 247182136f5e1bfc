/**
 * The peer of `bench:peer`: a bare node:http server that does for an answer only what any
 * server must — parse the request and its JSON body, wait as long as a group commit waits
 * (2 ms, the answer writer's maxDelayMs), reply with the same headers and the same shape of
 * JSON as Assay — and nothing else: no session, no checks, no database, no metrics.
 * Usage: node --import tsx bench/peer-server.ts PORT (prints "ready" when listening).
 */
import { createServer } from 'node:http';
import { REQUEST_ID_HEADER, SECURITY_HEADERS } from '../engine/http/rules.ts';

const port = Number(process.argv[2]);
let served = 0;
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (d: Buffer) => chunks.push(d));
  req.on('end', () => {
    const body = (chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {}) as { itemId?: string; clientSeq?: number };
    const id = String(++served);
    setTimeout(() => {
      const json = JSON.stringify({ ack: { itemId: body.itemId, clientSeq: body.clientSeq, status: 'stored' }, serverNow: Date.now(), remainingMs: 3_600_000 });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(json), [REQUEST_ID_HEADER]: id, ...SECURITY_HEADERS });
      res.end(json);
    }, 2);
  });
});
// As engine/server.ts: idle keep-alive connections are kept for 65 s.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.listen(port, '127.0.0.1', () => console.log('ready'));
