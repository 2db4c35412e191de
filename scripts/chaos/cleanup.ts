// Undoing what a run set up, whatever happens: each step that starts something registers how to stop
// it, and the steps run in reverse order at the end, on failure, on SIGINT/SIGTERM and when the time
// box runs out. A step that fails or hangs is reported and the rest still run.

interface Step {
  name: string;
  undo: () => Promise<void> | void;
}

export class Cleanup {
  private readonly steps: Step[] = [];
  private running: Promise<void> | null = null;

  /** Registers a step; returns a function that drops it (when it was undone another way). */
  add(name: string, undo: Step['undo']): () => void {
    const step = { name, undo };
    this.steps.push(step);
    return () => {
      const i = this.steps.indexOf(step);
      if (i >= 0) this.steps.splice(i, 1);
    };
  }

  /** Runs every step once, newest first; each gets `stepTimeoutMs` before the next one starts. */
  run(report: (text: string) => void, stepTimeoutMs = 30_000): Promise<void> {
    this.running ??= (async () => {
      while (this.steps.length > 0) {
        const step = this.steps.pop() as Step;
        let timer: ReturnType<typeof setTimeout> | undefined;
        try {
          await Promise.race([
            Promise.resolve().then(step.undo),
            new Promise((_, reject) => {
              timer = setTimeout(() => reject(new Error(`took over ${stepTimeoutMs} ms`)), stepTimeoutMs);
            }),
          ]);
        } catch (error) {
          report(`cleanup: ${step.name} failed: ${error instanceof Error ? error.message : String(error)}`);
        } finally {
          clearTimeout(timer);
        }
      }
    })();
    return this.running;
  }
}
