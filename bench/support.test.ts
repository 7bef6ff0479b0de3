import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../test/support/temp-dir.ts";
import { writeSection } from "./support/report.ts";
import { median, ratio } from "./support/stats.ts";
import { changeFiles, makeTree, treePath } from "./support/tree.ts";

describe("bench support", () => {
  it("median and ratio", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(RangeError);
    expect(ratio(150, 100)).toBe(1.5);
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(undefined, 3)).toBeNull();
  });

  it("generates the same tree from the same seed, and changes files in size and mod time", async () => {
    const dir = await tempDir();
    const spec = { files: 30, minSize: 10, maxSize: 100, seed: 5 };
    const a = await makeTree(join(dir, "a"), spec);
    const b = await makeTree(join(dir, "b"), spec);
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(30);
    expect(a[0]).toBe(treePath(0, 30));
    for (const path of a) {
      expect(await readFile(join(dir, "a", path))).toEqual(await readFile(join(dir, "b", path)));
      expect((await stat(join(dir, "a", path))).mtimeMs).toBe((await stat(join(dir, "b", path))).mtimeMs);
    }
    const changed = await changeFiles(join(dir, "a"), spec, 3, 0);
    expect(new Set(changed).size).toBe(3);
    for (const path of changed) {
      const [x, y] = await Promise.all([stat(join(dir, "a", path)), stat(join(dir, "b", path))]);
      expect(x.size).not.toBe(y.size);
      expect(x.mtimeMs).toBeGreaterThan(y.mtimeMs);
    }
  });

  it("writes one section and keeps the others", async () => {
    const file = join(await tempDir(), "B.md");
    await writeSection(file, "one", "## One\nfirst");
    await writeSection(file, "two", "## Two\nsecond");
    await writeSection(file, "one", "## One\nagain");
    const text = await readFile(file, "utf8");
    expect(text).toContain("# syncron benchmarks");
    expect(text).toContain("## One\nagain");
    expect(text).not.toContain("first");
    expect(text.indexOf("## One")).toBeLessThan(text.indexOf("## Two"));
    expect(text.match(/<!-- bench:one -->/g)).toHaveLength(1);
  });
});
