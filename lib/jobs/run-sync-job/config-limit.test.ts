import { describe, expect, it } from "vitest";
import { createMemoryDrive } from "../../drives/memory/memory-drive.ts";
import { innerDrive } from "../../drives/rate-limit.ts";
import { limitedByConfig } from "./config-limit.ts";

describe("limitedByConfig", () => {
  it("leaves the drives as they are without a tps of the config's own", () => {
    const drives = [createMemoryDrive(), createMemoryDrive()] as const;
    expect(limitedByConfig({ id: "1", tps: null }, drives)).toBe(drives);
  });

  it("puts both drives behind one limiter of the config: calls are spaced 1/tps apart across them", async () => {
    const source = createMemoryDrive();
    const target = createMemoryDrive();
    const [from, to] = limitedByConfig({ id: "limit-test", tps: 20 }, [source, target]);
    expect([innerDrive(from), innerDrive(to)]).toEqual([source, target]);
    const before = performance.now();
    for (let i = 0; i < 3; i++) {
      await from.mkdir(`a${i}`);
      await to.mkdir(`b${i}`);
    }
    // 6 calls at 20 per second: the last starts at least 5 intervals (250 ms) after the first
    // (a lower bound: a loaded machine only makes it later; 5 ms for millisecond rounding).
    expect(performance.now() - before).toBeGreaterThanOrEqual(245);
  });
});
