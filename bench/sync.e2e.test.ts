import { describe, expect, it } from "vitest";
import { measured, smokeRun } from "./support/smoke.ts";
import type { SyncFigures } from "./support/sync-suite.ts";

// Smoke only: the scripts keep working and print well-formed figures. No timing is asserted.
describe.each(["sync", "webdav"] as const)("bench/%s.ts (smoke)", (script) => {
  it("measures cases (a)–(d) for rclone, the engine and the CLI, and writes its section", async () => {
    const { figures, markdown } = await smokeRun(script);
    const f = figures as unknown as SyncFigures;
    expect(f.bench).toBe(script);
    expect(f.cases.map((c) => c.id)).toEqual(["a", "b", "c", "d"]);
    for (const c of f.cases) {
      for (const contender of [c.rclone, c.engine, c.cli]) {
        expect(measured(contender.wall_ms), `${c.id} wall`).toBe(true);
        expect(measured(contender.peak_rss_mb), `${c.id} rss`).toBe(true);
        expect(contender.samples_ms).toHaveLength(1);
      }
      expect(measured(c.engine.engine_ms), `${c.id} engine_ms`).toBe(true);
      expect(c.engine.engine_ms).toBeLessThanOrEqual(c.engine.wall_ms);
      expect(measured(c.ratio_engine) && measured(c.ratio_cli), `${c.id} ratios`).toBe(true);
    }
    expect(f.machine.rclone).toMatch(/^rclone v/);
    expect(markdown).toContain(`<!-- bench:${script} -->`);
    expect(markdown).toContain(`Reproduce: \`npm run bench:${script}\``);
    expect(markdown.match(/^\| \([abcd]\) /gm)).toHaveLength(4);
  }, 120_000);
});
