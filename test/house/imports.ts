import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";

/** How the house checks read the code: the shipped files and the module specifiers each one imports. */

export const root = resolve(import.meta.dirname, "../..");

const sourceFiles = (dir: string): string[] =>
  readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|tsx|js|mjs)$/.test(entry.name))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));

/** `lib/` and `functions/` without their tests: what ships, as paths from the repository root. */
export const shippedFiles = (): string[] =>
  [...sourceFiles("lib"), ...sourceFiles("functions")].filter((file) => !/\.test\.tsx?$/.test(file));

/** Type-only imports are erased at build time: `import type { Handler } from "aws-lambda"` ships nothing. */
const withoutTypeImports = (source: string): string =>
  source.replace(/^\s*(?:import|export)\s+type\s[^;]*?from\s*["'][^"']+["'];?/gm, "");

/**
 * Every module specifier of a file: static imports and exports, dynamic `import()`; with
 * `types: false`, not the type-only ones.
 */
export function importsOf(file: string, options: { types: boolean }): string[] {
  const source = readFileSync(join(root, file), "utf8");
  const text = options.types ? source : withoutTypeImports(source);
  return [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)["']([^"']+)["']/gm)].map(
    (match) => match[1]!,
  );
}

/** The repository path a relative specifier of `file` points at. */
export const resolvedFrom = (file: string, specifier: string): string =>
  relative(root, resolve(root, file, "..", specifier));
