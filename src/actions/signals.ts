// In-process wake-ups after a commit: runners long-polling for their group's work, the HTTP lane, and
// the output streams of the console. They only shorten waits: each waiter also looks again on a timer
// of its own, which is how work queued by another instance is found.
type Listener = () => void;

export function createSignals() {
  const topics = new Map<string, Set<Listener>>();

  function on(topic: string, fn: Listener): () => void {
    let set = topics.get(topic);
    if (!set) topics.set(topic, (set = new Set()));
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0) topics.delete(topic);
    };
  }

  return {
    on,
    emit(topic: string): void {
      for (const fn of [...(topics.get(topic) ?? [])]) fn();
    },
    /**
     * Wakes the longest-waiting listener only: one queued invocation needs one claimer, and waking every
     * runner's long poll for it would have them all race for the same row (a thundering herd).
     */
    emitOne(topic: string): void {
      const first = topics.get(topic)?.values().next();
      if (first && !first.done) first.value();
    },
    /** Resolves when `topic` is emitted, `ms` passes, or `signal` aborts, whichever is first. */
    wait(topic: string, ms: number, signal?: AbortSignal): Promise<void> {
      return new Promise((resolve) => {
        if (signal?.aborted) return resolve();
        const done = () => {
          clearTimeout(timer);
          off();
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        const off = on(topic, done);
        signal?.addEventListener('abort', done, { once: true });
      });
    },
  };
}

export type Signals = ReturnType<typeof createSignals>;

export const queueTopic = (group: string | null) => `queue:${group ?? ''}`;
export const invocationTopic = (id: string) => `invocation:${id}`;
