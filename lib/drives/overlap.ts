import type { Location } from "./location.ts";

/** True when `inner` is `outer` or lies below it, for `/`-separated paths. */
const within = (inner: string, outer: string): boolean => {
  const base = outer.replace(/\/+$/, "");
  return inner === base || base === "" || inner.startsWith(`${base}/`);
};

/**
 * True when one location is inside the other (or they are the same place), so a sync would read its
 * own output: a mirror could delete what it is copying, a copy could recurse without end. rclone
 * refuses such pairs too. Only compares locations of the same kind and store; two `name:path`
 * locations of one drive are compared by path (resolve them first to compare across drives).
 */
export function locationsOverlap(a: Location, b: Location): boolean {
  if (a.kind === "local" && b.kind === "local") {
    const [x, y] = [a.root.replaceAll("\\", "/"), b.root.replaceAll("\\", "/")];
    return within(x, y) || within(y, x);
  }
  if (a.kind === "drive" && b.kind === "drive") {
    return a.drive === b.drive && (within(a.path, b.path) || within(b.path, a.path));
  }
  if (a.kind === "s3" && b.kind === "s3") {
    if (a.bucket !== b.bucket || (a.endpoint ?? "") !== (b.endpoint ?? "")) return false;
    return within(a.prefix, b.prefix) || within(b.prefix, a.prefix);
  }
  if (a.kind === "webdav" && b.kind === "webdav") {
    const [x, y] = [new URL(a.url), new URL(b.url)];
    if (x.origin !== y.origin) return false;
    const [p, q] = [decodeURIComponent(x.pathname), decodeURIComponent(y.pathname)];
    return within(p, q) || within(q, p);
  }
  return false;
}
