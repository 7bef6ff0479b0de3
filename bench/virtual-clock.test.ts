import { describe, expect, it } from "vitest";
import { VirtualClock } from "./support/virtual-clock.ts";

describe("VirtualClock", () => {
  it("moves to each sleep's end once everything waits: sequential sleeps add up, parallel ones overlap", async () => {
    const clock = new VirtualClock();
    const woke: [string, number][] = [];
    const chain = async (name: string, steps: number[]) => {
      for (const ms of steps) {
        await clock.sleep(ms);
        // Work between sleeps (promise hops) costs no simulated time.
        await Promise.resolve();
        woke.push([name, clock.now()]);
      }
    };

    await Promise.all([chain("a", [10, 10, 10]), chain("b", [25]), chain("c", [10])]);

    expect(clock.now()).toBe(30);
    expect(woke).toEqual([
      ["a", 10],
      ["c", 10],
      ["a", 20],
      ["b", 25],
      ["a", 30],
    ]);
  });

  it("does not move while work is still running on promises and setImmediate", async () => {
    const clock = new VirtualClock();
    const slow = clock.sleep(5).then(() => clock.now());
    // Work that takes a few turns of the event loop, then sleeps: its 1 ms starts at 0, not after 5.
    const busy = (async () => {
      await new Promise((resolve) => setImmediate(resolve));
      await clock.sleep(1);
      return clock.now();
    })();
    expect(await Promise.all([busy, slow])).toEqual([1, 5]);
  });
});
