import type { SchedulerClock } from "../schedule/local/clock.ts";
import { systemClock } from "../schedule/local/clock.ts";

/** The one clock of a dev stack: the scheduler's timers, the API's next runs, run and lease times. */
export interface DevClock extends SchedulerClock {
  /** Now, as a Date (the store's and the use cases' clock). */
  date(): Date;
}

/**
 * Real time, optionally shifted so that it reads `start` at creation and then runs at real speed.
 * The shift exists for tests (`SYNCRON_DEV_NOW`): it puts a cron fire seconds away, or jumps a
 * restarted stack past a fire it missed, without waiting for the wall clock.
 */
export function createDevClock(start?: Date): DevClock {
  const offset = start === undefined ? 0 : start.getTime() - Date.now();
  const now = () => Date.now() + offset;
  return {
    now,
    date: () => new Date(now()),
    // Timers count real milliseconds, so a shifted clock fires when its shifted time says so.
    setTimer: (callback, delayMs) => systemClock.setTimer(callback, delayMs),
  };
}
