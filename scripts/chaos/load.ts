// The load generator: sends the plan's requests at their times to their instances, each story's steps
// in order, and acknowledges through the API about half of the incidents as soon as their first page
// reaches the webhook receiver. A request that gets no answer (the instance is dead), a 5xx, a 429 or
// a timeout is retried against the next instance with the same body (so the same dedup key), for up to
// RETRY_FOR_MS; every 2xx is remembered with the harness time it came back, for the invariants.
import type { Fleet } from './instances.js';
import type { Answer, Call } from './http-client.js';
import { reactsToPage, storyOfTitle, type PlannedRequest } from './load-plan.js';
import { answeredRecord, httpRequestFor, type RequestContext } from './load-requests.js';
import { hash32 } from './random.js';
import type { AnsweredEvent } from './records.js';
import type { DeliveryLog } from './receivers/delivery-log.js';
import { sleep } from './progress.js';

/** A request is retried for this long before the load gives up on it (longer than a PostgreSQL restart). */
export const RETRY_FOR_MS = 45_000;
const ATTEMPT_TIMEOUT_MS = 10_000;

/** One try of one request, kept to describe how Vigil answered during faults. */
export interface Attempt {
  atMs: number;
  ms: number;
  instance: number;
  status: number;
  /** The failure's code when no answer came (see Answer.errorCode). */
  error?: string | undefined;
  path: string;
}

export interface LoadStats {
  planned: number;
  sent: number;
  answered: number;
  /** 4xx answers other than 408/429: the harness sent something Vigil refuses (a bug here, or a conflict). */
  refused: number;
  gaveUp: number;
  retried: number;
  reactiveAcks: number;
  ackConflicts: number;
}

export interface LoadDeps {
  plan: readonly PlannedRequest[];
  fleet: Fleet;
  call: Call;
  ctx: RequestContext;
  token: string;
  seed: string;
  deliveries: DeliveryLog;
  /** Problems worth a progress line (refused requests, requests given up). */
  say: (text: string) => void;
}

export function createLoad(deps: LoadDeps) {
  const { fleet, call } = deps;
  const answered: AnsweredEvent[] = [];
  const attempts: Attempt[] = [];
  const stats: LoadStats = {
    planned: deps.plan.length,
    sent: 0,
    answered: 0,
    refused: 0,
    gaveUp: 0,
    retried: 0,
    reactiveAcks: 0,
    ackConflicts: 0,
  };
  const running = new Set<Promise<void>>();
  let stopped = false;
  let reacting = true;
  let startMs = 0;

  const track = (p: Promise<void>) => {
    running.add(p);
    void p.finally(() => running.delete(p));
  };

  /**
   * Sends one request, trying instances in turn until one answers or RETRY_FOR_MS pass (or `quit` says
   * so); the answer that ended it, which instance, how many tries. A refused connection moves on to
   * the next instance at once, but once every instance refused in a row the next round waits.
   */
  async function send(path: string, body: unknown, first: number, quit: () => boolean, token?: string) {
    const deadline = Date.now() + RETRY_FOR_MS;
    const count = fleet.instances.length;
    let instance = first;
    let refusedInARow = 0;
    for (let attempt = 1; ; attempt++) {
      const answer: Answer = await call(`${fleet.instances[instance]?.url}${path}`, {
        body: body ?? {},
        token,
        timeoutMs: ATTEMPT_TIMEOUT_MS,
      });
      attempts.push({
        atMs: Date.now(),
        ms: answer.ms,
        instance,
        status: answer.status,
        error: answer.errorCode,
        path,
      });
      const retryable = answer.status === 0 || answer.status === 408 || answer.status === 429 || answer.status >= 500;
      if (!retryable || Date.now() >= deadline || quit()) return { answer, instance, attempts: attempt };
      refusedInARow = answer.errorCode === 'ECONNREFUSED' ? refusedInARow + 1 : 0;
      const asked = Number(answer.retryAfter);
      const backoff = Math.max(
        Number.isFinite(asked) ? Math.min(asked, 5) * 1000 : 0,
        Math.min(2000, 250 * 2 ** (attempt - 1)),
      );
      const wait = refusedInARow > 0 && refusedInARow % count !== 0 ? 20 : backoff;
      instance = (instance + 1) % count;
      await sleep(wait);
    }
  }

  async function runStory(steps: PlannedRequest[]): Promise<void> {
    for (const step of steps) {
      await sleep(startMs + step.atMs - Date.now());
      if (stopped) return;
      const request = httpRequestFor(step, deps.ctx);
      stats.sent++;
      const {
        answer,
        instance,
        attempts: tries,
      } = await send(request.path, request.body, step.instance, () => stopped);
      if (tries > 1) stats.retried++;
      if (answer.status >= 200 && answer.status < 300) {
        stats.answered++;
        answered.push(answeredRecord(step, Date.now(), instance, tries));
      } else if (answer.status >= 400 && answer.status < 500 && answer.status !== 408 && answer.status !== 429) {
        stats.refused++;
        deps.say(`load: ${step.story} step ${step.step} refused ${answer.status}: ${answer.text.slice(0, 200)}`);
      } else {
        stats.gaveUp++;
        deps.say(
          `load: gave up on ${step.story} step ${step.step} after ${tries} tries (${answer.status || answer.error})`,
        );
      }
    }
  }

  /** The API acknowledge a paged person would send; 409 means the incident was answered already. */
  async function acknowledge(incidentId: string, delayMs: number): Promise<void> {
    await sleep(delayMs);
    if (!reacting) return;
    const first = hash32(incidentId) % fleet.instances.length;
    const {
      answer,
      instance,
      attempts: tries,
    } = await send(`/api/v1/incidents/${incidentId}/acknowledge`, {}, first, () => !reacting, deps.token);
    if (answer.status >= 200 && answer.status < 300) {
      stats.reactiveAcks++;
      answered.push({
        kind: 'api-ack',
        story: '',
        key: incidentId,
        service: '',
        triggerIds: [],
        incidentId,
        answeredMs: Date.now(),
        instance,
        attempts: tries,
      });
    } else if (answer.status === 409) stats.ackConflicts++;
    else deps.say(`load: acknowledge of ${incidentId} ended with ${answer.status || answer.error}`);
  }

  const paged = new Set<string>();
  deps.deliveries.onPages((pages) => {
    for (const page of pages) {
      if (!reacting || paged.has(page.incidentId)) continue;
      paged.add(page.incidentId);
      const story = storyOfTitle(page.title);
      if (story && reactsToPage(deps.seed, story))
        track(acknowledge(page.incidentId, 200 + (hash32(`${deps.seed}/${story}`) % 1300)));
    }
  });

  return {
    answered,
    attempts,
    stats: () => ({ ...stats }),
    /** Sends the plan from `at` on; resolves when every story has finished (or the load was stopped). */
    async run(at: number): Promise<void> {
      startMs = at;
      const stories = new Map<string, PlannedRequest[]>();
      for (const step of deps.plan) stories.set(step.story, [...(stories.get(step.story) ?? []), step]);
      for (const steps of stories.values()) {
        await sleep(startMs + (steps[0] as PlannedRequest).atMs - Date.now());
        if (stopped) break;
        track(runStory(steps));
      }
      while (running.size > 0) await Promise.race([...running]);
    },
    /** No new steps or retries from now on. */
    stop() {
      stopped = true;
    },
    /** No more acknowledgements of paged incidents. */
    stopReacting() {
      reacting = false;
    },
    /** Waits for the acknowledgements under way. */
    async drain(): Promise<void> {
      while (running.size > 0) await Promise.race([...running]);
    },
  };
}

export type Load = ReturnType<typeof createLoad>;
