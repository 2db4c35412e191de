// A loopback HTTP receiver for webhook-like notifications: records every request's path and JSON body and
// answers 200, so a suite can say what reached whom.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  body: {
    event?: string;
    breach?: { number?: string };
    request?: { id?: string };
    reminder?: string;
    message?: { subject?: string; text?: string };
  };
}

/** A loopback HTTP receiver that records every request and answers 200. */
export function receiver() {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(body || '{}') as Received['body'] });
      res.writeHead(200).end('ok');
    });
  });
  return {
    received,
    start: () =>
      new Promise<string>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
      ),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
