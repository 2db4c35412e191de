// Invariant 1: every event Vigil answered 2xx for is in the database. A 2xx means committed, so a
// trigger must have its stored alert event (found by the id the load wrote into its custom details or
// annotations), a change event its row, an API acknowledgement its incident no longer triggered, and a
// monitor at least as many passing beats as beats answered.
//
// Acknowledge and resolve events are not looked for: one that finds its alert already acknowledged
// or resolved is accepted and, as documented, changes nothing, so its absence proves nothing.
import type { RunRecords } from '../records.js';
import { count, iso, violation, type InvariantResult, type Violation } from './result.js';

export function checkEventsStored(records: RunRecords): InvariantResult {
  const { db } = records;
  const violations: Violation[] = [];
  let checked = 0;
  /** Events missing; a monitor short of beats counts each missing beat. */
  let missing = 0;
  const lost = (v: Violation, events = 1) => {
    violations.push(v);
    missing += events;
  };
  const beats = new Map<number, number>();
  const incidents = new Map(db.incidents.map((i) => [i.id, i]));

  for (const event of records.answered) {
    const where = `answered ${iso(event.answeredMs)} by instance ${event.instance}`;
    for (const id of event.triggerIds) {
      checked++;
      if (!db.triggerIds.has(id))
        lost(violation(`${event.kind} event ${id} (key ${event.key}) ${where} is not stored`));
    }
    if (event.changeId !== undefined) {
      checked++;
      if (!db.changeIds.has(event.changeId)) lost(violation(`change event ${event.changeId} ${where} is not stored`));
    }
    if (event.heartbeatMonitor !== undefined)
      beats.set(event.heartbeatMonitor, (beats.get(event.heartbeatMonitor) ?? 0) + 1);
    if (event.kind === 'api-ack' && event.incidentId) {
      checked++;
      const incident = incidents.get(event.incidentId);
      if (!incident || incident.status === 'triggered')
        lost(
          violation(
            `acknowledge of incident ${event.incidentId} ${where}: the incident is ` +
              (incident ? 'still triggered' : 'missing'),
            [event.incidentId],
          ),
        );
    }
  }

  for (const [monitor, answered] of beats) {
    checked += answered;
    const id = records.setup.heartbeatMonitors[monitor];
    const stored = db.monitors.find((m) => m.id === id)?.okSamples ?? 0;
    if (stored < answered)
      lost(violation(`heartbeat monitor ${id}: ${answered} beats answered 2xx, ${stored} recorded`), answered - stored);
  }

  return {
    key: 'events-missing',
    title: 'events answered 2xx missing from the database',
    figure: `${count(missing)} of ${count(checked)}`,
    holds: violations.length === 0,
    violations,
    notes: [],
  };
}
