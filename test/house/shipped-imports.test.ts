import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * `lib/` and `functions/` are what ships: their product files (everything but `*.test.ts`) may import
 * only runtime dependencies and other shipped code, never a devDependency, the test kit or `infra/`.
 */
const root = resolve(import.meta.dirname, "../..");
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

const sourceFiles = (dir: string): string[] =>
  readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|tsx|js|mjs)$/.test(entry.name))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));

const shipped = [...sourceFiles("lib"), ...sourceFiles("functions")].filter(
  (file) => !/\.test\.tsx?$/.test(file),
);

/** Type-only imports are erased at build time: `import type { Handler } from "aws-lambda"` ships nothing. */
const withoutTypeImports = (source: string): string =>
  source.replace(/^\s*(?:import|export)\s+type\s[^;]*?from\s*["'][^"']+["'];?/gm, "");

/** Every module specifier of a file: static imports and exports, dynamic `import()`. */
const specifiers = (source: string): string[] =>
  [
    ...withoutTypeImports(source).matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)["']([^"']+)["']/gm),
  ].map((match) => match[1]!);

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
const packageOf = (specifier: string): string =>
  specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!;

const importsOf = (file: string) => specifiers(readFileSync(join(root, file), "utf8"));

describe("shipped code", () => {
  it("has product files to check", () => {
    expect(shipped.length).toBeGreaterThan(100);
    expect(shipped).toContain("lib/drives/drive.ts");
  });

  it("imports no devDependency and no undeclared package", () => {
    const offences = shipped.flatMap((file) =>
      importsOf(file)
        .filter((spec) => !spec.startsWith(".") && !spec.startsWith("node:"))
        .map(packageOf)
        .filter((name) => !(name in manifest.dependencies))
        .map(
          (name) => `${file} imports ${name}${name in manifest.devDependencies ? " (a devDependency)" : ""}`,
        ),
    );
    expect(offences).toEqual([]);
  });

  it("imports nothing from test/, bench/ or infra/", () => {
    const offences = shipped.flatMap((file) =>
      importsOf(file)
        .filter((spec) => spec.startsWith("."))
        .map((spec) => relative(root, resolve(root, file, "..", spec)))
        .filter((target) => /^(test|bench|infra)\//.test(target))
        .map((target) => `${file} imports ${target}`),
    );
    expect(offences).toEqual([]);
  });
});
