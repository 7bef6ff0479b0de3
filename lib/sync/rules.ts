/**
 * The seed's structured filter rules, beside plain glob strings: a rule matches a file or folder by
 * `regex` (a JavaScript regular expression, searched, not anchored), `contains` (a substring),
 * `extension` (`mp4` or `.mp4`: the name ends with it) or `exact` (the whole name or path), on the
 * entry's `name` or its `path` (from the sync root, with a leading `/`: `/photos/2024/a.jpg`), for
 * `file`s, `folder`s or `both`, case-sensitive unless `ignore_case`. A folder rule covers everything
 * under the folder.
 */
export const RULE_KINDS = ["regex", "contains", "extension", "exact"] as const;
export const RULE_TARGETS = ["name", "path"] as const;
export const RULE_ITEMS = ["file", "folder", "both"] as const;

export interface MatchRule {
  readonly kind: (typeof RULE_KINDS)[number];
  readonly pattern: string;
  readonly on?: (typeof RULE_TARGETS)[number];
  readonly items?: (typeof RULE_ITEMS)[number];
  readonly ignore_case?: boolean;
}

/** A glob string (rclone's rules, see filter.ts) or a structured rule. */
export type FilterRule = string | MatchRule;

/** Tests one entry: its path from the sync root without a leading slash, and whether it is a folder. */
export type EntryTest = (path: string, isFolder: boolean) => boolean;

/** Compiles one structured rule. Throws Error naming what is wrong (an invalid regex, an empty pattern). */
export function compileMatchRule(rule: MatchRule): EntryTest {
  const { kind, pattern, on = "name", items = "both", ignore_case: ignoreCase = false } = rule;
  if (pattern === "") throw new Error(`a ${kind} rule needs a non-empty pattern`);
  const matches = textMatcher(kind, pattern, ignoreCase);
  const forFiles = items !== "folder";
  const forFolders = items !== "file";
  return (path, isFolder) => {
    if (isFolder ? !forFolders : !forFiles) return false;
    const subject = on === "path" ? `/${path}` : path.slice(path.lastIndexOf("/") + 1);
    return matches(subject);
  };
}

function textMatcher(
  kind: MatchRule["kind"],
  pattern: string,
  ignoreCase: boolean,
): (text: string) => boolean {
  const fold = (text: string) => (ignoreCase ? text.toLowerCase() : text);
  switch (kind) {
    case "regex": {
      let regex: RegExp;
      try {
        regex = new RegExp(pattern, ignoreCase ? "iu" : "u");
      } catch (error) {
        throw new Error(`invalid regex ${JSON.stringify(pattern)}: ${(error as Error).message}`);
      }
      return (text) => regex.test(text);
    }
    case "contains": {
      const needle = fold(pattern);
      return (text) => fold(text).includes(needle);
    }
    case "extension": {
      const suffix = fold(pattern.startsWith(".") ? pattern : `.${pattern}`);
      return (text) => fold(text).endsWith(suffix);
    }
    case "exact": {
      const whole = fold(pattern);
      return (text) => fold(text) === whole;
    }
  }
}
