import { ScheduleValidationError } from "./errors.ts";

/** AWS Scheduler and rule names: 1–64 of `[0-9A-Za-z._-]`. */
const MAX_NAME = 64;
const NAME_CHARS = /^[0-9A-Za-z._-]+$/;
/** Suffix of the second schedule of a day-of-month OR day-of-week config. */
const DOW_SUFFIX = "-dow";
export const DEFAULT_NAME_PREFIX = "syncron-";

/**
 * The rule name prefix of a stage's schedule group with the `eventbridge-rules` backend (rules share
 * the default bus): `<group>.`, a separator no group or stage name contains, so stage `prod`'s
 * prefix `syncron-prod.` never matches stage `prod-eu`'s rules (`syncron-prod-eu.…`), in ListRules,
 * clear-tasks or IAM alike.
 */
export const RULE_PREFIX_SEPARATOR = ".";
export const rulePrefixOf = (group: string): string => `${group}${RULE_PREFIX_SEPARATOR}`;

/**
 * Names of a config's schedules: `<prefix><id>` and, for the second (day-of-week) half of a
 * DOM-OR-DOW config, `<prefix><id>-dow`. Throws ScheduleValidationError when the id cannot make a
 * valid name, or ends in `-dow` (which would read back as another config's second schedule).
 */
export function scheduleNames(configId: string, prefix = DEFAULT_NAME_PREFIX): [string, string] {
  const base = `${prefix}${configId}`;
  if (
    !NAME_CHARS.test(configId) ||
    configId.endsWith(DOW_SUFFIX) ||
    base.length + DOW_SUFFIX.length > MAX_NAME
  ) {
    throw new ScheduleValidationError(
      `config_id ${JSON.stringify(configId)} cannot name a schedule: use at most ${MAX_NAME - prefix.length - DOW_SUFFIX.length} of [0-9A-Za-z._-], not ending in "${DOW_SUFFIX}".`,
      "config_id",
    );
  }
  return [base, `${base}${DOW_SUFFIX}`];
}

/** The config id a schedule name belongs to, or undefined for a name that is not ours. */
export function configIdOf(name: string, prefix = DEFAULT_NAME_PREFIX): string | undefined {
  if (!name.startsWith(prefix)) return undefined;
  const rest = name.slice(prefix.length);
  const id = rest.endsWith(DOW_SUFFIX) ? rest.slice(0, -DOW_SUFFIX.length) : rest;
  return id.length > 0 ? id : undefined;
}
