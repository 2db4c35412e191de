// What the run is about, created through Vigil's public API with the admin token, as an operator
// would: six people with a contact method on every channel (webhook, email, SMS, Slack) and rules that
// send them at once (SMS a few seconds later); two escalation policies of three levels 20 and 45 s
// apart (so levels 2 and 3 fire within a run) that stop on acknowledgement; one service per ingest
// format; two stakeholders told of P0/P1 incidents (initial and resolution notifications); an HTTP
// monitor against the harness's steady target and two heartbeat monitors the load beats.
import type { Call } from './http-client.js';
import { HEARTBEATS, SERVICES, type ServiceName } from './load-plan.js';
import type { SetupFacts } from './records.js';
import type { Receivers } from './receivers/index.js';

export interface RunSetup extends SetupFacts {
  /** Integration keys by service role. */
  keys: Record<ServiceName, string>;
  /** Heartbeat tokens by monitor number. */
  heartbeatTokens: string[];
  /** Escalation delays of every policy, in seconds. */
  levelDelays: number[];
}

const PEOPLE = 6;
export const LEVEL_DELAYS = [0, 20, 45];
export const MONITOR_INTERVAL_SECONDS = 10;

export async function setUp(call: Call, base: string, token: string, receivers: Receivers): Promise<RunSetup> {
  async function post(path: string, body: unknown, method: 'POST' | 'PATCH' = 'POST') {
    const answer = await call(`${base}${path}`, { method, body, token, timeoutMs: 20_000 });
    if (answer.status < 200 || answer.status >= 300)
      throw new Error(
        `setup: ${method} ${path} answered ${answer.status || answer.error}: ${answer.text.slice(0, 500)}`,
      );
    return answer.body as Record<string, unknown>;
  }
  const { webhook, slack, monitor } = receivers.ports;

  const people: string[] = [];
  for (let n = 1; n <= PEOPLE; n++) {
    const user = await post('/api/v1/users', {
      handle: `chaos-u${n}`,
      name: `Chaos person ${n}`,
      email: `u${n}@chaos.test`,
    });
    const id = String(user.id);
    people.push(id);
    const methods = [
      { kind: 'webhook', address: `http://127.0.0.1:${webhook}/hook/u${n}`, secret: `chaos-webhook-secret-u${n}` },
      { kind: 'email', address: `u${n}@chaos.test` },
      { kind: 'sms', address: `+155501000${n}` },
      { kind: 'slack', address: `http://127.0.0.1:${slack}/slack/u${n}` },
    ];
    for (const m of methods) {
      const method = await post(`/api/v1/users/${id}/contact-methods`, m);
      await post(`/api/v1/users/${id}/notification-rules`, {
        contact_method_id: method.id,
        delay_seconds: m.kind === 'sms' ? 5 : 0,
      });
    }
  }

  const policy = async (name: string, targets: string[]) =>
    String(
      (
        await post('/api/v1/escalation-policies', {
          name,
          escalate_while: 'unacknowledged',
          repeat: 0,
          levels: LEVEL_DELAYS.map((delay, i) => ({
            name: `level ${i + 1}`,
            delay_seconds: delay,
            targets: [{ type: 'user', id: targets[i] }],
          })),
        })
      ).id,
    );
  const alpha = await policy('chaos alpha', people.slice(0, 3));
  const beta = await policy('chaos beta', people.slice(3, 6));

  const services = {} as Record<ServiceName, string>;
  const keys = {} as Record<ServiceName, string>;
  for (const name of SERVICES) {
    const created = await post('/api/v1/services', {
      name: `chaos ${name}`,
      escalation_policy_id: name === 'pd-alpha' || name === 'alertmanager' ? alpha : beta,
    });
    services[name] = String(created.id);
    keys[name] = String(created.integration_key);
  }

  await post('/api/v1/stakeholders', {
    name: 'chaos ops (webhook)',
    kind: 'webhook',
    address: `http://127.0.0.1:${webhook}/hook/stakeholders`,
    severities: ['P0', 'P1'],
    secret: 'chaos-stakeholder-secret',
  });
  await post('/api/v1/stakeholders', {
    name: 'chaos ops (email)',
    kind: 'email',
    address: 'ops@chaos.test',
    severities: ['P0', 'P1'],
  });

  const httpMonitor = await post('/api/v1/monitors', {
    service_id: services['pd-alpha'],
    name: 'chaos steady target',
    kind: 'http',
    target: `http://127.0.0.1:${monitor}/ok`,
    interval_seconds: MONITOR_INTERVAL_SECONDS,
    timeout_ms: 2_000,
  });
  const heartbeatMonitors: string[] = [];
  const heartbeatTokens: string[] = [];
  for (let n = 0; n < HEARTBEATS; n++) {
    const beat = await post('/api/v1/monitors', {
      service_id: services.alertmanager,
      name: `chaos heartbeat ${n}`,
      kind: 'heartbeat',
      period_seconds: 10,
      grace_seconds: 20,
    });
    heartbeatMonitors.push(String(beat.id));
    heartbeatTokens.push(String(beat.token));
  }
  return {
    services,
    keys,
    heartbeatMonitors,
    heartbeatTokens,
    httpMonitors: [String(httpMonitor.id)],
    levelDelays: LEVEL_DELAYS,
  };
}
