// Invariants 2 and 7: each incident climbs its policy one level at a time, each level once, and on
// time. Levels reached are read from the pages table (one row per person paged, with the run, loop
// and level) and the timeline's escalation_skipped entries (a level with nobody to page); "fired" is
// the timeline's escalated entry, written once each time a level is reached.
//
// Lateness is measured in the database's own times: a level is due at the escalation's start plus its
// delay (plus whole cycles for repeats) and reached at its pages' time, both written by instances whose
// clocks match the harness's except while one is skewed, which is why levels of incidents opened, or
// reached, while a skewed instance ran are left out. A level that was due while the incident was
// unanswered and never reached counts as late too. Levels falling in a window of a fault that holds up
// every engine (windows.ts) are not measured.
import type { DbPolicy, RunRecords } from '../records.js';
import { count, iso, percentile, seconds, violation, type InvariantResult, type Violation } from './result.js';
import { engineWindows, overlapping, writtenWhileSkewed } from './windows.js';

/** A level reached later than this after it was due is late. */
export const LATE_AFTER_MS = 5_000;

/** Seconds between one loop's start and the next (the product's documented rule for repeats). */
export function cycleSeconds(delays: readonly number[]): number {
  const last = delays.at(-1) ?? 0;
  const before = delays.length > 1 ? (delays.at(-2) ?? 0) : 0;
  return last + Math.max(60, last - before);
}

const levelKey = (run: number, loop: number, level: number) => `${run}/${loop}/${level}`;

/** Levels reached per incident: "run/loop/level" → earliest time, from pages and skipped entries. */
function reachedLevels(records: RunRecords): Map<string, Map<string, number>> {
  const reached = new Map<string, Map<string, number>>();
  const note = (incident: string, key: string, at: number) => {
    const levels = reached.get(incident) ?? new Map<string, number>();
    levels.set(key, Math.min(levels.get(key) ?? Infinity, at));
    reached.set(incident, levels);
  };
  const runOf = new Map(records.db.escalations.map((e) => [e.incidentId, e.run]));
  for (const p of records.db.pages) if (p.level > 0) note(p.incidentId, levelKey(p.run, p.loop, p.level), p.atMs);
  for (const e of records.db.timeline) {
    // Timeline entries do not name the run; they are only placed when the incident has had one.
    if (e.kind !== 'escalation_skipped' || (runOf.get(e.incidentId) ?? 0) !== 0) continue;
    note(e.incidentId, levelKey(0, Number(e.data.loop ?? 0), Number(e.data.level)), e.atMs);
  }
  return reached;
}

/** Invariant 2: no incident skipped a level or fired one twice. */
export function checkLevelsInOrder(records: RunRecords): InvariantResult {
  const violations: Violation[] = [];
  const reached = reachedLevels(records);
  const runs = new Map(records.db.escalations.map((e) => [e.incidentId, e.run + 1]));

  const fired = new Map<string, number>();
  for (const e of records.db.timeline) {
    if (e.kind !== 'escalated') continue;
    const key = `${e.incidentId}\n${Number(e.data.loop ?? 0)}/${Number(e.data.level)}`;
    fired.set(key, (fired.get(key) ?? 0) + 1);
  }
  for (const [key, times] of fired) {
    const [incident = '', level = ''] = key.split('\n');
    if (times > (runs.get(incident) ?? 1))
      violations.push(violation(`incident ${incident} fired loop/level ${level} ${times} times`, [incident]));
  }

  for (const [incident, levels] of reached) {
    const byRunLoop = new Map<string, number[]>();
    for (const key of levels.keys()) {
      const [run, loop, level] = key.split('/');
      const list = byRunLoop.get(`${run}/${loop}`) ?? [];
      list.push(Number(level));
      byRunLoop.set(`${run}/${loop}`, list);
    }
    for (const [runLoop, list] of byRunLoop) {
      const sorted = [...new Set(list)].sort((a, b) => a - b);
      const gap = sorted.find((level, i) => level !== i + 1);
      if (gap !== undefined)
        violations.push(
          violation(`incident ${incident} run/loop ${runLoop} reached levels ${sorted.join(',')}: skipped one`, [
            incident,
          ]),
        );
    }
  }

  return {
    key: 'escalation-order',
    title: 'incidents whose escalation skipped a level or fired one twice',
    figure: count(new Set(violations.flatMap((v) => v.incidentIds)).size),
    holds: violations.length === 0,
    violations,
    notes: [`${count(reached.size)} incidents escalated`],
  };
}

/** When each level of loop `loop` is due, counted from `startedMs`. */
function dueTimes(policy: DbPolicy, startedMs: number, loop: number): number[] {
  const cycle = cycleSeconds(policy.delaysSeconds);
  return policy.delaysSeconds.map((delay) => startedMs + (loop * cycle + delay) * 1000);
}

/** Invariant 7: due escalations reached within LATE_AFTER_MS of their due time, outside fault windows. */
export function checkEscalationsOnTime(records: RunRecords): InvariantResult {
  const { db } = records;
  const windows = engineWindows(records.faults);
  const policies = new Map(db.policies.map((p) => [p.id, p]));
  const incidents = new Map(db.incidents.map((i) => [i.id, i]));
  const reached = reachedLevels(records);
  const violations: Violation[] = [];
  const lateness: number[] = [];
  let measured = 0;
  let excluded = 0;
  let early = 0;
  let laterRuns = 0;

  for (const escalation of db.escalations) {
    const incident = incidents.get(escalation.incidentId);
    const policy = policies.get(escalation.policyId);
    if (!incident || !policy) continue;
    if (escalation.run !== 0) {
      laterRuns++;
      continue;
    }
    // An incident a skewed instance may have opened started its escalation on the wrong clock.
    if (writtenWhileSkewed(records.faults, incident.createdMs)) {
      excluded += policy.delaysSeconds.length;
      continue;
    }
    const answered = Math.min(
      incident.resolvedMs ?? Infinity,
      policy.escalateWhile === 'unacknowledged' ? (incident.acknowledgedMs ?? Infinity) : Infinity,
    );
    for (let loop = 0; loop <= policy.repeat; loop++) {
      dueTimes(policy, escalation.startedMs, loop).forEach((due, i) => {
        if (due + LATE_AFTER_MS > records.endMs) return; // not yet late when the run ended
        const at = reached.get(incident.id)?.get(levelKey(0, loop, i + 1));
        // Not reached and answered in time: nothing was owed.
        if (at === undefined && answered <= due + LATE_AFTER_MS) return;
        const until = at ?? Math.min(answered, records.endMs);
        // Reached by a skewed instance: its time is off by the offset.
        const skewed = at !== undefined && writtenWhileSkewed(records.faults, at);
        if (skewed || overlapping(windows, due, Math.max(until, due + LATE_AFTER_MS))) {
          excluded++;
          return;
        }
        const late = until - due;
        measured++;
        if (at !== undefined) lateness.push(late);
        if (late < -1000) early++;
        if (late > LATE_AFTER_MS)
          violations.push(
            violation(
              `incident ${incident.id} level ${i + 1} (loop ${loop}) due ${iso(due)} ` +
                (at === undefined
                  ? `never reached (answered or run over ${iso(until)})`
                  : `reached ${seconds(late)} late`),
              [incident.id],
            ),
          );
      });
    }
  }

  const p99 = percentile(lateness, 99);
  return {
    key: 'escalation-late',
    title: 'due escalations later than 5 s past due outside fault windows',
    figure: `${count(violations.length)} of ${count(measured)}, p99 ${p99 === null ? '–' : seconds(p99)}`,
    holds: violations.length === 0,
    violations,
    notes: [
      `${count(excluded)} levels fell in fault windows and were not measured`,
      ...(early > 0 ? [`${count(early)} levels reached more than 1 s before due`] : []),
      ...(laterRuns > 0 ? [`${count(laterRuns)} reopened escalations not measured`] : []),
    ],
  };
}
