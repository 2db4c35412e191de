// Every invariant of issue 18, in the order the report lists them. Each is a pure function of the
// run's records, so each can be shown to fail on a small synthetic record (test/chaos-invariants.test.ts).
import type { RunRecords } from '../records.js';
import { checkEscalationsOnTime, checkLevelsInOrder } from './escalation.js';
import { checkEventsStored } from './events.js';
import { checkMonitorsKeepChecking, checkNoCrashes, checkNoDeadWhileHealthy } from './health.js';
import { checkNoPageAfterAnswer } from './page-after-answer.js';
import { checkIdsComplete, checkOnePageOneId, checkResends } from './repeats.js';
import type { InvariantResult } from './result.js';
import { checkStatesAgree } from './states.js';

export type { InvariantResult, Violation } from './result.js';

export const CHECKS: ReadonlyArray<(records: RunRecords) => InvariantResult> = [
  checkEventsStored,
  checkLevelsInOrder,
  checkOnePageOneId,
  checkResends,
  checkNoPageAfterAnswer,
  checkStatesAgree,
  checkEscalationsOnTime,
  checkNoDeadWhileHealthy,
  checkMonitorsKeepChecking,
  checkIdsComplete,
  checkNoCrashes,
];

export function checkAll(records: RunRecords): InvariantResult[] {
  return CHECKS.map((check) => check(records));
}
