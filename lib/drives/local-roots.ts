import { realpathSync } from "node:fs";
import { basename, delimiter, dirname, join, resolve, sep } from "node:path";
import { ENV } from "../env.ts";
import { type Location, LocationError } from "./location.ts";

/**
 * The folders local locations given to the API must lie in, as real paths (symlinks resolved).
 * Empty: local locations are refused (on AWS Lambda, where a local folder cannot work).
 */
export interface LocalRoots {
  readonly roots: readonly string[];
  /** Where the rule comes from, for messages: `SYNCRON_LOCAL_ROOTS`, or the default that applied. */
  readonly rule: string;
}

/** A local location outside the allowed roots. The message names the rule and the real path. */
export class LocalPathRefusedError extends LocationError {
  override name = "LocalPathRefusedError";
}

/**
 * The real path of `path`, also when it does not exist yet (a new target): the real path of its
 * nearest existing ancestor, with the missing names after it. `..` is resolved first.
 */
export function realPathOf(path: string): string {
  const missing: string[] = [];
  for (let current = resolve(path); ; current = dirname(current)) {
    try {
      return join(realpathSync.native(current), ...missing.reverse());
    } catch {
      if (dirname(current) === current) return resolve(path);
      missing.push(basename(current));
    }
  }
}

/**
 * The allowed roots from `SYNCRON_LOCAL_ROOTS` (`value`: folders separated by `:` — `;` on Windows —,
 * relative ones against `cwd`), or `fallback` when it is unset or blank.
 */
export function localRootsFrom(
  value: string | undefined,
  fallback: { readonly roots: readonly string[]; readonly rule: string },
  cwd: string = process.cwd(),
): LocalRoots {
  const listed = (value ?? "")
    .split(delimiter)
    .map((root) => root.trim())
    .filter((root) => root !== "");
  if (listed.length === 0) return { roots: fallback.roots.map(realPathOf), rule: fallback.rule };
  return { roots: listed.map((root) => realPathOf(resolve(cwd, root))), rule: "SYNCRON_LOCAL_ROOTS" };
}

/** No confinement: for the CLI, where the user is the caller and may name any folder. */
export const ANY_LOCAL_ROOT: LocalRoots = { roots: [sep], rule: "the CLI's user may name any folder" };

/** The Lambda functions' roots: none (a local folder cannot work there) unless SYNCRON_LOCAL_ROOTS names some. */
export const lambdaLocalRoots = (env: Record<string, string | undefined>): LocalRoots =>
  localRootsFrom(env[ENV.localRoots], { roots: [], rule: `${ENV.localRoots} is not set` });

const inside = (path: string, root: string): boolean =>
  path === root || root === sep || path.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);

/**
 * Throws LocalPathRefusedError unless the real path of `root` (a local location's folder) lies in
 * one of the allowed roots. Judged on real paths, so a symlink into `/etc` is refused however it is
 * named, and again at each run (a link swapped after the config was stored).
 */
export function assertLocalAllowed(root: string, allowed: LocalRoots): void {
  const real = realPathOf(root);
  if (allowed.roots.some((base) => inside(real, base))) return;
  const shown =
    real === resolve(root)
      ? JSON.stringify(root)
      : `${JSON.stringify(root)} (real path ${JSON.stringify(real)})`;
  if (allowed.roots.length === 0) {
    throw new LocalPathRefusedError(
      `local folder ${shown} refused: local locations are off here (${allowed.rule}); use s3:// or webdav://`,
    );
  }
  throw new LocalPathRefusedError(
    `local folder ${shown} refused: it is outside the allowed roots ${allowed.roots.join(delimiter)} (${allowed.rule})`,
  );
}

/**
 * Throws LocalPathRefusedError unless the real path of `root` lies in the real path of `within`
 * (a folder of a named drive, and the drive's root): a symlink in a drive never leads out of it.
 */
export function assertLocalInside(root: string, within: string): void {
  const [real, base] = [realPathOf(root), realPathOf(within)];
  if (inside(real, base)) return;
  throw new LocalPathRefusedError(
    `local folder ${JSON.stringify(root)} (real path ${JSON.stringify(real)}) refused: it leads out of its drive's root ${JSON.stringify(within)}`,
  );
}

/**
 * `open` (a drive opener of parsed locations) that first refuses local locations outside `allowed`
 * (LocalPathRefusedError): the worker's check at run time, for configs stored earlier or symlinks
 * swapped since.
 */
export function confineLocal<Rest extends unknown[], Opened>(
  open: (location: Location, ...rest: Rest) => Opened,
  allowed: LocalRoots,
): (location: Location, ...rest: Rest) => Opened {
  return (location, ...rest) => {
    if (location.kind === "local") assertLocalAllowed(location.root, allowed);
    return open(location, ...rest);
  };
}
