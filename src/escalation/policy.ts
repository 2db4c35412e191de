// Escalation policies and the pure rules of climbing them. Storage, people and the sweep live
// elsewhere (escalation.service.ts); everything here takes its inputs, including `now`, as values.
//
// Timing: a level's delay counts from when the escalation started (the incident's creation, or its
// reopening), so the seed's chain is delays 0, 900, 1800 and 3600 s. A repeat starts the chain over;
// loop k's level i is due at start + k·cycle + delay(i), where the cycle is the last level's delay
// plus the gap before it (at least a minute), so the first level of the next loop comes as long after
// the last level as the last level came after the one before it.

export const ESCALATE_WHILE = ['unacknowledged', 'unresolved'] as const;
export type EscalateWhile = (typeof ESCALATE_WHILE)[number];

export const TARGET_TYPES = ['user', 'schedule', 'team'] as const;
export type TargetType = (typeof TARGET_TYPES)[number];

export interface Target {
  type: TargetType;
  id: string;
}

export interface Level {
  name: string | null;
  delaySeconds: number;
  targets: Target[];
}

export interface Policy {
  id: string;
  name: string;
  description: string | null;
  escalateWhile: EscalateWhile;
  /** How many times the whole chain runs again after its last level (0 = once). */
  repeat: number;
  levels: Level[];
  createdAt: Date;
  updatedAt: Date;
}

export const SEED_POLICY_NAME = 'Seed escalation chain';
/**
 * Fixed, so a renamed seed policy is still found and never created twice; also the fallback for services without a
 * policy.
 */
export const SEED_POLICY_ID = 'pol_seed';

/** The runbook's chain: on-call engineer, technical lead, engineering manager, CTO / VP engineering. */
export const SEED_LEVELS: Level[] = [
  { name: 'on-call engineer', delaySeconds: 0, targets: [] },
  { name: 'technical lead', delaySeconds: 15 * 60, targets: [] },
  { name: 'engineering manager', delaySeconds: 30 * 60, targets: [] },
  { name: 'CTO / VP engineering', delaySeconds: 60 * 60, targets: [] },
];

/** Seconds between one loop's start and the next. */
export function cycleSeconds(levels: Level[]): number {
  const last = levels.at(-1)?.delaySeconds ?? 0;
  const before = levels.length > 1 ? (levels.at(-2)?.delaySeconds ?? 0) : 0;
  return last + Math.max(60, last - before);
}

/** When level `index` (0-based) of loop `loop` is due. */
export function levelDueAt(levels: Level[], startedAt: Date, loop: number, index: number): Date {
  const level = levels[index];
  if (!level) throw new RangeError(`the policy has no level ${index + 1}`);
  return new Date(startedAt.getTime() + (loop * cycleSeconds(levels) + level.delaySeconds) * 1000);
}

/** Where an escalation stands: the next level to reach (0-based) in which loop. */
export interface Position {
  level: number;
  loop: number;
}

/** The position after reaching `at`'s level, or null when the policy has run out (repeats included). */
export function advance(policy: Pick<Policy, 'levels' | 'repeat'>, at: Position): Position | null {
  if (at.level + 1 < policy.levels.length) return { level: at.level + 1, loop: at.loop };
  if (at.loop < policy.repeat) return { level: 0, loop: at.loop + 1 };
  return null;
}

/** Whether an escalation keeps going for an incident in this status; null = it goes on. */
export function stopReason(escalateWhile: EscalateWhile, status: string): 'resolved' | 'acknowledged' | null {
  if (status === 'resolved') return 'resolved';
  if (escalateWhile === 'unacknowledged' && status !== 'triggered') return 'acknowledged';
  return null;
}

/** Problems with a policy's shape, each naming its field; empty when it is usable. */
export function policyProblems(levels: Level[]): string[] {
  const problems: string[] = [];
  if (levels.length === 0) problems.push('levels: a policy needs at least one level');
  levels.forEach((level, i) => {
    const previous = levels[i - 1];
    if (previous && level.delaySeconds < previous.delaySeconds) {
      problems.push(
        `levels[${i}].delay_seconds: must not be less than the level before it (${previous.delaySeconds}); ` +
          "delays count from the incident's creation",
      );
    }
  });
  return problems;
}
