import picomatch from "picomatch";

/**
 * Builds a path filter after rclone's rules: a file is selected when it matches an include (if any are
 * given) and no exclude. `*` and `?` stay within one path segment, `**` crosses them, `{a,b}` picks.
 * A leading `/` anchors a pattern to the root; without it the pattern matches at any depth
 * (`*.tmp` selects `a/b/c.tmp`). Dot files are matched like any other.
 */
export function createPathFilter(
  include: readonly string[],
  exclude: readonly string[],
): (path: string) => boolean {
  const included = compile(include);
  const excluded = compile(exclude);
  if (!included && !excluded) return () => true;
  return (path) => (included ? included(path) : true) && !(excluded?.(path) ?? false);
}

const compile = (patterns: readonly string[]): ((path: string) => boolean) | undefined => {
  if (patterns.length === 0) return undefined;
  const globs = patterns.map((pattern) => {
    if (pattern.trim() === "")
      throw new Error(`a filter pattern must not be empty, got ${JSON.stringify(pattern)}`);
    return pattern.startsWith("/") ? pattern.slice(1) : `**/${pattern}`;
  });
  return picomatch(globs, { dot: true });
};

/**
 * Which directories are worth walking: false for a directory every file of which an exclude of the
 * form `X/**` leaves out (e.g. `node_modules/**`, `/cache/**`), so the walk skips it on both sides
 * (and a mirror deletes nothing in it). Other patterns never prune: only whole-subtree excludes are sure.
 */
export function createDirectoryFilter(exclude: readonly string[]): (dir: string) => boolean {
  const subtrees = exclude
    .filter((pattern) => pattern.endsWith("/**"))
    .map((pattern) => pattern.slice(0, -3));
  const excluded = compile(subtrees.filter((pattern) => pattern !== "" && pattern !== "/"));
  return excluded ? (dir) => !excluded(dir) : () => true;
}
