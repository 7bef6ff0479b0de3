import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "./imports.ts";

/**
 * Test code makes temp folders through test/support/temp-dir.ts only, which removes them after each
 * test file: folders made with a bare mkdtemp were left in /tmp whenever a test forgot them or failed
 * first (sst-eval, reports, dav were seen). Test code: every `*.test.ts`, and the test kits (test/,
 * bench/support/).
 */
const KIT = "test/support/temp-dir.ts";

const testCode = (): string[] =>
  ["lib", "functions", "test", "bench", "infra", "scripts"].flatMap((dir) =>
    readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
      .filter((entry) => entry.isFile() && /\.(ts|tsx|js|mjs)$/.test(entry.name))
      .map((entry) => relative(root, join(entry.parentPath, entry.name)))
      .filter((file) => /\.test\.tsx?$/.test(file) || /^(test|bench\/support)\//.test(file)),
  );

describe("temp folders in tests", () => {
  it("are made by the test kit's tempDir, never a bare mkdtemp", () => {
    const files = testCode();
    expect(files).toEqual(expect.arrayContaining([KIT, "test/support/infra/sst-eval.ts"]));
    const offences = files
      .filter((file) => file !== KIT)
      .flatMap((file) =>
        readFileSync(join(root, file), "utf8")
          .split("\n")
          .flatMap((line, i) =>
            /\bmkdtemp(Sync)?\s*\(/.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [],
          ),
      );
    expect(offences).toEqual([]);
  });
});
