import { afterAll, describe, expect, it } from "vitest";
import { type OpenListFixture, startOpenListFixture } from "../../test/support/drives/openlist-fixture.ts";
import {
  busiestSecond,
  expectEachArrivalGated,
  openGate,
  recordStarts,
} from "../../test/support/drives/request-starts.ts";
import { listAll, readBytes, streamOf } from "../../test/support/drives/streams.ts";
import type { Drive } from "./drive.ts";
import { createMemoryDrive } from "./memory/memory-drive.ts";
import { type Clock, innerDrive, RateLimiter, sharedRateLimiter, withRateLimit } from "./rate-limit.ts";

const fixtures: OpenListFixture[] = [];
afterAll(async () => {
  for (const fixture of fixtures) await fixture.stop();
});

/** Four files written in parallel into each drive, and read back. */
const work = async (drives: Drive[]) =>
  Promise.all(
    drives.map(async (drive) => {
      await Promise.all(
        ["a", "b", "c", "d"].map((name) =>
          drive.write(`${name}.txt`, streamOf(Buffer.from(name)), { path: `${name}.txt`, size: 1 }),
        ),
      );
      expect((await listAll(drive, "")).map((entry) => entry.path)).toEqual([
        "a.txt",
        "b.txt",
        "c.txt",
        "d.txt",
      ]);
    }),
  );

/** A clock whose sleeps only move its time, recording each. */
const fakeClock = () => {
  let now = 0;
  const sleeps: number[] = [];
  const clock: Clock = {
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
  return { clock, sleeps, advance: (ms: number) => (now += ms) };
};

describe("tps, counted where the limiter acts", () => {
  it("a tps:5 drive never starts more than 5 requests in any second, shared by all its drives in one process", {
    timeout: 60_000,
  }, async () => {
    const fixture = await startOpenListFixture({ profiles: { "/local": { profile: "local" } } });
    fixtures.push(fixture);
    const limiter = sharedRateLimiter(`openlist-test-${fixture.server.url}`, { tps: 5 });
    expect(sharedRateLimiter(`openlist-test-${fixture.server.url}`, { tps: 5 })).toBe(limiter);
    const limited = await Promise.all([
      fixture.drive("/local", { gate: limiter }),
      fixture.drive("/local", { gate: limiter }),
    ]);
    const from = fixture.server.requests.length;
    const starts = recordStarts(limiter);
    await work(limited.map((drive) => withRateLimit(drive, limiter, { gatesRequests: true })));
    expect(starts.length).toBeGreaterThan(20);
    expect(busiestSecond(starts)).toBeLessThanOrEqual(5);
    expectEachArrivalGated(
      starts,
      fixture.server.requests.slice(from).map((request) => request.at),
    );

    // The same work without the limit: far more than 5 requests start in a second.
    const open = openGate();
    const free = await Promise.all([
      fixture.drive("/local", { gate: open.gate }),
      fixture.drive("/local", { gate: open.gate }),
    ]);
    const freeFrom = open.starts.length;
    await work(free);
    expect(busiestSecond(open.starts.slice(freeFrom))).toBeGreaterThan(5);
  });

  it("waits out a 429 with Retry-After, then carries on", { timeout: 30_000 }, async () => {
    let throttles = 2;
    const fixture = await startOpenListFixture({
      profiles: { "/local": { profile: "local" } },
      throttle: (request) => (request.path === "/api/fs/list" && throttles-- > 0 ? 1 : undefined),
    });
    fixtures.push(fixture);
    const limiter = new RateLimiter({ tps: 50 });
    const drive = await fixture.drive("/local", { gate: limiter });
    await drive.write("x.txt", streamOf(Buffer.from("x")), { path: "x.txt", size: 1 });
    const from = fixture.server.requests.length;
    expect((await listAll(drive, "")).map((entry) => entry.path)).toEqual(["x.txt"]);
    const lists = fixture.server.requests.slice(from).filter((r) => r.path === "/api/fs/list");
    expect(lists).toHaveLength(3);
    const [first, second, third] = lists.map((r) => r.at);
    expect((second ?? 0) - (first ?? 0)).toBeGreaterThanOrEqual(990);
    expect((third ?? 0) - (second ?? 0)).toBeGreaterThanOrEqual(990);
    expect(limiter.intervalMs).toBeGreaterThan(1000 / 50); // throttled twice: slowed down
  });
});

describe("RateLimiter", () => {
  it("after a stall (the process woke late), sends the waiting requests spaced out, not in one burst", async () => {
    // A clock with real timers: sleeps wake when the test moves time past them, several at once on a jump.
    let now = 0;
    const timers: { at: number; wake: () => void }[] = [];
    const clock = {
      now: () => now,
      sleep: (ms: number) => new Promise<void>((wake) => void timers.push({ at: now + ms, wake })),
    };
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    const moveTo = async (time: number) => {
      now = time;
      for (
        let due = timers.filter((t) => t.at <= now);
        due.length > 0;
        due = timers.filter((t) => t.at <= now)
      ) {
        for (const timer of due) timers.splice(timers.indexOf(timer), 1);
        for (const timer of due) timer.wake();
        await settle();
      }
    };
    const limiter = new RateLimiter({ tps: 4 }, clock);
    const starts: number[] = [];
    const all = Promise.all(
      Array.from({ length: 8 }, () => limiter.beforeRequest().then(() => void starts.push(clock.now()))),
    );
    await settle();
    await moveTo(100);
    await moveTo(1600); // stalled 1.5 s: every turn planned before 1600 is overdue at once
    for (let time = 1650; time <= 5000; time += 50) await moveTo(time);
    await all;
    expect(starts).toHaveLength(8);
    for (const [i, start] of starts.entries()) {
      expect(starts.filter((other) => other >= start && other < start + 1000).length).toBeLessThanOrEqual(4);
      if (i > 0) expect(start - (starts[i - 1] ?? 0)).toBeGreaterThanOrEqual(250);
    }
  });

  it("spaces requests 1 s / tps apart and never lets more than tps start within a second", async () => {
    const { clock, sleeps } = fakeClock();
    const limiter = new RateLimiter({ tps: 4 }, clock);
    const starts: number[] = [];
    for (let i = 0; i < 9; i++) {
      await limiter.beforeRequest();
      starts.push(clock.now());
    }
    expect(starts.slice(0, 4)).toEqual([0, 250, 500, 750]);
    for (const [i, start] of starts.entries()) {
      expect(starts.filter((other) => other >= start && other < start + 1000).length).toBeLessThanOrEqual(4);
      if (i > 0) expect(start - (starts[i - 1] ?? 0)).toBeGreaterThanOrEqual(250);
    }
    expect(sleeps.length).toBe(8);
  });

  it("pauses for Retry-After, doubles the spacing while throttling repeats, and recovers after a quiet minute", async () => {
    const { clock, advance } = fakeClock();
    const limiter = new RateLimiter({ tps: 10 }, clock);
    expect(limiter.intervalMs).toBe(100);
    limiter.throttled(2000);
    await limiter.beforeRequest();
    expect(clock.now()).toBe(2000);
    expect(limiter.intervalMs).toBe(100); // once is no pattern
    limiter.throttled(undefined);
    expect(limiter.intervalMs).toBe(200);
    limiter.throttled(undefined);
    expect(limiter.intervalMs).toBe(400);
    advance(61_000);
    expect(limiter.intervalMs).toBe(200);
    advance(60_000);
    expect(limiter.intervalMs).toBe(100);
  });

  it("paces bytes to bwlimit", async () => {
    const { clock, sleeps } = fakeClock();
    const limiter = new RateLimiter({ bwlimit: 1000 }, clock);
    for (let i = 0; i < 3; i++) await limiter.take(500);
    expect(sleeps).toEqual([500, 500]);
    await limiter.take(2000);
    expect(clock.now()).toBe(1500);
  });

  it("refuses a limit that is not a positive number, naming it", () => {
    expect(() => new RateLimiter({ tps: 0 })).toThrow(/tps/);
    expect(() => new RateLimiter({ bwlimit: Number.NaN })).toThrow(/bwlimit/);
  });
});

describe("withRateLimit", () => {
  it("takes one turn per call of a drive that does not gate its own requests, and paces bytes both ways", async () => {
    const { clock, sleeps } = fakeClock();
    const memory = createMemoryDrive();
    const limiter = new RateLimiter({ tps: 2, bwlimit: 4 }, clock);
    const drive = withRateLimit(memory, limiter);
    await drive.write("a.txt", streamOf(Buffer.from("12345678"), 4), { path: "a.txt", size: 8 });
    expect(Buffer.from(await readBytes(await drive.read("a.txt"))).toString()).toBe("12345678");
    await drive.stat("a.txt");
    // 16 bytes at 4 B/s: each 4-byte chunk written and the 8 read start 1 s after the bytes before them.
    expect(sleeps.filter((ms) => ms === 1000)).toHaveLength(2);
    expect(clock.now()).toBe(2000);
    expect(innerDrive(drive)).toBe(memory);
  });

  it("hears throttling errors of the drive it wraps", async () => {
    const { clock } = fakeClock();
    const limiter = new RateLimiter({ tps: 10 }, clock);
    const memory = createMemoryDrive();
    const throttling: Drive = {
      ...memory,
      stat: async () => {
        throw Object.assign(new Error("SlowDown"), { $metadata: { httpStatusCode: 503 }, name: "SlowDown" });
      },
    };
    const drive = withRateLimit(throttling, limiter);
    await expect(drive.stat("x")).rejects.toThrow("SlowDown");
    await expect(drive.stat("x")).rejects.toThrow("SlowDown");
    expect(limiter.intervalMs).toBe(200);
  });
});
