// The SMTP receiver (smtp-server): accepts every message to any address without TLS or login, reads
// Vigil's delivery ids from its headers, and misbehaves as the schedule says (slow, 451, or holding the
// message past Vigil's 10 s socket timeout). A message begins when its connection opens (Vigil opens one
// per message), and its sender is read from that connection.
import { SMTPServer } from 'smtp-server';
import type { ReceiverMode } from '../schedule.js';
import type { Delivery } from '../records.js';
import type { DeliveryLog } from './delivery-log.js';
import { parseEmailHeaders } from './email-headers.js';
import type { RunningServer } from './http-receivers.js';
import { bundledCount, carriedIds } from './message-ids.js';
import type { ReceiverModes } from './modes.js';

interface Session {
  senderPid: number | null;
  /** Messages begun on this connection so far. */
  messages: number;
  closed: boolean;
  arrivalMs: number;
  mode: ReceiverMode;
}

export function startSmtpReceiver(deps: {
  log: DeliveryLog;
  modes: ReceiverModes;
  senderOf: (clientPort: number | undefined, serverPort: number) => number | null;
}): Promise<RunningServer> {
  const sessions = new Map<string, Session>();
  let port = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 16 * 1024 * 1024,
    onConnect(session, callback) {
      sessions.set(session.id, {
        senderPid: deps.senderOf(session.remotePort, port),
        messages: 0,
        closed: false,
        arrivalMs: Date.now(),
        mode: 'healthy',
      });
      callback();
    },
    onMailFrom(_address, session, callback) {
      const s = sessions.get(session.id);
      if (s) {
        // Vigil opens a connection per message, so its send began at the connection; a further message
        // on the same connection begins at its MAIL FROM.
        if (s.messages++ > 0) s.arrivalMs = Date.now();
        s.mode = deps.modes.current('email');
      }
      callback();
    },
    onClose(session) {
      const s = sessions.get(session.id);
      if (s) s.closed = true;
      // Kept a little for a message whose answer is still being decided, then forgotten.
      setTimeout(() => sessions.delete(session.id), 60_000).unref();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const s = sessions.get(session.id) ?? {
          senderPid: null,
          closed: false,
          arrivalMs: Date.now(),
          mode: 'healthy',
        };
        const headers = parseEmailHeaders(Buffer.concat(chunks).toString('utf8'));
        const subject = headers.get('subject') ?? '';
        const ids = carriedIds({
          header: headers.get('x-vigil-delivery'),
          listHeader: headers.get('x-vigil-delivery-ids'),
        });
        const settle = () => {
          const outcome: Delivery['outcome'] = s.closed ? 'aborted' : s.mode === 'error' ? 'error' : 'ok';
          deps.log.record({
            receiver: 'email',
            destination: session.envelope.rcptTo[0]?.address ?? '',
            arrivalMs: s.arrivalMs,
            endMs: Date.now(),
            outcome,
            mode: s.mode,
            messageId: headers.get('x-vigil-delivery') ?? null,
            carried: ids.carried,
            dedupKeys: Object.fromEntries(ids.dedupKeys),
            idSource: ids.source,
            bundled: bundledCount(subject),
            senderPid: s.senderPid,
            incidentIds: [],
            subject,
          });
          if (s.mode === 'error') callback(Object.assign(new Error('chaos: try again later'), { responseCode: 451 }));
          else callback();
        };
        const hold = deps.modes.holdMs(s.mode);
        if (hold > 0) setTimeout(settle, hold);
        else settle();
      });
    },
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      // From now on a connection's trouble (a sender killed mid-message resets it) is that session's end,
      // never the harness's: without a listener smtp-server's 'error' event would end the process.
      server.off('error', reject);
      server.on('error', () => undefined);
      const address = server.server.address();
      port = typeof address === 'object' && address ? address.port : 0;
      resolve({ port, close: () => new Promise<void>((done) => server.close(() => done())) });
    });
  });
}
