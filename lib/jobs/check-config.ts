import { parseCron } from "../cron/parse.ts";
import { assertTimezone } from "../cron/timezone.ts";
import { assertLocalAllowed, type LocalRoots } from "../drives/local-roots.ts";
import { type Location, MASK, parseLocation, redactLocation } from "../drives/location.ts";
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

export interface CheckConfigOptions {
  /** The config a PATCH or PUT changes, so one location sent is checked against the other as stored. */
  readonly stored?: Pick<SyncConfig, "source" | "target">;
  /**
   * Let a location holding the mask `***` in place of a secret pass: only for a first look at an
   * update, before the stored config is read (see {@link keepStoredSecrets}).
   */
  readonly allowMasked?: boolean;
  /** Folders local locations must lie in, judged on real paths; none: local locations are refused. */
  readonly localRoots: LocalRoots;
}

/**
 * Checks what the store's schema cannot: the cron expression (exactly 5 fields, lib/cron's rules),
 * the IANA time zone, the include/exclude rules (as the engine compiles them), and that `source` and
 * `target` are locations syncron can open (their messages show them redacted), local ones inside the
 * allowed roots (real paths: LocalPathRefusedError names the rule), hold no masked secret
 * (`***`, as the API shows them: it would replace the real one) and do not overlap. Only the fields
 * present are checked, so a PATCH is checked as sent. Throws ConfigValidationError listing every bad field.
 */
export function checkConfigFields(fields: SyncConfigPatch, options: CheckConfigOptions): void {
  const { cron, timezone, source, target, include, exclude } = fields;
  const location = (text: string) => {
    const parsed = parseLocation(text);
    if (parsed.kind === "local") assertLocalAllowed(parsed.root, options.localRoots);
    if (!options.allowMasked && holdsMask(parsed)) {
      throw new Error(
        `holds the mask ${MASK} in place of a secret: send the secret itself, or send the location exactly as the API shows it to keep the stored one`,
      );
    }
  };
  const issues = [
    ...(cron === undefined ? [] : issueOf("cron", () => parseCron(cron))),
    ...(timezone === undefined ? [] : issueOf("timezone", () => assertTimezone(timezone))),
    ...(source === undefined ? [] : issueOf("source", () => location(source))),
    ...(target === undefined ? [] : issueOf("target", () => location(target))),
    ...(include === undefined ? [] : issueOf("include", () => createPathFilter(include, []))),
    ...(exclude === undefined ? [] : issueOf("exclude", () => createPathFilter([], exclude))),
  ];
  if (issues.length === 0 && (source !== undefined || target !== undefined)) {
    const overlap = overlapIssue(
      source ?? options.stored?.source,
      target ?? options.stored?.target,
      target ? "target" : "source",
    );
    if (overlap) issues.push(overlap);
  }
  if (issues.length > 0) throw new ConfigValidationError(issues);
}

const holdsMask = (location: Location): boolean =>
  location.kind === "s3"
    ? location.accessKeyId === MASK || location.secretAccessKey === MASK
    : location.kind === "webdav" && location.password === MASK;

/**
 * A location sent back exactly as the API showed it (its secrets masked) stands for the stored
 * one, secrets included: a GET followed by a PUT of the same body must not store `***` as the
 * password. Compared with both stored locations, so a PUT that swaps source and target keeps them too.
 */
export function keepStoredSecrets<T extends SyncConfigPatch>(
  fields: T,
  stored: Pick<SyncConfig, "source" | "target">,
): T {
  const restore = (sent: string | undefined): string | undefined =>
    sent === undefined
      ? undefined
      : ([stored.source, stored.target].find((kept) => kept !== sent && redactLocation(kept) === sent) ??
        sent);
  const source = restore(fields.source);
  const target = restore(fields.target);
  return {
    ...fields,
    ...(source === undefined ? {} : { source }),
    ...(target === undefined ? {} : { target }),
  };
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
