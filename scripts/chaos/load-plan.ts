// The load plan: every request the load generator will send, when, and to which instance first,
// derived from the seed alone (the same seed gives the same plan). Requests are grouped into stories:
// one alert's life (trigger, re-triggers, maybe an acknowledge, maybe a resolve), one Alertmanager or
// Grafana group's notifications, a change event; heartbeats run on their own beat. A story's steps are
// sent in order, each after the one before it was answered, so a resolve never overtakes its trigger.
//
// Reactive acknowledgements (an API acknowledge when an incident's first page arrives) are not in the
// plan: they depend on when pages arrive. Whether an incident gets one is still decided by the seed
// (`reactsToPage`), from the story named in the incident's title.
import { hash32, type Random } from './random.js';

/** The services setup creates, by role: which ingest format each takes and which policy pages. */
export const SERVICES = ['pd-alpha', 'pd-beta', 'alertmanager', 'grafana'] as const;
export type ServiceName = (typeof SERVICES)[number];
/** Heartbeat monitors the load beats. */
export const HEARTBEATS = 2;

export type Severity = 'critical' | 'error' | 'warning' | 'info';

export interface GroupAlert {
  fingerprint: string;
  status: 'firing' | 'resolved';
  severity: Severity;
  /** Unique per alert per notification: found again in the stored alert event. */
  eventId: string;
}

export type LoadOp =
  | {
      kind: 'pd';
      action: 'trigger' | 'acknowledge' | 'resolve';
      service: 'pd-alpha' | 'pd-beta';
      dedupKey: string;
      eventId: string;
      severity: Severity;
      /** A class the runbook rules read (outage makes a P0). */
      eventClass?: string;
    }
  | { kind: 'alertmanager' | 'grafana'; service: 'alertmanager' | 'grafana'; groupKey: string; alerts: GroupAlert[] }
  | { kind: 'change'; service: ServiceName; eventId: string }
  | { kind: 'heartbeat'; monitor: number; eventId: string };

export interface PlannedRequest {
  atMs: number;
  /** The story it belongs to (its steps are sent in order); also in alert titles. */
  story: string;
  step: number;
  /** The instance tried first. */
  instance: number;
  op: LoadOp;
}

export interface LoadPlanInput {
  minutes: number;
  instances: number;
  /** Requests per second on average (surges aside). */
  rate: number;
  /** Moments the schedule wants busy (SIGTERMs): the load runs at three times its rate around each. */
  busyMomentsMs?: readonly number[];
}

/** Requests one story sends on average, from the mix below (measured on long plans). */
const MEAN_REQUESTS_PER_STORY = 4.3;
const HEARTBEAT_EVERY_MS = 3_000;
const SURGE_HALF_WIDTH_MS = 6_000;
const SURGE_FACTOR = 3;

const STORY_MIX = { pd: 0.5, alertmanager: 0.2, grafana: 0.15, change: 0.15 } as const;
const SEVERITY_MIX = { critical: 0.45, outage: 0.1, error: 0.25, warning: 0.15, info: 0.05 } as const;

type Step = { afterMs: number; op: LoadOp };

function pdStory(random: Random, story: string): Step[] {
  const service: 'pd-alpha' | 'pd-beta' = random.chance(0.5) ? 'pd-alpha' : 'pd-beta';
  const pick = random.weighted(SEVERITY_MIX);
  const severity: Severity = pick === 'outage' ? 'critical' : pick;
  const eventClass = pick === 'outage' ? 'outage' : undefined;
  const base = { kind: 'pd' as const, service, dedupKey: story, severity, ...(eventClass && { eventClass }) };
  const steps: Step[] = [{ afterMs: 0, op: { ...base, action: 'trigger', eventId: `${story}.0` } }];
  let t = 0;
  const retriggers = random.int(1, 5);
  for (let i = 1; i <= retriggers; i++) {
    t += random.int(1_000, 8_000);
    steps.push({ afterMs: t, op: { ...base, action: 'trigger', eventId: `${story}.${i}` } });
  }
  if (random.chance(0.4)) {
    t += random.int(3_000, 40_000);
    steps.push({ afterMs: t, op: { ...base, action: 'acknowledge', eventId: `${story}.ack` } });
  }
  if (random.chance(0.8)) {
    t += random.int(5_000, 90_000);
    steps.push({ afterMs: t, op: { ...base, action: 'resolve', eventId: `${story}.resolve` } });
  }
  return steps;
}

function groupStory(random: Random, story: string, kind: 'alertmanager' | 'grafana'): Step[] {
  const size = random.int(1, 4);
  const severity = random.weighted({ critical: 0.6, error: 0.25, warning: 0.15 });
  const fingerprints = Array.from({ length: size }, (_, i) => `${story}-a${i}`);
  const steps: Step[] = [];
  let t = 0;
  let sent = 0;
  const send = (resolved: ReadonlySet<number>) => {
    const n = sent++;
    steps.push({
      afterMs: t,
      op: {
        kind,
        service: kind,
        groupKey: `{}:{story="${story}"}`,
        alerts: fingerprints.map((fingerprint, i) => ({
          fingerprint,
          status: resolved.has(i) ? 'resolved' : 'firing',
          severity,
          eventId: `${story}.${n}.${i}`,
        })),
      },
    });
  };
  send(new Set());
  const resends = random.int(1, 4);
  for (let i = 0; i < resends; i++) {
    t += random.int(3_000, 15_000);
    send(new Set());
  }
  if (size > 1 && random.chance(0.3)) {
    t += random.int(3_000, 20_000);
    send(new Set([0]));
  }
  if (random.chance(0.75)) {
    t += random.int(10_000, 90_000);
    send(new Set(fingerprints.map((_, i) => i)));
  }
  return steps;
}

/** Whether `at` falls inside a surge around one of the busy moments. */
const surging = (at: number, moments: readonly number[]) =>
  moments.some((m) => Math.abs(at - m) <= SURGE_HALF_WIDTH_MS);

/** The whole plan, sorted by time. Steps falling after the end of the run are left out. */
export function planLoad(random: Random, input: LoadPlanInput): PlannedRequest[] {
  const durationMs = Math.round(input.minutes * 60_000);
  const moments = input.busyMomentsMs ?? [];
  const heartbeatRate = (HEARTBEATS * 1000) / HEARTBEAT_EVERY_MS;
  const storiesPerMs = Math.max(0.05, input.rate - heartbeatRate) / MEAN_REQUESTS_PER_STORY / 1000;
  const stories = random.fork('stories');
  const targets = random.fork('targets');
  const plan: PlannedRequest[] = [];
  const counters = { pd: 0, alertmanager: 0, grafana: 0, change: 0 };

  // Story starts arrive as a Poisson process (exponential gaps), faster during surges.
  for (let at = 0; ;) {
    const rate = storiesPerMs * (surging(at, moments) ? SURGE_FACTOR : 1);
    at += -Math.log(1 - stories.next()) / rate;
    if (at >= durationMs) break;
    const kind = stories.weighted(STORY_MIX);
    const story = `${kind === 'alertmanager' ? 'am' : kind === 'grafana' ? 'gf' : kind}-${++counters[kind]}`;
    const steps: Step[] =
      kind === 'pd'
        ? pdStory(stories, story)
        : kind === 'change'
          ? [{ afterMs: 0, op: { kind: 'change', service: stories.pick(SERVICES), eventId: `${story}.0` } }]
          : groupStory(stories, story, kind);
    steps.forEach(({ afterMs, op }, step) => {
      const atMs = Math.round(at + afterMs);
      if (atMs < durationMs) plan.push({ atMs, story, step, instance: targets.int(0, input.instances - 1), op });
    });
  }

  const beats = random.fork('heartbeats');
  for (let monitor = 0; monitor < HEARTBEATS; monitor++) {
    let n = 0;
    for (let at = beats.int(0, HEARTBEAT_EVERY_MS); at < durationMs; at += beats.int(2_500, 3_500)) {
      const story = `hb-${monitor}`;
      plan.push({
        atMs: at,
        story: `${story}-${n}`,
        step: 0,
        instance: targets.int(0, input.instances - 1),
        op: { kind: 'heartbeat', monitor, eventId: `${story}.${n++}` },
      });
    }
  }
  return plan.sort((a, b) => a.atMs - b.atMs || a.story.localeCompare(b.story) || a.step - b.step);
}

/**
 * Whether the incident of `story` is acknowledged through the API as soon as its first page arrives:
 * about half are, as in the probe. A pure function of seed and story, so it replays.
 */
export function reactsToPage(seed: string | number, story: string): boolean {
  return hash32(`${seed}/react/${story}`) % 2 === 0;
}

/** The story named in an incident title the load generator wrote ("chaos pd-12: …"), if any. */
export function storyOfTitle(title: string): string | undefined {
  return /\bchaos ((?:pd|am|gf)-\d+)\b/.exec(title)?.[1];
}
