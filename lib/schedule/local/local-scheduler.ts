import { nextRuns } from "../../cron/index.ts";
import { formatScheduledTime, type ScheduleMessage, scheduleMessage } from "../../queue/message.ts";
import { DEFAULT_NAME_PREFIX } from "../names.ts";
import type { ScheduleInfo, Scheduler, ScheduleSpec, UpsertResult } from "../scheduler.ts";
import { validateSpec } from "../validate.ts";
import { type SchedulerClock, systemClock } from "./clock.ts";

/** setTimeout's ceiling (~24.8 days): longer waits are re-armed in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface LocalSchedulerOptions {
  /** Delivers a fire (the dev stack sends it to SQS, as EventBridge Scheduler would). */
  send(message: ScheduleMessage): Promise<unknown>;
  clock?: SchedulerClock;
  namePrefix?: string;
  /** Told about a fire whose send failed; the schedule goes on. */
  onError?(error: unknown, message: ScheduleMessage): void;
}

export interface LocalScheduler extends Scheduler {
  /** Cancels every timer; later upserts are kept but do not fire. */
  stop(): void;
  /** Resolves when every send started so far has settled. */
  idle(): Promise<void>;
}

interface Entry {
  spec: ScheduleSpec;
  name: string;
  next?: number | undefined;
  cancel?: (() => void) | undefined;
  /** What `list` shows of it, made once per change (task-status lists every schedule per request). */
  info?: ScheduleInfo | undefined;
}

/**
 * The dev backend: one in-process timer per config over `lib/cron`'s `nextRuns` (so the time zone,
 * DST and the day-of-month OR day-of-week rule match production), sending the very message
 * EventBridge Scheduler sends, with `scheduled_time` the fire instant. State lives in memory: on
 * start, rebuild it from the store with `reconcileSchedules(enabledConfigs, scheduler)`.
 * A fire missed while the process slept is sent once, late; earlier misses are not replayed.
 */
export function createLocalScheduler(options: LocalSchedulerOptions): LocalScheduler {
  const clock = options.clock ?? systemClock;
  const prefix = options.namePrefix ?? DEFAULT_NAME_PREFIX;
  const entries = new Map<string, Entry>();
  const inFlight = new Set<Promise<unknown>>();
  let stopped = false;

  const arm = (entry: Entry, from: number) => {
    entry.cancel?.();
    entry.cancel = undefined;
    entry.next = undefined;
    entry.info = undefined;
    if (stopped || !entry.spec.enabled) return;
    const [next] = nextRuns(entry.spec.cron, {
      timezone: entry.spec.timezone,
      from: new Date(from),
      count: 1,
    });
    // Like EventBridge Scheduler's EndDate: no fire at or after the end.
    if (!next || (entry.spec.end_time !== undefined && next.getTime() >= Date.parse(entry.spec.end_time)))
      return;
    entry.next = next.getTime();
    wait(entry, entry.next);
  };

  const wait = (entry: Entry, at: number) => {
    const delay = at - clock.now();
    entry.cancel = clock.setTimer(
      () => (delay > MAX_TIMER_MS ? wait(entry, at) : fire(entry, at)),
      Math.min(Math.max(0, delay), MAX_TIMER_MS),
    );
  };

  const fire = (entry: Entry, at: number) => {
    if (entries.get(entry.spec.config_id) !== entry) return;
    const message = scheduleMessage(entry.spec.config_id, formatScheduledTime(new Date(at)));
    arm(entry, Math.max(at, clock.now()));
    const sending = Promise.resolve()
      .then(() => options.send(message))
      .catch((error: unknown) => options.onError?.(error, message));
    inFlight.add(sending);
    void sending.finally(() => inFlight.delete(sending));
  };

  const plan = (spec: ScheduleSpec): ScheduleInfo[] => {
    const { names } = validateSpec(spec, prefix);
    const state = spec.enabled ? "ENABLED" : "DISABLED";
    const end = spec.end_time === undefined ? {} : { end_time: spec.end_time };
    return [
      {
        config_id: spec.config_id,
        name: names[0],
        expression: spec.cron,
        timezone: spec.timezone,
        state,
        ...end,
      },
    ];
  };

  return {
    backend: "local",
    check: (spec) => void validateSpec(spec, prefix),
    plan,

    async upsert(spec): Promise<UpsertResult> {
      const [planned] = plan(spec);
      const existing = entries.get(spec.config_id);
      if (
        existing &&
        existing.spec.cron === spec.cron &&
        existing.spec.timezone === spec.timezone &&
        existing.spec.enabled === spec.enabled &&
        existing.spec.end_time === spec.end_time
      ) {
        existing.spec = { ...spec };
        existing.info = undefined;
        return "unchanged";
      }
      existing?.cancel?.();
      const entry: Entry = { spec: { ...spec }, name: planned!.name };
      entries.set(spec.config_id, entry);
      arm(entry, clock.now());
      return existing ? "updated" : "created";
    },

    async remove(configId) {
      const entry = entries.get(configId);
      entry?.cancel?.();
      return entries.delete(configId);
    },

    async list() {
      return [...entries.values()].map((entry) => {
        const { spec, name, next } = entry;
        entry.info ??= Object.freeze({
          config_id: spec.config_id,
          name,
          expression: spec.cron,
          timezone: spec.timezone,
          state: spec.enabled ? "ENABLED" : "DISABLED",
          ...(spec.end_time === undefined ? {} : { end_time: spec.end_time }),
          ...(next === undefined ? {} : { next_run: new Date(next).toISOString() }),
        });
        return entry.info;
      });
    },

    stop() {
      stopped = true;
      for (const entry of entries.values()) {
        entry.cancel?.();
        entry.cancel = undefined;
      }
    },

    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
