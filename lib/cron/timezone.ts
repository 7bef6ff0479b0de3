import { ENV } from "../env.ts";
import { CronError } from "./errors.ts";

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let format = formatters.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: timezone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timezone, format);
  }
  return format;
}

/**
 * Throws CronError unless `timezone` is an IANA time zone name that Node's ICU knows (`UTC`, `Asia/Shanghai`,
 * links such as `US/Eastern`). Offsets like `+08:00` are not zone names and are refused.
 */
export function assertTimezone(timezone: string): void {
  const bad = () => new CronError(`timezone: ${JSON.stringify(timezone)} is not a known IANA time zone`);
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(timezone)) throw bad();
  try {
    formatter(timezone);
  } catch (cause) {
    throw new CronError(bad().message, { cause });
  }
}

/** The zone's offset from UTC, in milliseconds, at `instant` (ms since the epoch, whole seconds). */
export function offsetAt(instant: number, timezone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatter(timezone).formatToParts(instant)) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wall - (instant - (((instant % 1000) + 1000) % 1000));
}

/** The local wall-clock time of `instant`, written as if it were UTC (so `getUTCHours()` is the local hour). */
export function wallClock(instant: number, timezone: string): number {
  return instant + offsetAt(instant, timezone);
}

const DAY = 86_400_000;

/**
 * The instants whose local wall-clock time is `wall` (written as if UTC), earliest first: none when a
 * spring-forward gap skips it, two when a fall-back repeats it.
 */
export function instantsAt(wall: number, timezone: string): number[] {
  const offsets = new Set([
    offsetAt(wall - DAY, timezone),
    offsetAt(wall, timezone),
    offsetAt(wall + DAY, timezone),
  ]);
  const instants = [...offsets].map((offset) => wall - offset).filter((t) => wallClock(t, timezone) === wall);
  return [...new Set(instants)].sort((a, b) => a - b);
}

/**
 * The deployment's default time zone for new configs (`SYNCRON_DEFAULT_TIMEZONE`), read once at
 * start-up; undefined when unset or empty (configs then default to UTC). Throws an Error naming the
 * variable and its value when it is not an IANA time zone, so a typo stops the start, not a config.
 */
export function defaultTimezoneFrom(env: Record<string, string | undefined>): string | undefined {
  const value = env[ENV.defaultTimezone]?.trim();
  if (!value) return undefined;
  try {
    assertTimezone(value);
  } catch (cause) {
    throw new Error(
      `${ENV.defaultTimezone}=${JSON.stringify(value)} is not a known IANA time zone (e.g. Asia/Shanghai, Europe/Berlin, UTC)`,
      { cause },
    );
  }
  return value;
}
