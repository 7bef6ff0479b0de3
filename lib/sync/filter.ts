import picomatch from "picomatch";
import { compileMatchRule, type EntryTest, type FilterRule } from "./rules.ts";

/** A filter rule that cannot be compiled; `field` and `index` name it (`exclude.2`). */
export class FilterRuleError extends Error {
  override name = "FilterRuleError";

  constructor(
    readonly field: "include" | "exclude",
    readonly index: number,
    readonly reason: string,
  ) {
    super(`${field}.${index}: ${reason}`);
  }
}

/**
 * Builds a file filter after rclone's rules: a file is selected when it matches an include (if any are
 * given) and no exclude. Glob strings: `*` and `?` stay within one path segment, `**` crosses them,
 * `{a,b}` picks; a leading `/` anchors a pattern to the root; without it the pattern matches at any depth
 * (`*.tmp` selects `a/b/c.tmp`); dot files are matched like any other. Structured rules (rules.ts) match
 * the file, or for folder rules any folder above it. Throws FilterRuleError for a rule that cannot compile.
 */
export function createPathFilter(
  include: readonly FilterRule[],
  exclude: readonly FilterRule[],
): (path: string) => boolean {
  const included = compile(include, "include");
  const excluded = compile(exclude, "exclude");
  if (!included && !excluded) return () => true;
  return (path) => (included ? included(path) : true) && !(excluded?.(path) ?? false);
}

const compile = (
  rules: readonly FilterRule[],
  field: FilterRuleError["field"],
): ((path: string) => boolean) | undefined => {
  if (rules.length === 0) return undefined;
  const globs: string[] = [];
  const tests: EntryTest[] = [];
  rules.forEach((rule, index) => {
    if (typeof rule === "string") {
      if (rule.trim() === "")
        throw new FilterRuleError(field, index, `a glob must not be empty, got ${JSON.stringify(rule)}`);
      globs.push(rule.startsWith("/") ? rule.slice(1) : `**/${rule}`);
      return;
    }
    try {
      tests.push(compileMatchRule(rule));
    } catch (error) {
      throw new FilterRuleError(field, index, (error as Error).message);
    }
  });
  const glob = globs.length === 0 ? () => false : picomatch(globs, { dot: true });
  if (tests.length === 0) return glob;
  return (path) =>
    glob(path) ||
    tests.some((test) => test(path, false) || foldersAbove(path).some((dir) => test(dir, true)));
};

/** `a/b/c.txt` → `a`, `a/b`. */
const foldersAbove = (path: string): string[] => {
  const dirs: string[] = [];
  for (let slash = path.indexOf("/"); slash >= 0; slash = path.indexOf("/", slash + 1))
    dirs.push(path.slice(0, slash));
  return dirs;
};

/**
 * Which directories are worth walking: false for a directory every file of which the excludes leave out,
 * so the walk skips it on both sides (and a mirror deletes nothing in it): a glob of the form `X/**`
 * (`node_modules/**`, `/cache/**`), or a structured folder rule that matches the directory. Other globs
 * never prune: only whole-subtree excludes are sure.
 */
export function createDirectoryFilter(exclude: readonly FilterRule[]): (dir: string) => boolean {
  const subtrees = exclude
    .filter((rule): rule is string => typeof rule === "string" && rule.endsWith("/**"))
    .map((pattern) => pattern.slice(0, -3))
    .filter((pattern) => pattern !== "" && pattern !== "/");
  const glob = compile(subtrees, "exclude");
  const folderTests = exclude.flatMap((rule) => (typeof rule === "string" ? [] : [compileMatchRule(rule)]));
  if (!glob && folderTests.length === 0) return () => true;
  return (dir) => !(glob?.(dir) ?? false) && !folderTests.some((test) => test(dir, true));
}
