// Invariant 5: no page goes out for an incident that was acknowledged or resolved before the send began.
// Both times are on the harness's clock: when the answer to an acknowledge or resolve came back 2xx
// (so the change was committed by then), and when the page's request reached the receiver. A send
// that began more than ANSWER_TOLERANCE_MS after the answer was not stopped by the dispatcher's
// re-check of the incident.
//
// What answers an incident, as the load generator sees it: an API acknowledge of the incident; a
// PagerDuty acknowledge or resolve of its only alert; an Alertmanager or Grafana notification that
// resolved every alert of its group. A key or group that maps to more than one incident (a trigger
// retried after its alert was resolved opened another) is left out, since which one it answered is
// not known.
import type { RunRecords } from '../records.js';
import { notificationsById } from './receipts.js';
import { count, iso, violation, type InvariantResult, type Violation } from './result.js';

/**
 * The dispatcher checks the incident, then sends: a commit landing between the two is a race no check
 * can close, and the harness's event loop may note either time late under load. A second covers both.
 */
export const ANSWER_TOLERANCE_MS = 1_000;

/** When each incident was known answered, on the harness's clock (the earliest 2xx that answered it). */
export function answeredAt(records: RunRecords): Map<string, number> {
  const { db, setup } = records;
  const at = new Map<string, number>();
  const note = (incident: string, ms: number) => at.set(incident, Math.min(at.get(incident) ?? Infinity, ms));

  const incidentsOfKey = new Map<string, Set<string>>();
  for (const alert of db.alerts) {
    if (!alert.incidentId) continue;
    const key = `${alert.serviceId}\n${alert.dedupKey}`;
    incidentsOfKey.set(key, (incidentsOfKey.get(key) ?? new Set()).add(alert.incidentId));
  }
  const incidentsOfGroup = new Map<string, Set<string>>();
  for (const incident of db.incidents) {
    if (!incident.groupKey || !incident.serviceId) continue;
    const key = `${incident.serviceId}\n${incident.groupKey}`;
    incidentsOfGroup.set(key, (incidentsOfGroup.get(key) ?? new Set()).add(incident.id));
  }
  const only = (found: Set<string> | undefined) => (found?.size === 1 ? [...found][0] : undefined);

  for (const event of records.answered) {
    const serviceId = setup.services[event.service];
    let incident: string | undefined;
    if (event.kind === 'api-ack') incident = event.incidentId;
    else if (event.kind === 'pd-acknowledge' || event.kind === 'pd-resolve')
      incident = only(incidentsOfKey.get(`${serviceId}\n${event.key}`));
    else if ((event.kind === 'alertmanager' || event.kind === 'grafana') && event.resolvesGroup)
      incident = only(incidentsOfGroup.get(`${serviceId}\n${event.key}`));
    if (incident) note(incident, event.answeredMs);
  }
  return at;
}

export function checkNoPageAfterAnswer(records: RunRecords): InvariantResult {
  const rows = notificationsById(records.db.notifications);
  const answered = answeredAt(records);
  const violations: Violation[] = [];
  let checked = 0;
  for (const d of records.deliveries) {
    for (const id of d.carried) {
      const row = rows.get(id);
      if (row?.kind !== 'page' || !row.incidentId) continue;
      const by = answered.get(row.incidentId);
      if (by === undefined) continue;
      checked++;
      if (d.arrivalMs > by + ANSWER_TOLERANCE_MS)
        violations.push(
          violation(
            `page ${id} for incident ${row.incidentId} reached the ${d.receiver} receiver at ${iso(d.arrivalMs)}, ` +
              `${((d.arrivalMs - by) / 1000).toFixed(1)} s after the incident was answered (${iso(by)})` +
              (d.senderPid !== null ? ` (sent by pid ${d.senderPid})` : ''),
            [row.incidentId],
            [id],
          ),
        );
    }
  }
  return {
    key: 'page-after-answer',
    title: 'pages delivered for incidents acknowledged or resolved before the send began',
    figure: `${count(violations.length)} of ${count(checked)}`,
    holds: violations.length === 0,
    violations,
    notes: [`${count(answered.size)} incidents answered by the load; tolerance ${ANSWER_TOLERANCE_MS} ms`],
  };
}
