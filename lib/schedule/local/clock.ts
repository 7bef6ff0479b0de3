/** Time as the local scheduler sees it; tests pass a manual clock so fires are instant. */
export interface SchedulerClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `callback` after `delayMs`; returns a function that cancels it. */
  setTimer(callback: () => void, delayMs: number): () => void;
}

/** Real time. Timers are unref'd: a scheduler alone never keeps the process alive. */
export const systemClock: SchedulerClock = {
  now: () => Date.now(),
  setTimer(callback, delayMs) {
    const timer = setTimeout(callback, delayMs);
    timer.unref?.();
    return () => clearTimeout(timer);
  },
};

/** A clock that moves only when told to: `advance(ms)` runs due timers in time order. */
export function createManualClock(start: Date | number = 0) {
  let now = typeof start === "number" ? start : start.getTime();
  let seq = 0;
  const timers = new Map<number, { at: number; callback: () => void }>();
  return {
    now: () => now,
    setTimer(callback: () => void, delayMs: number) {
      const id = ++seq;
      timers.set(id, { at: now + Math.max(0, delayMs), callback });
      return () => timers.delete(id);
    },
    /** Moves time forward by `ms`, firing every timer that falls due (including ones set by fired timers). */
    advance(ms: number) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.entries()]
          .filter(([, timer]) => timer.at <= end)
          .sort(([a, x], [b, y]) => x.at - y.at || a - b)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = Math.max(now, due[1].at);
        due[1].callback();
      }
      now = end;
    },
    /** Timers waiting. */
    pending: () => timers.size,
  } satisfies SchedulerClock & Record<string, unknown>;
}
