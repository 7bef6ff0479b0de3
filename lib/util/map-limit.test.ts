import { describe, expect, it } from "vitest";
import { mapLimit } from "./map-limit.ts";

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("mapLimit", () => {
  it("keeps the input order and passes each index", async () => {
    const results = await mapLimit([30, 10, 20], 2, async (n, i) => {
      await tick();
      return `${i}:${n}`;
    });
    expect(results).toEqual(["0:30", "1:10", "2:20"]);
  });

  it("never has more than `limit` calls in flight", async () => {
    let active = 0;
    let peak = 0;
    await mapLimit(
      Array.from({ length: 20 }, (_, i) => i),
      3,
      async () => {
        active++;
        peak = Math.max(peak, active);
        await tick();
        active--;
      },
    );
    expect(peak).toBe(3);
  });

  it("treats a limit below 1 as 1 and an empty list as nothing to do", async () => {
    let active = 0;
    let peak = 0;
    const results = await mapLimit([1, 2, 3], 0, async (n) => {
      active++;
      peak = Math.max(peak, active);
      await tick();
      active--;
      return n * 2;
    });
    expect({ results, peak }).toEqual({ results: [2, 4, 6], peak: 1 });
    expect(await mapLimit([], 4, async () => 1)).toEqual([]);
  });

  it("rejects with the first failure and starts no item after it", async () => {
    const started: number[] = [];
    const run = mapLimit([0, 1, 2, 3, 4, 5], 1, async (n) => {
      started.push(n);
      if (n === 1) throw new Error("item 1 failed");
      return n;
    });
    await expect(run).rejects.toThrow("item 1 failed");
    expect(started).toEqual([0, 1]);
  });
});
