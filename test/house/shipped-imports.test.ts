import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importsOf, resolvedFrom, root, shippedFiles } from "./imports.ts";

/**
 * `lib/` and `functions/` are what ships: their product files (everything but `*.test.ts`) may import
 * only runtime dependencies and other shipped code, never a devDependency, the test kit or `infra/`.
 */
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

const shipped = shippedFiles();

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
const packageOf = (specifier: string): string =>
  specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!;

describe("shipped code", () => {
  it("has product files to check", () => {
    expect(shipped.length).toBeGreaterThan(100);
    expect(shipped).toContain("lib/drives/drive.ts");
  });

  it("imports no devDependency and no undeclared package", () => {
    const offences = shipped.flatMap((file) =>
      importsOf(file, { types: false })
        .filter((spec) => !spec.startsWith(".") && !spec.startsWith("node:"))
        .map(packageOf)
        .filter((name) => !(name in manifest.dependencies))
        .map(
          (name) => `${file} imports ${name}${name in manifest.devDependencies ? " (a devDependency)" : ""}`,
        ),
    );
    expect(offences).toEqual([]);
  });

  it("takes zod through lib/util/zod.ts only (named exports: the Lambda bundles keep what is used)", () => {
    const offences = shipped
      .filter((file) => file !== "lib/util/zod.ts")
      .filter((file) => importsOf(file, { types: false }).some((spec) => packageOf(spec) === "zod"))
      .map((file) => `${file} imports zod directly: import * as z from "…/util/zod.ts"`);
    expect(offences).toEqual([]);
  });

  it("imports nothing from test/, bench/ or infra/", () => {
    const offences = shipped.flatMap((file) =>
      importsOf(file, { types: false })
        .filter((spec) => spec.startsWith("."))
        .map((spec) => resolvedFrom(file, spec))
        .filter((target) => /^(test|bench|infra)\//.test(target))
        .map((target) => `${file} imports ${target}`),
    );
    expect(offences).toEqual([]);
  });
});
