// How each receiver behaves right now, as the fault schedule sets it: healthy, slow (answers after
// 1–4 s, inside every channel timeout Vigil has had: 5 s, now 10 s), error (500 at once; SMTP 451), or
// timeout (holds the request for 15 s, past Vigil's 10 s timeouts). Windows may overlap; the newest one
// in force decides.
import type { Random } from '../random.js';
import type { ReceiverMode, ReceiverName } from '../schedule.js';

export interface ReceiverModes {
  /** Puts `mode` in force until the returned function is called. */
  begin(receiver: ReceiverName, mode: Exclude<ReceiverMode, 'healthy'>): () => void;
  current(receiver: ReceiverName): ReceiverMode;
  /** How long to wait before answering in `mode`. */
  holdMs(mode: ReceiverMode): number;
}

export function createReceiverModes(random: Random): ReceiverModes {
  const active = new Map<ReceiverName, Array<{ mode: ReceiverMode }>>();
  return {
    begin(receiver, mode) {
      const entry = { mode };
      active.set(receiver, [...(active.get(receiver) ?? []), entry]);
      return () =>
        active.set(
          receiver,
          (active.get(receiver) ?? []).filter((e) => e !== entry),
        );
    },
    current: (receiver) => active.get(receiver)?.at(-1)?.mode ?? 'healthy',
    holdMs(mode) {
      if (mode === 'slow') return random.int(1_000, 4_000);
      if (mode === 'timeout') return 15_000;
      return 0;
    },
  };
}
