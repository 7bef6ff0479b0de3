import { parseCron } from "../cron/parse.ts";
import { assertTimezone } from "../cron/timezone.ts";
import { parseLocation } from "../drives/location.ts";
import { locationsOverlap } from "../drives/overlap.ts";
import type { SyncConfig, SyncConfigPatch } from "../store/sync-config.ts";
import { createPathFilter, FilterRuleError } from "../sync/filter.ts";

/** One bad field of a config. */
export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
}

/** A config whose fields are well-formed JSON but mean nothing valid (bad cron, unknown zone). API: 400. */
export class ConfigValidationError extends Error {
  override name = "ConfigValidationError";

  constructor(readonly issues: readonly ConfigIssue[]) {
    super(issues.map((issue) => `${issue.path}: ${issue.message}`).join("; "));
  }
}

const issueOf = (path: string, check: () => unknown): ConfigIssue[] => {
  try {
    check();
    return [];
  } catch (error) {
    // A bad filter rule is named by its index, as zod names fields: exclude.2.
    if (error instanceof FilterRuleError) {
      return [{ path: `${error.field}.${error.index}`, message: error.message.replace(/^\S+: /, "") }];
    }
    return [{ path, message: (error as Error).message }];
  }
};

/**
 * Checks what the store's schema cannot: the cron expression (exactly 5 fields, lib/cron's rules),
 * the IANA time zone, the include/exclude rules (as the engine compiles them), and that `source` and `target` are locations syncron can open (their
 * messages show them redacted) that do not overlap. Only the fields present are checked, so a PATCH
 * is checked as sent; give `stored` (the config it patches) so a PATCH of one location is checked
 * against the other as stored. Throws ConfigValidationError listing every bad field.
 */
export function checkConfigFields(
  fields: SyncConfigPatch,
  stored?: Pick<SyncConfig, "source" | "target">,
): void {
  const { cron, timezone, source, target, include, exclude } = fields;
  const issues = [
    ...(cron === undefined ? [] : issueOf("cron", () => parseCron(cron))),
    ...(timezone === undefined ? [] : issueOf("timezone", () => assertTimezone(timezone))),
    ...(source === undefined ? [] : issueOf("source", () => parseLocation(source))),
    ...(target === undefined ? [] : issueOf("target", () => parseLocation(target))),
    ...(include === undefined ? [] : issueOf("include", () => createPathFilter(include, []))),
    ...(exclude === undefined ? [] : issueOf("exclude", () => createPathFilter([], exclude))),
  ];
  if (issues.length === 0 && (source !== undefined || target !== undefined)) {
    const overlap = overlapIssue(
      source ?? stored?.source,
      target ?? stored?.target,
      target ? "target" : "source",
    );
    if (overlap) issues.push(overlap);
  }
  if (issues.length > 0) throw new ConfigValidationError(issues);
}

function overlapIssue(
  source: string | undefined,
  target: string | undefined,
  path: "source" | "target",
): ConfigIssue | undefined {
  if (source === undefined || target === undefined) return undefined;
  let overlaps: boolean;
  try {
    overlaps = locationsOverlap(parseLocation(source), parseLocation(target));
  } catch {
    return undefined; // a stored location that no longer parses: the worker refuses the run (INVALID_LOCATION)
  }
  if (!overlaps) return undefined;
  const other = path === "target" ? "source" : "target";
  return { path, message: `${path} must not be the ${other} or lie inside it (nor the reverse)` };
}
