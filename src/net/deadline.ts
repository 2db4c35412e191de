// Deadlines for outbound work: a check, a connection or a lookup that takes too long is answered by
// a fallback value instead of waiting on, so one slow peer never holds up the loop that asked.

/** `promise`'s value, or `late()` once `ms` have passed without it (the promise is left to settle unheard). */
export function within<T>(promise: Promise<T>, ms: number, late: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(late()), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Starts `run` and resolves with the first value it settles, or with `late()` after `ms`; on the
 * deadline `run`'s cancel function (its return value) is called first, so sockets are closed.
 */
export function deadline<T>(ms: number, run: (settle: (value: T) => void) => () => void, late: () => T): Promise<T> {
  return new Promise<T>((resolve) => {
    let done = false;
    const settle = (value: T) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(value);
    };
    const cancel = run(settle);
    const timer = setTimeout(() => {
      cancel();
      settle(late());
    }, ms);
  });
}
