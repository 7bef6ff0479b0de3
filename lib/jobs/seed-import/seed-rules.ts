import { compileMatchRule, type MatchRule } from "../../sync/rules.ts";
import { SeedExcludeRuleSchema } from "./seed-export.ts";

/** A seed exclude rule as syncron's, or why it has no syncron equivalent. */
export type ConvertedRule = { rule: Required<MatchRule>; note?: string } | { problem: string };

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/**
 * One seed exclusion rule (`{pattern, target, item_type, mode, case_sensitive}`, the seed's
 * `ExclusionRule`) as a syncron rule that excludes the same entries:
 * - `name`/`path` × `exact`/`contains`/`regex` map one to one (a Python regex must also be a valid
 *   JavaScript one); `wildcard` becomes the regex the seed built (`*` → `.*`, `?` → `.`, searched);
 * - `extension` (the text after a file's last dot, files only): `exact` → an `extension` rule,
 *   `contains` → a regex on the name; `regex` and `wildcard` on an extension have no equivalent;
 * - `path` rules match the path from the sync root (`/a/b.txt`) where the seed matched the
 *   drive's full path: carried, with a note.
 */
export function convertSeedRule(input: unknown): ConvertedRule {
  const parsed = SeedExcludeRuleSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { problem: `${issue?.path.join(".") || "rule"}: ${issue?.message ?? "invalid"}` };
  }
  const { pattern, target, item_type, mode, case_sensitive } = parsed.data;
  const base = {
    on: target === "path" ? "path" : "name",
    items: target === "extension" ? "file" : item_type === "any" ? "both" : item_type,
    ignore_case: !case_sensitive,
  } as const;
  let rule: Required<MatchRule>;
  if (target === "extension") {
    if (pattern.includes(".")) {
      return {
        problem: `extension ${JSON.stringify(pattern)} holds a dot: the seed compared the text after the last dot, so the rule never matched`,
      };
    }
    if (mode === "exact") rule = { ...base, kind: "extension", pattern };
    else if (mode === "contains")
      rule = { ...base, kind: "regex", pattern: `\\.[^.]*${escapeRegex(pattern)}[^.]*$` };
    else
      return {
        problem: `a ${mode} rule on the extension has no syncron equivalent (use an exact extension or a regex on the name)`,
      };
  } else if (mode === "wildcard") {
    rule = {
      ...base,
      kind: "regex",
      pattern: escapeRegex(pattern).replace(/\\\*/g, ".*").replace(/\\\?/g, "."),
    };
  } else {
    rule = { ...base, kind: mode, pattern };
  }
  try {
    compileMatchRule(rule);
  } catch (error) {
    return {
      problem: `${(error as Error).message} (the seed's regexes are Python's; this one is not valid JavaScript)`,
    };
  }
  return target === "path"
    ? {
        rule,
        note: "matched against the path from the sync root (/sub/file.txt); the seed matched the drive's full path",
      }
    : { rule };
}
