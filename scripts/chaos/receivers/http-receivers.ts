// The HTTP receivers: a webhook endpoint (Vigil's signed JSON), a Slack-like incoming webhook (Block
// Kit JSON) and a Twilio-like Messages/Calls API (form posts with basic auth, answered in Twilio's
// JSON shape with a `sid`). Each records every request when it ends: when it began, what it carried,
// who sent it, and whether the answer reached the sender (see records.ts, Delivery).
import http from 'node:http';
import type { Socket } from 'node:net';
import type { Random } from '../random.js';
import type { Delivery } from '../records.js';
import type { ReceiverMode } from '../schedule.js';
import type { DeliveryLog } from './delivery-log.js';
import { bundledCount, carriedIds, incidentIdsOf, incidentTitlesOf } from './message-ids.js';
import type { ReceiverModes } from './modes.js';

export type HttpReceiverName = 'webhook' | 'slack' | 'sms';

export interface HttpReceiverDeps {
  log: DeliveryLog;
  modes: ReceiverModes;
  /** The pid of the process on the other end of a connection from `clientPort`, if it can be told. */
  senderOf: (clientPort: number | undefined, serverPort: number) => number | null;
  /** The Twilio-like receiver's account: the sid in its paths and the basic-auth password. */
  twilio: { sid: string; token: string };
  random: Random;
}

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

const BODY_LIMIT = 4 * 1024 * 1024;

const unescapeSlack = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= BODY_LIMIT) chunks.push(chunk);
    });
    const done = () => resolve(Buffer.concat(chunks).toString('utf8'));
    req.on('end', done);
    req.on('close', done);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** What the request carried, by receiver: destination, subject and the JSON body ids are read from. */
function readMessage(name: HttpReceiverName, req: http.IncomingMessage, text: string, port: number) {
  if (name === 'sms') {
    const form = new URLSearchParams(text);
    const body = form.get('Body') ?? form.get('Twiml') ?? '';
    return { destination: form.get('To') ?? '', subject: body.split('\n')[0] ?? '', json: undefined };
  }
  const json = parseJson(text) as Record<string, unknown> | undefined;
  const destination = `http://127.0.0.1:${port}${req.url ?? '/'}`;
  if (name === 'slack') return { destination, subject: unescapeSlack(String(json?.text ?? '')), json: undefined };
  const message = json?.message as { subject?: unknown } | undefined;
  return { destination, subject: typeof message?.subject === 'string' ? message.subject : '', json };
}

/** The answer a healthy receiver gives: Twilio's resource JSON, or a plain OK. */
function answer(name: HttpReceiverName, req: http.IncomingMessage, text: string, deps: HttpReceiverDeps) {
  if (name !== 'sms') return { status: 200, body: JSON.stringify({ ok: true }) };
  const calls = /\/Calls\.json$/.test(req.url ?? '');
  const form = new URLSearchParams(text);
  return {
    status: 201,
    body: JSON.stringify({
      sid: `${calls ? 'CA' : 'SM'}${deps.random.hex(32)}`,
      account_sid: deps.twilio.sid,
      to: form.get('To'),
      from: form.get('From'),
      status: 'queued',
      date_created: new Date().toUTCString(),
      uri: `${req.url?.replace(/\.json$/, '')}.json`,
    }),
  };
}

/** Whether a Twilio-like request names our account in its path and its basic auth. */
function twilioAllowed(req: http.IncomingMessage, deps: HttpReceiverDeps): boolean {
  const path = `/2010-04-01/Accounts/${deps.twilio.sid}/`;
  const auth = `Basic ${Buffer.from(`${deps.twilio.sid}:${deps.twilio.token}`).toString('base64')}`;
  return (req.url ?? '').startsWith(path) && header(req, 'authorization') === auth;
}

export function startHttpReceiver(name: HttpReceiverName, deps: HttpReceiverDeps): Promise<RunningServer> {
  const senders = new WeakMap<Socket, number | null>();
  let port = 0;
  const server = http.createServer((req, res) => {
    const arrivalMs = Date.now();
    const mode: ReceiverMode = deps.modes.current(name);
    void readBody(req).then((text) => {
      const { destination, subject, json } = readMessage(name, req, text, port);
      const ids = carriedIds({
        header: header(req, 'x-vigil-delivery'),
        listHeader: header(req, 'x-vigil-delivery-ids'),
        body: json,
      });
      const pages = incidentTitlesOf(json).filter((p) => p.event === 'page');
      deps.log.pagesArrived(pages.map((p) => ({ incidentId: p.id, title: p.title, arrivalMs })));
      const refused = name === 'sms' && !twilioAllowed(req, deps);
      res.on('close', () => {
        const outcome: Delivery['outcome'] = !res.writableFinished
          ? 'aborted'
          : res.statusCode >= 200 && res.statusCode < 300
            ? 'ok'
            : 'error';
        deps.log.record({
          receiver: name,
          destination,
          arrivalMs,
          endMs: Date.now(),
          outcome,
          mode,
          messageId: header(req, 'x-vigil-delivery') ?? null,
          carried: ids.carried,
          dedupKeys: Object.fromEntries(ids.dedupKeys),
          idSource: ids.source,
          bundled: bundledCount(subject, json),
          senderPid: senders.get(req.socket) ?? null,
          incidentIds: incidentIdsOf(json),
          subject,
        });
      });
      const reply = () => {
        if (res.destroyed) return;
        if (refused) res.writeHead(401, { 'content-type': 'application/json' }).end('{"code":20003}');
        else if (mode === 'error') res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"chaos"}');
        else {
          const { status, body } = answer(name, req, text, deps);
          res.writeHead(status, { 'content-type': 'application/json' }).end(body);
        }
      };
      const hold = deps.modes.holdMs(mode);
      if (hold > 0) setTimeout(reply, hold);
      else reply();
    });
  });
  server.on('connection', (socket: Socket) => senders.set(socket, deps.senderOf(socket.remotePort, port)));
  // A sender killed mid-request resets its connection: that request's end, not the harness's.
  server.on('clientError', (_error, socket) => socket.destroy());
  server.keepAliveTimeout = 10_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      port = typeof address === 'object' && address ? address.port : 0;
      resolve({
        port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** A target for HTTP monitors that never misbehaves: GET anything answers 200. */
export function startMonitorTarget(): Promise<RunningServer> {
  const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : 0,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
