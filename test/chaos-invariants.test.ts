// The chaos harness's invariant checks (scripts/chaos/invariants) on small synthetic runs: a clean run
// passes every check, and each kind of violation is caught by its own check (and only there), so a
// check that can never fail would show up here.
import { describe, expect, it } from 'vitest';
import { checkAll, type InvariantResult } from '../scripts/chaos/invariants/index.js';
import type { Delivery, FaultRecord, RunRecords } from '../scripts/chaos/records.js';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const s = (seconds: number) => T0 + seconds * 1000;
const HOOK = 'http://127.0.0.1:9/hook/u1';
const HOOK2 = 'http://127.0.0.1:9/hook/u2';
const VIGIL_PID = 4242;

function delivery(id: string, arrivalS: number, extra: Partial<Delivery> = {}): Delivery {
  return {
    seq: 0,
    receiver: 'webhook',
    destination: HOOK,
    arrivalMs: s(arrivalS),
    endMs: s(arrivalS) + 100,
    outcome: 'ok',
    mode: 'healthy',
    messageId: id,
    carried: [id],
    dedupKeys: { [id]: id },
    idSource: 'body-id',
    bundled: 1,
    senderPid: VIGIL_PID,
    incidentIds: ['inc1'],
    subject: '[P1] INC-1 chaos pd-1: critical alert',
    ...extra,
  };
}

/**
 * One incident (inc1) on a policy of levels at 0, 20 and 45 s: level 1 paged at 0.5 s (notification
 * n1, delivered at 1 s), level 2 at 20.4 s (n2, delivered at 21 s), acknowledged through the API at
 * 30.2 s, so level 3 is never due. One HTTP monitor checked every 10 s, one trigger and one change
 * event stored, the run ending at 60 s.
 */
function cleanRun(): RunRecords {
  const page = (id: string, level: number, atS: number, user: string) => ({
    id,
    incidentId: 'inc1',
    run: 0,
    level,
    loop: 0,
    userId: user,
    atMs: s(atS),
  });
  const notification = (id: string, pageId: string, destination: string, sentS: number) => ({
    id,
    incidentId: 'inc1',
    kind: 'page',
    channel: 'webhook',
    destination,
    pageId,
    state: 'sent',
    attempts: 1,
    lastError: null,
    createdMs: s(sentS - 0.5),
    sentMs: s(sentS + 0.1),
  });
  return {
    seed: 'test',
    startMs: s(0),
    endMs: s(60),
    faults: [],
    answered: [
      {
        kind: 'pd-trigger',
        story: 'pd-1',
        key: 'pd-1',
        service: 'pd-alpha',
        triggerIds: ['pd-1.0'],
        answeredMs: s(0.1),
        instance: 0,
        attempts: 1,
      },
      {
        kind: 'change',
        story: 'change-1',
        key: 'change-1.0',
        service: 'pd-alpha',
        triggerIds: [],
        changeId: 'change-1.0',
        answeredMs: s(3),
        instance: 1,
        attempts: 1,
      },
      {
        kind: 'api-ack',
        story: '',
        key: 'inc1',
        service: '',
        triggerIds: [],
        incidentId: 'inc1',
        answeredMs: s(30.2),
        instance: 2,
        attempts: 1,
      },
    ],
    deliveries: [delivery('n1', 1), delivery('n2', 21, { destination: HOOK2 })],
    db: {
      notifications: [notification('n1', 'pg1', HOOK, 1), notification('n2', 'pg2', HOOK2, 21)],
      pages: [page('pg1', 1, 0.5, 'u1'), page('pg2', 2, 20.4, 'u2')],
      incidents: [
        {
          id: 'inc1',
          title: 'chaos pd-1: critical alert',
          status: 'acknowledged',
          serviceId: 'svc-a',
          groupKey: null,
          createdMs: s(0),
          acknowledgedMs: s(30.1),
          resolvedMs: null,
        },
      ],
      timeline: [
        { incidentId: 'inc1', atMs: s(0.5), kind: 'escalated', data: { level: 1, loop: 0 } },
        { incidentId: 'inc1', atMs: s(20.4), kind: 'escalated', data: { level: 2, loop: 0 } },
        { incidentId: 'inc1', atMs: s(1.1), kind: 'notification_sent', data: { notification_id: 'n1' } },
        { incidentId: 'inc1', atMs: s(21.1), kind: 'notification_sent', data: { notification_id: 'n2' } },
      ],
      escalations: [{ incidentId: 'inc1', policyId: 'pol', run: 0, startedMs: s(0) }],
      policies: [{ id: 'pol', escalateWhile: 'unacknowledged', repeat: 0, delaysSeconds: [0, 20, 45] }],
      alerts: [{ serviceId: 'svc-a', dedupKey: 'pd-1', incidentId: 'inc1' }],
      triggerIds: new Set(['pd-1.0']),
      changeIds: new Set(['change-1.0']),
      monitors: [
        {
          id: 'mon1',
          kind: 'http',
          intervalSeconds: 10,
          createdMs: s(-5),
          samplesMs: [5, 15, 25, 35, 45, 55].map(s),
          okSamples: 6,
        },
      ],
    },
    setup: { services: { 'pd-alpha': 'svc-a' }, heartbeatMonitors: [], httpMonitors: ['mon1'] },
  };
}

const failing = (results: InvariantResult[]) => results.filter((r) => !r.holds).map((r) => r.key);

/** Applies `change` to a clean run and returns the keys of the checks that fail. */
function failuresAfter(change: (run: RunRecords) => void): string[] {
  const run = cleanRun();
  change(run);
  return failing(checkAll(run));
}

const kill = (atS: number, pid = VIGIL_PID): FaultRecord => ({
  kind: 'kill',
  startMs: s(atS),
  endMs: s(atS + 5),
  instance: 0,
  pid,
  detail: 'kill -9',
});

describe('chaos invariants', () => {
  it('all hold on a clean run', () => {
    const results = checkAll(cleanRun());
    expect(failing(results)).toEqual([]);
    expect(results).toHaveLength(11);
    expect(results.find((r) => r.key === 'escalation-late')?.figure).toMatch(/^0 of 2, p99 0\.5 s$/);
  });

  it('1: an event answered 2xx but not stored, or an acknowledgement that did not stick', () => {
    expect(failuresAfter((r) => r.db.triggerIds.clear())).toEqual(['events-missing']);
    expect(failuresAfter((r) => r.db.changeIds.clear())).toEqual(['events-missing']);
    expect(
      failuresAfter((r) => {
        const incident = r.db.incidents[0];
        if (incident) incident.status = 'triggered';
      }),
    ).toContain('events-missing');
  });

  it('2: a level skipped, or a level fired twice', () => {
    const skipped = failuresAfter((r) => {
      r.db.pages = r.db.pages.filter((p) => p.level !== 2);
      r.db.pages.push({ id: 'pg3', incidentId: 'inc1', run: 0, level: 3, loop: 0, userId: 'u3', atMs: s(45.2) });
    });
    expect(skipped).toContain('escalation-order');
    const twice = failuresAfter((r) =>
      r.db.timeline.push({ incidentId: 'inc1', atMs: s(21), kind: 'escalated', data: { level: 2, loop: 0 } }),
    );
    expect(twice).toEqual(['escalation-order']);
  });

  it('3: one page delivered under two ids (alone, then inside a bundle named by another page)', () => {
    const result = failuresAfter((r) =>
      r.deliveries.push(
        delivery('n0', 12, {
          carried: ['n0', 'n1'],
          dedupKeys: { n0: 'n0', n1: 'n0' },
          idSource: 'bundle',
          bundled: 2,
        }),
      ),
    );
    expect(result).toContain('page-two-ids');
    expect(result).not.toContain('resend-healthy');
  });

  it('4: a delivered copy sent again by a live instance; allowed after its sender was killed or refused', () => {
    const again = (r: RunRecords) => r.deliveries.push(delivery('n1', 40, { senderPid: 5151 }));
    expect(failuresAfter(again)).toContain('resend-healthy');
    expect(
      failuresAfter((r) => {
        again(r);
        r.faults.push(kill(1.5));
      }),
    ).not.toContain('resend-healthy');
    // Nor a kill just before the copy was noted: the harness may see a request a moment after it was written.
    expect(
      failuresAfter((r) => {
        again(r);
        r.faults.push(kill(0.5));
      }),
    ).not.toContain('resend-healthy');
    // A kill of some other process does not explain it.
    expect(
      failuresAfter((r) => {
        again(r);
        r.faults.push(kill(1.5, 999));
      }),
    ).toContain('resend-healthy');
    // The receiver refused the first copy: the second is a retry.
    expect(
      failuresAfter((r) => {
        again(r);
        const first = r.deliveries[0];
        if (first) first.outcome = 'error';
      }),
    ).not.toContain('resend-healthy');
  });

  it('5: a page that reached a receiver after its incident was acknowledged', () => {
    const late = failuresAfter((r) => {
      r.db.pages.push({ id: 'pg3', incidentId: 'inc1', run: 0, level: 3, loop: 0, userId: 'u3', atMs: s(29) });
      r.db.notifications.push({
        id: 'n3',
        incidentId: 'inc1',
        kind: 'page',
        channel: 'webhook',
        destination: 'http://127.0.0.1:9/hook/u3',
        pageId: 'pg3',
        state: 'unknown',
        attempts: 1,
        lastError: null,
        createdMs: s(29),
        sentMs: null,
      });
      r.deliveries.push(delivery('n3', 31.5, { destination: 'http://127.0.0.1:9/hook/u3' }));
    });
    expect(late).toContain('page-after-answer');
    // Within the tolerance it is a race, not a fault.
    const race = failuresAfter((r) => {
      const copy = r.deliveries[1];
      if (copy) copy.arrivalMs = s(30.9);
      r.answered.push({ ...(r.answered[2] as RunRecords['answered'][number]), answeredMs: s(30) });
    });
    expect(race).not.toContain('page-after-answer');
  });

  it('6: delivered but recorded not sent, recorded sent but never got, or missing from the timeline', () => {
    const set = (state: string) => (r: RunRecords) => {
      const n = r.db.notifications[0];
      if (n) n.state = state;
    };
    expect(failuresAfter(set('cancelled'))).toEqual(['state-disagrees']);
    expect(failuresAfter(set('dead'))).toContain('state-disagrees');
    expect(failuresAfter(set('failed'))).toEqual(['state-disagrees']);
    expect(failuresAfter(set('unknown'))).toEqual([]);
    expect(failuresAfter((r) => (r.deliveries = r.deliveries.slice(1)))).toEqual(['state-disagrees']);
    expect(failuresAfter((r) => r.db.timeline.splice(2, 1))).toEqual(['state-disagrees']);
    // Still to send, delivered by an instance that was then killed: the lease brings it back.
    expect(
      failuresAfter((r) => {
        set('failed')(r);
        r.faults.push(kill(2));
      }),
    ).toEqual([]);
    // Cancelled after a copy the receiver refused: nothing was delivered.
    expect(
      failuresAfter((r) => {
        set('cancelled')(r);
        r.db.timeline.splice(2, 1);
        const copy = r.deliveries[0];
        if (copy) copy.outcome = 'error';
      }),
    ).toEqual([]);
  });

  it('7: a level reached more than 5 s late, unless PostgreSQL was down then', () => {
    const late = (r: RunRecords) => {
      const pg2 = r.db.pages[1];
      if (pg2) pg2.atMs = s(27);
    };
    expect(failuresAfter(late)).toEqual(['escalation-late']);
    expect(
      failuresAfter((r) => {
        late(r);
        r.faults.push({ kind: 'pg-restart', startMs: s(18), endMs: s(24), detail: 'restart' });
      }),
    ).toEqual([]);
    // A kill of one instance is no excuse: the others' engines carry on.
    expect(
      failuresAfter((r) => {
        late(r);
        r.faults.push(kill(18, 1));
      }),
    ).toEqual(['escalation-late']);
    // An incident a skewed instance (clock 30 s behind) may have opened started on the wrong clock.
    expect(
      failuresAfter((r) => {
        late(r);
        r.faults.push({ kind: 'skew', startMs: s(10), endMs: s(25), offsetSeconds: -30, detail: 'skew' });
      }),
    ).toEqual([]);
    // A level due while unanswered and never reached is late too.
    expect(failuresAfter((r) => (r.db.pages = r.db.pages.slice(0, 1)))).toContain('escalation-late');
  });

  it('8: a notification dead-lettered while its receiver was healthy', () => {
    const dead = (r: RunRecords) => {
      const n = r.db.notifications[1];
      if (n) Object.assign(n, { state: 'dead', lastError: 'answered 404' });
      r.deliveries = r.deliveries.slice(0, 1);
      r.db.timeline = r.db.timeline.filter((e) => e.data.notification_id !== 'n2');
      r.db.timeline.push({
        incidentId: 'inc1',
        atMs: s(40),
        kind: 'notification_dead',
        data: { notification_id: 'n2' },
      });
    };
    expect(failuresAfter(dead)).toEqual(['dead-while-healthy']);
    expect(
      failuresAfter((r) => {
        dead(r);
        r.faults.push({
          kind: 'receiver',
          receiver: 'webhook',
          mode: 'error',
          startMs: s(30),
          endMs: s(38),
          detail: 'webhook 500s',
        });
      }),
    ).toEqual([]);
  });

  it('9: a monitor whose checks stopped for more than three intervals', () => {
    expect(
      failuresAfter((r) => {
        const m = r.db.monitors[0];
        if (m) m.samplesMs = [5, 45, 55].map(s);
      }),
    ).toEqual(['monitor-gaps']);
  });

  it('10: a bundle that does not name every notification it carries', () => {
    expect(
      failuresAfter((r) => {
        const d = r.deliveries[1];
        if (d) Object.assign(d, { bundled: 3, idSource: 'header' });
      }),
    ).toEqual(['ids-incomplete']);
  });

  it('11: an instance that exited on its own', () => {
    expect(
      failuresAfter((r) =>
        r.faults.push({ kind: 'crash', startMs: s(10), endMs: s(14), instance: 1, pid: 77, detail: 'exit code 1' }),
      ),
    ).toEqual(['crashes']);
  });

  it('names the incidents and delivery ids of each violation', () => {
    const run = cleanRun();
    const n = run.db.notifications[0];
    if (n) n.state = 'cancelled';
    const result = checkAll(run).find((r) => r.key === 'state-disagrees');
    expect(result?.violations[0]).toMatchObject({ incidentIds: ['inc1'], deliveryIds: ['n1'] });
  });
});
