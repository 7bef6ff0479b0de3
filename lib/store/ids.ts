import { randomBytes } from "node:crypto";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * A ULID: 26 URL-safe characters, sorting by creation time (10 characters of milliseconds, then
 * 80 random bits). Used for config ids and manual task ids. Clock and randomness can be passed in.
 */
export function newId(now: number = Date.now(), random: Uint8Array = randomBytes(10)): string {
  let time = "";
  for (let rest = Math.floor(now), i = 0; i < 10; i++, rest = Math.floor(rest / 32)) {
    time = CROCKFORD.charAt(rest % 32) + time;
  }
  let bits = 0n;
  for (const byte of random.subarray(0, 10)) bits = (bits << 8n) | BigInt(byte);
  let tail = "";
  for (let i = 0; i < 16; i++, bits >>= 5n) tail = CROCKFORD.charAt(Number(bits & 31n)) + tail;
  return time + tail;
}

/** Matches ids that are safe in a URL path segment and in a DynamoDB key: 1–128 of `A-Za-z0-9_.-`. */
export const ID_PATTERN = /^[A-Za-z0-9_.-]{1,128}$/;

/**
 * The task id of the run for one scheduled fire: deterministic in (config id, scheduled time), so a
 * duplicate delivery of the same fire maps to the same run. The time is normalized to whole UTC
 * seconds (`2026-11-28T22:00:00Z` and `…00.000Z` are the same fire). Throws on an invalid time.
 */
export function scheduledTaskId(configId: string, scheduledTime: string): string {
  const ms = Date.parse(scheduledTime);
  if (Number.isNaN(ms)) throw new RangeError(`scheduled_time ${JSON.stringify(scheduledTime)} is not a date`);
  const compact = new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/[-:]|\.\d{3}/g, "");
  return `sch-${compact}-${configId}`;
}
