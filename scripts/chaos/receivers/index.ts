// All receivers of a run in the harness's own process: webhook, Slack-like, Twilio-like, SMTP, and a
// monitor target that never misbehaves. They share one delivery log and one set of fault modes.
import type { Random } from '../random.js';
import { createDeliveryLog, type DeliveryLog } from './delivery-log.js';
import { startHttpReceiver, startMonitorTarget, type RunningServer } from './http-receivers.js';
import { createReceiverModes, type ReceiverModes } from './modes.js';
import { createSenderLookup } from './sender-lookup.js';
import { startSmtpReceiver } from './smtp-receiver.js';

export interface Receivers {
  log: DeliveryLog;
  modes: ReceiverModes;
  ports: { webhook: number; slack: number; sms: number; email: number; monitor: number };
  twilio: { sid: string; token: string };
  close(): Promise<void>;
}

/** Starts every receiver on a free loopback port; `pids` names the Vigil processes that may send. */
export async function startReceivers(random: Random, pids: () => readonly number[]): Promise<Receivers> {
  const log = createDeliveryLog();
  const modes = createReceiverModes(random.fork('holds'));
  const senderOf = createSenderLookup(pids);
  const twilio = { sid: `AC${random.hex(32)}`, token: random.hex(32) };
  const started: RunningServer[] = [];
  const keep = (s: RunningServer) => (started.push(s), s);
  try {
    const deps = { log, modes, senderOf, twilio, random: random.fork('answers') };
    const webhook = keep(await startHttpReceiver('webhook', deps));
    const slack = keep(await startHttpReceiver('slack', deps));
    const sms = keep(await startHttpReceiver('sms', deps));
    const email = keep(await startSmtpReceiver({ log, modes, senderOf }));
    const monitor = keep(await startMonitorTarget());
    return {
      log,
      modes,
      twilio,
      ports: { webhook: webhook.port, slack: slack.port, sms: sms.port, email: email.port, monitor: monitor.port },
      close: async () => void (await Promise.all(started.map((s) => s.close()))),
    };
  } catch (error) {
    await Promise.all(started.map((s) => s.close()));
    throw error;
  }
}
