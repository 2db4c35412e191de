// One behaviour suite for every delivery channel (issue 5). The same cases run against webhook,
// Slack, Teams and Mattermost (JSON over HTTP), SMS and voice (a Twilio-compatible gateway) and email
// (SMTP): delivered once in the channel's own format with the delivery id, temporary refusals
// retryable and permanent ones not, Retry-After passed on, a receiver that never answers or never
// finishes its answer cut off at the timeout, redirects not followed, and loopback refused by the SSRF
// guard unless the allowlist lets it through. A case runs for every channel it applies to (SMTP has
// no redirects, no Retry-After and no SSRF guard: its server is chosen by the admin, not a user).
//
// Peers are real: an HTTP receiver and an SMTP server on 127.0.0.1, reached through the allowlist
// (VIGIL_OUTBOUND_ALLOW=127.0.0.1/32) as an admin would let a local receiver through. Channels are
// built as createChannels builds them; cases about timeouts shorten the timeout the channel exposes.
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../src/clock.js';
import { ChannelError, type Channel, type ChannelKind, type OutboundMessage } from '../src/notify/channel.js';
import { createEmailChannel } from '../src/notify/channels/email.js';
import { createHttpChannels, defuseMentions } from '../src/notify/channels/http.js';
import { createChannels } from '../src/notify/channels/index.js';
import { createTwilioChannels } from '../src/notify/channels/twilio.js';
import { signatureHeader, verifySignature } from '../src/notify/signature.js';
import { guardedDispatcher, parseAllowlist, type Lookup } from '../src/net/index.js';

const ALLOW_LOOPBACK = '127.0.0.1/32';
/** The timeout cases' timeout (production: 5 s), and how late past it a send may settle on a busy machine. */
const SHORT_MS = 400;
const SLACK_MS = 2_500;
const FROM = '+15550000000';
const TWILIO_TOKEN = 'gateway-token-1';

// ---- the HTTP receiver -----------------------------------------------------------------------

interface Hit {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** How the receiver answers one path: a status (default 200), or never, or headers then a body that never ends. */
interface Plan {
  status?: number;
  headers?: Record<string, string>;
  silent?: true;
  trickle?: true;
}

function httpReceiver() {
  const hits: Hit[] = [];
  const plans = new Map<string, Plan>();
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const path = req.url ?? '';
      hits.push({ path, headers: req.headers, body });
      const plan = plans.get(path) ?? {};
      if (plan.silent) return; // holds the request until the client gives up
      res.writeHead(plan.status ?? 200, { 'content-type': 'text/plain', ...plan.headers });
      if (!plan.trickle) return void res.end((plan.status ?? 200) < 300 ? 'ok' : 'nope');
      // One byte every 100 ms, for ever: the status line came quickly, the body never finishes.
      res.write('.');
      const timer = setInterval(() => res.write('.'), 100);
      timers.add(timer);
      res.on('close', () => {
        clearInterval(timer);
        timers.delete(timer);
      });
    });
  });
  let port = 0;
  return {
    hits,
    at: (path: string) => hits.filter((h) => h.path === path),
    plan: (path: string, plan: Plan) => plans.set(path, plan),
    get port() {
      return port;
    },
    start: () =>
      new Promise<void>((resolve) =>
        server.listen(0, '127.0.0.1', () => {
          port = (server.address() as AddressInfo).port;
          resolve();
        }),
      ),
    stop: () => {
      for (const timer of timers) clearInterval(timer);
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// ---- the SMTP server ---------------------------------------------------------------------------

interface Mail {
  to: string[];
  raw: string;
}

/**
 * An SMTP server: refuses a recipient with the code planned for it, or stalls after DATA for 'stall'; records every
 * mail.
 */
function smtpReceiver() {
  const mails: Mail[] = [];
  const plans = new Map<string, number | 'stall'>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const plan = plans.get(address.address);
      if (typeof plan !== 'number') return callback();
      callback(Object.assign(new Error(`planned refusal ${plan}`), { responseCode: plan }));
    },
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString()));
      stream.on('end', () => {
        const to = session.envelope.rcptTo.map((r) => r.address);
        if (to.some((a) => plans.get(a) === 'stall')) return; // never says 250: the client must give up
        mails.push({ to, raw });
        callback();
      });
    },
  });
  let port = 0;
  return {
    mails,
    to: (address: string) => mails.filter((m) => m.to.includes(address)),
    plan: (address: string, plan: number | 'stall') => plans.set(address, plan),
    get port() {
      return port;
    },
    start: () =>
      new Promise<void>((resolve) =>
        server.listen(0, '127.0.0.1', () => {
          port = (server.server.address() as AddressInfo).port;
          resolve();
        }),
      ),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A TCP server that accepts and never says a word (no HTTP answer, no SMTP greeting). */
function blackHole() {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  let port = 0;
  return {
    get port() {
      return port;
    },
    start: () =>
      new Promise<void>((resolve) =>
        server.listen(0, '127.0.0.1', () => {
          port = (server.address() as AddressInfo).port;
          resolve();
        }),
      ),
    stop: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A loopback port nothing listens on (taken, then given back). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const web = httpReceiver();
const smtp = smtpReceiver();
const hole = blackHole();

beforeAll(async () => {
  await Promise.all([web.start(), smtp.start(), hole.start()]);
});
afterAll(async () => {
  await Promise.all([web.stop(), smtp.stop(), hole.stop()]);
});

// ---- the channels under test ---------------------------------------------------------------------

/** What a case changes about how a channel is built and where it sends. */
interface Build {
  /** VIGIL_OUTBOUND_ALLOW (default: 127.0.0.1/32). */
  allow?: string;
  /** The channel's (and the guard's) timeout; default the production 5 s. */
  timeoutMs?: number;
  /** Host and port to send to instead of the receiver's 127.0.0.1:port. */
  authority?: string;
  /** DNS for the guard (default: the system's). */
  lookup?: Lookup;
}

/** One case's channel, the message it sends, and where that message shows up at the receiver. */
interface Rig {
  channel: Channel;
  message: OutboundMessage;
  /** HTTP: the receiver path the request arrives at. Email: the recipient address. */
  where: string;
  close(): void;
}

/** Text with characters every format must escape or keep, in short ASCII lines (so MIME needs no folding). */
const SUBJECT = '[P1] INC-20310501-0042 checkout <down> & "failing"';
const BODY =
  'You are paged: level 1 of checkout.\nError rate 12% on <b>web-1</b> & web-2.\nAcknowledge within 15 minutes.';

let serial = 0;
function messageFor(kind: ChannelKind, destination: string, tag: string): OutboundMessage {
  const deliveryId = `ntf_${tag}_${++serial}`;
  return {
    deliveryId,
    deliveryIds: [deliveryId],
    channel: kind,
    destination,
    // Two secrets: a rotation in progress. Only webhooks are signed.
    secret: 'old-secret-0001\nnew-secret-0002',
    subject: SUBJECT,
    body: BODY,
    payload: {
      event: 'page',
      incident: { id: 'inc_1', number: 'INC-20310501-0042', severity: 'P1', status: 'triggered' },
      message: { subject: SUBJECT, text: BODY },
      delivery_id: deliveryId,
    },
  };
}

const tagOf = (label: string) => `${label.replace(/[^a-z0-9]/gi, '').toLowerCase()}${++serial}`;

type HttpKind = 'webhook' | 'slack' | 'teams' | 'mattermost';

/** Builds a JSON-over-HTTP channel the way createChannels does: one guarded dispatcher, signatures from the clock. */
function httpRig(kind: HttpKind, label: string, b: Build): Rig {
  const tag = tagOf(label);
  const timeoutMs = b.timeoutMs ?? 5000;
  const dispatcher = guardedDispatcher(parseAllowlist(b.allow ?? ALLOW_LOOPBACK), {
    timeoutMs,
    ...(b.lookup && { lookup: b.lookup }),
  });
  const channels = createHttpChannels({
    dispatcher,
    sign: (body, secrets) => signatureHeader(body, secrets, systemClock.now()),
    timeoutMs,
  });
  const where = `/${kind}/${tag}`;
  return {
    channel: channels[kind],
    message: messageFor(kind, `http://${b.authority ?? `127.0.0.1:${web.port}`}${where}`, tag),
    where,
    close: () => void dispatcher.close(),
  };
}

/** SMS or voice through a gateway whose account SID is unique to the case, so its requests have their own path. */
function twilioRig(kind: 'sms' | 'voice', label: string, b: Build): Rig {
  const tag = tagOf(label);
  const sid = `AC${tag}`;
  const timeoutMs = b.timeoutMs ?? 5000;
  const dispatcher = guardedDispatcher(parseAllowlist(b.allow ?? ALLOW_LOOPBACK), {
    timeoutMs,
    ...(b.lookup && { lookup: b.lookup }),
  });
  const channels = createTwilioChannels({
    url: `http://${sid}:${TWILIO_TOKEN}@${b.authority ?? `127.0.0.1:${web.port}`}`,
    from: FROM,
    dispatcher,
    timeoutMs,
  });
  const where = `/2010-04-01/Accounts/${sid}/${kind === 'sms' ? 'Messages' : 'Calls'}.json`;
  return {
    channel: channels[kind],
    message: messageFor(kind, '+4915112345678', tag),
    where,
    close: () => void dispatcher.close(),
  };
}

function emailRig(label: string, b: Build): Rig {
  const tag = tagOf(label);
  const channel = createEmailChannel({
    smtpUrl: `smtp://${b.authority ?? `127.0.0.1:${smtp.port}`}`,
    from: 'Vigil <vigil@test.example>',
    ...(b.timeoutMs && { timeoutMs: b.timeoutMs }),
  });
  const where = `${tag}@test.example`;
  return { channel, message: messageFor('email', where, tag), where, close: () => channel.close() };
}

const form = (hit: Hit) => new URLSearchParams(hit.body);
const json = (hit: Hit) => JSON.parse(hit.body) as Record<string, unknown>;
const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/** Decodes quoted-printable (soft line breaks and =XX), enough for the ASCII text sent here. */
const unQuote = (s: string) =>
  s.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

/** A header's value, unfolded, with RFC 2047 encoded words (=?UTF-8?Q?…?= or ?B?) decoded. */
function mimeHeader(raw: string, name: string): string | undefined {
  const head = (raw.split(/\r?\n\r?\n/)[0] ?? '').replace(/\r?\n[ \t]+/g, ' ');
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  if (line === undefined) return undefined;
  return line
    .slice(name.length + 1)
    .trim()
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([QB])\?([^?]*)\?=/gi, (_, enc: string, text: string) =>
      enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString() : unQuote(text.replace(/_/g, ' ')),
    );
}

/** The text of the MIME part with this content type. */
function mimePart(raw: string, type: string): string {
  const boundary = /boundary="?([^"\r\n;]+)"?/i.exec(raw)?.[1];
  expect(boundary, 'a multipart message').toBeDefined();
  const part = raw.split(`--${boundary}`).find((p) => new RegExp(`^\\s*Content-Type: ${type}`, 'im').test(p));
  expect(part, `a ${type} part`).toBeDefined();
  const [head = '', ...rest] = (part as string).split(/\r?\n\r?\n/);
  const text = rest.join('\n\n');
  return /quoted-printable/i.test(head)
    ? unQuote(text)
    : /base64/i.test(head)
      ? Buffer.from(text.replace(/\s+/g, ''), 'base64').toString()
      : text;
}

interface Subject {
  kind: ChannelKind;
  /** Whether it speaks HTTP through the SSRF guard (all but email). */
  http: boolean;
  rig(label: string, b?: Build): Rig;
  /** Checks what arrived for `m` (one request, or one mail): the channel's format, and nothing it must not carry. */
  expectDelivered(m: OutboundMessage, got: { hit?: Hit; mail?: Mail }): void;
}

function expectJsonRequest(hit: Hit, m: OutboundMessage): void {
  expect(hit.headers['content-type']).toBe('application/json');
  expect(hit.headers['x-vigil-delivery']).toBe(m.deliveryId);
  expect(hit.headers['user-agent']).toBe('Vigil');
}

/** Only webhooks are signed; chat incoming webhooks ignore signatures, so none leaks the secret's HMAC. */
function expectUnsigned(hit: Hit): void {
  expect(hit.headers['x-vigil-signature']).toBeUndefined();
}

function expectTwilioRequest(hit: Hit, m: OutboundMessage): void {
  expect(hit.headers.authorization).toBe(
    `Basic ${Buffer.from(`${/Accounts\/(AC[a-z0-9]+)\//.exec(hit.path)?.[1]}:${TWILIO_TOKEN}`).toString('base64')}`,
  );
  expect(hit.headers['content-type']).toBe('application/x-www-form-urlencoded');
  expect(hit.headers['x-vigil-delivery']).toBe(m.deliveryId);
  expect(form(hit).get('To')).toBe(m.destination);
  expect(form(hit).get('From')).toBe(FROM);
}

const noHit = (): Hit => {
  throw new Error('an HTTP channel is checked by its request');
};

const SUBJECTS: Subject[] = [
  {
    kind: 'webhook',
    http: true,
    rig: (label, b = {}) => httpRig('webhook', label, b),
    expectDelivered(m, { hit = noHit() }) {
      expectJsonRequest(hit, m);
      const body = json(hit);
      expect(body).toEqual(m.payload);
      expect(Object.keys(body).sort()).toEqual(['delivery_id', 'event', 'incident', 'message']);
      expect(body.delivery_id).toBe(m.deliveryId);
      // Signed with both secrets while one rotates: a receiver holding either accepts, one holding neither does not.
      const header = hit.headers['x-vigil-signature'] as string;
      expect(header.split(',').filter((p) => p.startsWith('v1='))).toHaveLength(2);
      const now = new Date();
      expect(verifySignature(header, hit.body, ['old-secret-0001'], now)).toEqual({ ok: true });
      expect(verifySignature(header, hit.body, ['new-secret-0002'], now)).toEqual({ ok: true });
      expect(verifySignature(header, hit.body, ['some-other-secret'], now).ok).toBe(false);
      expect(verifySignature(header, hit.body.replace('checkout', 'checkin'), ['new-secret-0002'], now).ok).toBe(false);
    },
  },
  {
    kind: 'slack',
    http: true,
    rig: (label, b = {}) => httpRig('slack', label, b),
    expectDelivered(m, { hit = noHit() }) {
      expectJsonRequest(hit, m);
      expectUnsigned(hit);
      // Block Kit: plain-text header; the fallback text and the mrkdwn section with &, < and > escaped
      // (Slack's control characters: unescaped, "<!channel>" in an alert would notify the whole channel).
      expect(json(hit)).toEqual({
        text: '[P1] INC-20310501-0042 checkout &lt;down&gt; &amp; "failing"',
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: m.subject } },
          {
            type: 'section',
            text: {
              type: 'mrkdwn',
              text:
                'You are paged: level 1 of checkout.\n' +
                'Error rate 12% on &lt;b&gt;web-1&lt;/b&gt; &amp; web-2.\n' +
                'Acknowledge within 15 minutes.',
            },
          },
        ],
      });
    },
  },
  {
    kind: 'teams',
    http: true,
    rig: (label, b = {}) => httpRig('teams', label, b),
    expectDelivered(m, { hit = noHit() }) {
      expectJsonRequest(hit, m);
      expectUnsigned(hit);
      expect(json(hit)).toEqual({
        type: 'message',
        attachments: [
          {
            contentType: 'application/vnd.microsoft.card.adaptive',
            content: {
              $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
              type: 'AdaptiveCard',
              version: '1.4',
              body: [
                { type: 'TextBlock', text: m.subject, weight: 'Bolder', size: 'Medium', wrap: true },
                { type: 'TextBlock', text: m.body, wrap: true },
              ],
            },
          },
        ],
      });
    },
  },
  {
    kind: 'mattermost',
    http: true,
    rig: (label, b = {}) => httpRig('mattermost', label, b),
    expectDelivered(m, { hit = noHit() }) {
      expectJsonRequest(hit, m);
      expectUnsigned(hit);
      expect(json(hit)).toEqual({ username: 'Vigil', text: `#### ${m.subject}\n${m.body}` });
    },
  },
  {
    kind: 'sms',
    http: true,
    rig: (label, b = {}) => twilioRig('sms', label, b),
    expectDelivered(m, { hit = noHit() }) {
      expect(hit.path).toMatch(/\/Messages\.json$/);
      expectTwilioRequest(hit, m);
      expect([...form(hit).keys()].sort()).toEqual(['Body', 'From', 'To']);
      expect(form(hit).get('Body')).toBe(`${m.subject}\n${m.body}`);
    },
  },
  {
    kind: 'voice',
    http: true,
    rig: (label, b = {}) => twilioRig('voice', label, b),
    expectDelivered(m, { hit = noHit() }) {
      expect(hit.path).toMatch(/\/Calls\.json$/);
      expectTwilioRequest(hit, m);
      expect([...form(hit).keys()].sort()).toEqual(['From', 'To', 'Twiml']);
      // The text is spoken, so it is XML-escaped: "<b>" in an alert must not become TwiML.
      expect(form(hit).get('Twiml')).toBe(`<Response><Say>${escapeXml(`${m.subject}. ${m.body}`)}</Say></Response>`);
      expect(form(hit).get('Twiml')).not.toContain('<b>');
    },
  },
  {
    kind: 'email',
    http: false,
    rig: (label, b = {}) => emailRig(label, b),
    expectDelivered(m, { mail }) {
      expect(mail, 'a mail').toBeDefined();
      const raw = (mail as Mail).raw;
      expect(mimeHeader(raw, 'X-Vigil-Delivery')).toBe(m.deliveryId);
      expect(mimeHeader(raw, 'Message-ID')).toBe(`<${m.deliveryId}@vigil>`);
      expect(mimeHeader(raw, 'From')).toBe('Vigil <vigil@test.example>');
      expect(mimeHeader(raw, 'To')).toBe(m.destination);
      expect(mimeHeader(raw, 'Subject')).toBe(m.subject);
      // Plain text, and the same text as HTML with everything escaped.
      expect(mimeHeader(raw, 'Content-Type')).toMatch(/^multipart\/alternative;/);
      expect(mimePart(raw, 'text/plain').replace(/\r\n/g, '\n').trim()).toBe(m.body);
      const html = mimePart(raw, 'text/html').replace(/\r\n/g, '\n');
      expect(html).toContain('<h3>[P1] INC-20310501-0042 checkout &lt;down&gt; &amp; &quot;failing&quot;</h3>');
      expect(html).toContain('Error rate 12% on &lt;b&gt;web-1&lt;/b&gt; &amp; web-2.');
      expect(html).not.toContain('<b>');
    },
  },
];

/** The ChannelError a send fails with (the test fails if it succeeds or throws anything else), and how long it took. */
async function failure(rig: Rig): Promise<{ error: ChannelError; ms: number }> {
  const started = Date.now();
  const error = await rig.channel.send(rig.message).then(
    () => undefined,
    (e: unknown) => e,
  );
  const ms = Date.now() - started;
  expect(error, 'the send should have failed').toBeInstanceOf(ChannelError);
  return { error: error as ChannelError, ms };
}

/** Runs `fn` with a fresh rig, closing its dispatcher or transport after. */
async function withRig<T>(subject: Subject, label: string, b: Build, fn: (rig: Rig) => Promise<T>): Promise<T> {
  const rig = subject.rig(label, b);
  try {
    return await fn(rig);
  } finally {
    rig.close();
  }
}

/** How the receivers refuse temporarily or for good, by protocol. */
const TEMPORARY = { http: [500, 502, 503, 504, 408], smtp: [421, 451, 452] };
const PERMANENT = { http: [400, 401, 403, 404, 410, 422], smtp: [550, 553, 554] };

describe.each(SUBJECTS)('$kind channel', (subject) => {
  const HTTP = subject.http;

  it('delivers the message once, in the channel’s format, carrying the delivery id', async () => {
    await withRig(subject, 'ok', {}, async ({ channel, message, where }) => {
      await channel.send(message);
      const got = HTTP ? web.at(where) : smtp.to(where);
      expect(got).toHaveLength(1);
      subject.expectDelivered(message, HTTP ? { hit: got[0] as Hit } : { mail: got[0] as Mail });
    });
  });

  it.each(HTTP ? TEMPORARY.http : TEMPORARY.smtp)('a temporary refusal (%i) is retryable', async (code) => {
    await withRig(subject, `temp${code}`, {}, async (rig) => {
      if (HTTP) web.plan(rig.where, { status: code });
      else smtp.plan(rig.where, code);
      const { error } = await failure(rig);
      expect(error.retryable).toBe(true);
      expect(error.message).toContain(String(code));
      if (HTTP) expect(web.at(rig.where)).toHaveLength(1);
      else expect(smtp.to(rig.where)).toHaveLength(0);
    });
  });

  it.each(HTTP ? PERMANENT.http : PERMANENT.smtp)('a permanent refusal (%i) is not retryable', async (code) => {
    await withRig(subject, `perm${code}`, {}, async (rig) => {
      if (HTTP) web.plan(rig.where, { status: code });
      else smtp.plan(rig.where, code);
      const { error } = await failure(rig);
      expect(error.retryable).toBe(false);
      expect(error.message).toContain(String(code));
      expect(error.retryAfterSeconds).toBeUndefined();
    });
  });

  it('a receiver that accepts the connection and never answers is given up on at the timeout, retryably', async () => {
    // HTTP: the receiver holds the request. SMTP: a server that never sends its greeting.
    const b: Build = { timeoutMs: SHORT_MS, ...(!HTTP && { authority: `127.0.0.1:${hole.port}` }) };
    await withRig(subject, 'silent', b, async (rig) => {
      if (HTTP) web.plan(rig.where, { silent: true });
      const { error, ms } = await failure(rig);
      expect(error.retryable).toBe(true);
      expect(ms).toBeGreaterThanOrEqual(SHORT_MS - 50);
      expect(ms).toBeLessThan(SHORT_MS + SLACK_MS);
      if (HTTP) expect(web.at(rig.where)).toHaveLength(1);
    });
  });

  it('a receiver that stops answering half-way is given up on at the timeout', async () => {
    // HTTP: a 503 whose body never finishes. SMTP: the server takes the message and never says 250.
    await withRig(subject, 'stall', { timeoutMs: SHORT_MS }, async (rig) => {
      if (HTTP) web.plan(rig.where, { status: 503, trickle: true });
      else smtp.plan(rig.where, 'stall');
      const { error, ms } = await failure(rig);
      expect(error.retryable).toBe(true);
      expect(ms).toBeLessThan(SHORT_MS + SLACK_MS);
      if (!HTTP) expect(smtp.to(rig.where)).toHaveLength(0);
    });
  });

  it('an unreachable receiver (connection refused) is retryable', async () => {
    const port = await closedPort();
    await withRig(subject, 'refused', { authority: `127.0.0.1:${port}` }, async (rig) => {
      const { error } = await failure(rig);
      expect(error.retryable).toBe(true);
      expect(error.message).toMatch(/ECONNREFUSED|connect/i);
    });
  });

  // HTTP only: SMTP has no redirects and no Retry-After, and its server is the admin's choice, not a user's.
  if (!HTTP) return;

  it.each([
    { form: 'delta seconds', header: () => '120', seconds: [120, 120] },
    { form: 'an HTTP date 90 s ahead', header: () => new Date(Date.now() + 90_000).toUTCString(), seconds: [85, 90] },
  ])('429 with Retry-After ($form) is retryable after the time asked', async ({ header, seconds: [least, most] }) => {
    await withRig(subject, 'ratelimited', {}, async (rig) => {
      web.plan(rig.where, { status: 429, headers: { 'retry-after': header() } });
      const { error } = await failure(rig);
      expect(error.retryable).toBe(true);
      expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(least as number);
      expect(error.retryAfterSeconds).toBeLessThanOrEqual(most as number);
    });
  });

  it('429 without Retry-After is retryable, leaving the wait to the backoff', async () => {
    await withRig(subject, 'ratelimitedbare', {}, async (rig) => {
      web.plan(rig.where, { status: 429 });
      const { error } = await failure(rig);
      expect(error.retryable).toBe(true);
      expect(error.retryAfterSeconds).toBeUndefined();
    });
  });

  it('a 2xx whose body never finishes counts as delivered, without waiting past the timeout', async () => {
    // The status line said the message was taken; failing here would only send it again.
    await withRig(subject, 'slowbody', { timeoutMs: SHORT_MS }, async (rig) => {
      web.plan(rig.where, { status: 200, trickle: true });
      const started = Date.now();
      await rig.channel.send(rig.message);
      expect(Date.now() - started).toBeLessThan(SHORT_MS + SLACK_MS);
      expect(web.at(rig.where)).toHaveLength(1);
    });
  });

  it.each([301, 302, 303, 307, 308])(
    'does not follow a redirect (%i): a failure, and the Location never hears from us',
    async (status) => {
      await withRig(subject, `redirect${status}`, {}, async (rig) => {
        const target = `/landing/${rig.message.deliveryId}`;
        web.plan(rig.where, { status, headers: { location: `http://127.0.0.1:${web.port}${target}` } });
        const { error } = await failure(rig);
        expect(error.retryable).toBe(false);
        expect(error.message).toContain(String(status));
        expect(web.at(rig.where)).toHaveLength(1);
        expect(web.at(target)).toHaveLength(0);
      });
    },
  );

  it('refuses a loopback receiver that the allowlist does not let through, sending nothing', async () => {
    const before = web.hits.length;
    await withRig(subject, 'ssrf', { allow: '' }, async (rig) => {
      const { error } = await failure(rig);
      expect(error.retryable).toBe(false);
      expect(error.message).toMatch(/forbidden address: loopback address 127\.0\.0\.1/);
      expect(web.at(rig.where)).toHaveLength(0);
    });
    expect(web.hits.length).toBe(before);
  });

  it(
    'refuses a public-looking host name that resolves to loopback, ' +
      'and connects to the checked address once allowed',
    async () => {
      // The fake DNS answers 127.0.0.1 for every name, as a rebinding attacker's would.
      const lookup: Lookup = () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]);
      const authority = `hooks.example.com:${web.port}`;
      await withRig(subject, 'rebind', { allow: '', authority, lookup }, async (rig) => {
        const { error } = await failure(rig);
        expect(error.retryable).toBe(false);
        expect(error.message).toMatch(
          /hooks\.example\.com resolves to a forbidden address: loopback address 127\.0\.0\.1/,
        );
        expect(web.at(rig.where)).toHaveLength(0);
      });
      await withRig(subject, 'rebindallowed', { allow: ALLOW_LOOPBACK, authority, lookup }, async (rig) => {
        await rig.channel.send(rig.message);
        const hits = web.at(rig.where);
        expect(hits).toHaveLength(1);
        expect(hits[0]?.headers.host).toBe(authority);
        subject.expectDelivered(rig.message, { hit: hits[0] as Hit });
      });
    },
  );

  it(
    'as the server builds it (createChannels), goes through the guard: ' +
      'loopback refused without an allowlist entry, delivered with one',
    async () => {
      const notify = (outboundAllow: string | undefined) => ({
        smtpUrl: undefined,
        smtpFrom: 'Vigil <vigil@test.example>',
        outboundAllow,
        publicUrl: undefined,
        twilioUrl: `http://ACwired:${TWILIO_TOKEN}@127.0.0.1:${web.port}`,
        twilioFrom: FROM,
      });
      // The rig only supplies the message and its path; the channel is the server's own.
      await withRig(subject, 'wired', {}, async ({ message, where }) => {
        const send = (channel: Channel | undefined) => (channel as Channel).send(message);
        const refused = await send(createChannels(notify(undefined), systemClock)[subject.kind]).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(refused).toBeInstanceOf(ChannelError);
        expect((refused as ChannelError).retryable).toBe(false);
        expect((refused as ChannelError).message).toContain('loopback address 127.0.0.1');
        await send(createChannels(notify(ALLOW_LOOPBACK), systemClock)[subject.kind]);
        const path =
          subject.kind === 'sms' || subject.kind === 'voice'
            ? where.replace(/Accounts\/AC[a-z0-9]+\//, 'Accounts/ACwired/')
            : where;
        const hits = web.at(path).filter((h) => h.headers['x-vigil-delivery'] === message.deliveryId);
        expect(hits).toHaveLength(1);
        subject.expectDelivered(message, { hit: hits[0] as Hit });
      });
    },
  );
});

describe('webhook signatures', () => {
  it('carry one v1 for a single secret, and none (no header) for a destination without a secret', async () => {
    const subject = SUBJECTS[0] as Subject;
    await withRig(subject, 'onesecret', {}, async ({ channel, message, where }) => {
      await channel.send({ ...message, secret: 'only-secret-0003' });
      const [hit] = web.at(where);
      const header = hit?.headers['x-vigil-signature'] as string;
      expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(verifySignature(header, hit?.body ?? '', ['only-secret-0003'], new Date())).toEqual({ ok: true });
    });
    await withRig(subject, 'nosecret', {}, async ({ channel, message, where }) => {
      await channel.send({ ...message, secret: null });
      expect(web.at(where)).toHaveLength(1);
      expect(web.at(where)[0]?.headers['x-vigil-signature']).toBeUndefined();
    });
  });
});

describe('Mattermost mentions', () => {
  it(
    'makes @channel, @all and @here in an alert inert (a zero-width space), ' +
      'leaving other text and people’s mentions alone',
    () => {
      expect(
        defuseMentions('#### [P1] @channel checkout down\nping @ALL and @here. cc @ana, mail ops@all.example'),
      ).toBe('#### [P1] @\u200Bchannel checkout down\nping @\u200BALL and @\u200Bhere. cc @ana, mail ops@all.example');
      expect(defuseMentions('no mentions: @channels, @channel-team')).toBe('no mentions: @channels, @channel-team');
    },
  );
});
