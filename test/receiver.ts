// A loopback HTTP receiver for webhook-like notifications: records every request's path and body (JSON parsed;
// a form body, as a Twilio-compatible gateway gets, in `form`) and answers 200, so a suite can say what reached
// whom.
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
  /** The fields of an `application/x-www-form-urlencoded` body (SMS and calls); empty for JSON. */
  form: URLSearchParams;
}

/** A loopback HTTP receiver that records every request and answers 200. */
export function receiver() {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const isForm = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
      received.push({
        path: req.url ?? '',
        body: isForm ? {} : (JSON.parse(body || '{}') as Received['body']),
        form: new URLSearchParams(isForm ? body : ''),
      });
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
