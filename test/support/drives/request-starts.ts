/**
 * What a `tps` limit controls is when requests start at the client. Times taken at a server in the same
 * process bunch up after an event-loop stall (the requests started spaced out, then all waited for the
 * loop), so the tps tests count the starts the limiter granted, on its own clock, and check against the
 * server that no request arrived before a start was granted for it.
 */
import { expect } from "vitest";
import type { RateLimiter, RequestGate } from "../../../lib/drives/rate-limit.ts";

/** Records every start `limiter` grants from now on (its clock, ms), in order. */
export function recordStarts(limiter: RateLimiter): number[] {
  const starts: number[] = [];
  const grant = limiter.beforeRequest.bind(limiter);
  limiter.beforeRequest = async (signal) => {
    const started = await grant(signal);
    starts.push(started);
    return started;
  };
  return starts;
}

/** A gate that lets every request go at once, recording when (`performance.now()`, ms). */
export function openGate(): { gate: RequestGate; starts: number[] } {
  const starts: number[] = [];
  return {
    starts,
    gate: {
      beforeRequest: async () => void starts.push(performance.now()),
      throttled: () => {},
    },
  };
}

/** The most times (ms) within any one second, a window starting at each. */
export const busiestSecond = (times: readonly number[]): number =>
  Math.max(
    0,
    ...times.map((first) => times.filter((later) => later >= first && later - first < 1000).length),
  );

/**
 * Every request the server saw went through the gate: as many arrivals as granted starts, and the k-th
 * arrival no earlier than the k-th start (same process, same `performance.now()` clock).
 */
export function expectEachArrivalGated(starts: readonly number[], arrivals: readonly number[]): void {
  expect(arrivals).toHaveLength(starts.length);
  const sortedStarts = [...starts].sort((a, b) => a - b);
  const early = [...arrivals]
    .sort((a, b) => a - b)
    .filter((arrival, k) => arrival < (sortedStarts[k] ?? Number.POSITIVE_INFINITY));
  expect(early).toEqual([]);
}
