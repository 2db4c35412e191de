// The output of one invocation as it arrives. A run not over yet is followed over server-sent events
// (GET …/output/stream: `output` with a chunk, `state` with the invocation, `end`), with the session cookie;
// when the stream cannot be held (closed for good, or no EventSource), the output is asked for every second
// after the last chunk seen (GET …/output?after=SEQ) until it is over. A run already over is read once.
// Chunks are kept by their sequence number, so a reconnect that replays them adds nothing twice.
import { useEffect, useEffectEvent, useState } from 'react';
import { isFinal } from '../shared/action-words.ts';
import { getOutput, outputStreamPath } from '../shared/actions-api.ts';
import type { ActionInvocation, ActionOutputChunk } from '../shared/api.ts';

const POLL_MS = 1000;

export interface LiveOutput {
  chunks: readonly ActionOutputChunk[];
  /** The server kept only the first 64 KiB. */
  truncated: boolean;
  /** How the output is followed: the stream, asking every second, or not at all (it is over). */
  via: 'stream' | 'polling' | 'done';
}

/** Follows `invocation`'s output; `onState` gets the invocation whenever the stream says its state changed. */
export function useActionOutput(
  invocation: ActionInvocation,
  onState: (invocation: ActionInvocation) => void,
): LiveOutput {
  const [chunks, setChunks] = useState<ActionOutputChunk[]>([]);
  const [truncated, setTruncated] = useState(false);
  const [via, setVia] = useState<LiveOutput['via']>(() =>
    isFinal(invocation.state) ? 'done' : typeof EventSource === 'undefined' ? 'polling' : 'stream',
  );
  const startsOver = useEffectEvent(() => isFinal(invocation.state));
  const stateChanged = useEffectEvent(onState);
  const invocationId = invocation.id;

  useEffect(() => {
    let stopped = false;
    let last = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let source: EventSource | null = null;
    const add = (fresh: readonly ActionOutputChunk[]) => {
      const next = fresh.filter((c) => c.seq > last).sort((a, b) => a.seq - b.seq);
      if (next.length === 0) return;
      last = next[next.length - 1]?.seq ?? last;
      setChunks((before) => [...before, ...next]);
    };
    const poll = async () => {
      try {
        const output = await getOutput(invocationId, last);
        if (stopped) return;
        add(output.data);
        setTruncated(output.truncated);
        if (isFinal(output.state)) {
          setVia('done');
          return;
        }
      } catch {
        // A failed read is tried again on the next tick.
      }
      if (!stopped) timer = setTimeout(() => void poll(), POLL_MS);
    };
    if (startsOver() || typeof EventSource === 'undefined') void poll();
    else {
      const stream = new EventSource(outputStreamPath(invocationId));
      source = stream;
      stream.addEventListener('output', (event) => {
        try {
          add([JSON.parse((event as MessageEvent<string>).data) as ActionOutputChunk]);
        } catch {
          // A malformed event adds nothing.
        }
      });
      stream.addEventListener('state', (event) => {
        try {
          const changed = JSON.parse((event as MessageEvent<string>).data) as ActionInvocation;
          if (changed.output_truncated) setTruncated(true);
          stateChanged(changed);
        } catch {
          // A malformed event changes nothing.
        }
      });
      stream.addEventListener('end', () => {
        stream.close();
        source = null;
        // The last word: whatever the stream may have missed, and whether the output was cut.
        void poll();
      });
      stream.onerror = () => {
        if (stream.readyState !== EventSource.CLOSED || stopped) return;
        source = null;
        setVia('polling');
        void poll();
      };
    }
    return () => {
      stopped = true;
      source?.close();
      clearTimeout(timer);
    };
  }, [invocationId]);

  return { chunks, truncated, via };
}
