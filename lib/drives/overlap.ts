import { realpath, stat } from "node:fs/promises";
import { basename, dirname, join, sep } from "node:path";
import type { Location } from "./location.ts";

/** True when `inner` is `outer` or lies below it, for `/`-separated paths. */
const within = (inner: string, outer: string): boolean => {
  const base = outer.replace(/\/+$/, "");
  return inner === base || base === "" || inner.startsWith(`${base}/`);
};

const nested = (x: string, y: string): boolean => within(x, y) || within(y, x);

const safeDecode = (text: string): string => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

/** A URL path as the server sees it: percent-decoded, no empty segments, no trailing slash. */
const serverPath = (pathname: string): string =>
  `/${pathname
    .split("/")
    .filter((segment) => segment !== "")
    .map(safeDecode)
    .join("/")}`;

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1)$/;

/**
 * A server's identity from a URL, whatever its spelling: host case, a trailing dot, the default port
 * (`:80` for http, `:443` for https — and http and https on their default ports are one server), and
 * the loopback names (`localhost`, `127.0.0.1`, `[::1]`) are all one.
 */
const serverOf = (url: URL): string => {
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  return `${LOOPBACK.test(host) ? "loopback" : host}:${url.port || "default"}`;
};

/**
 * The S3 store a location talks to: "aws" for no endpoint or any amazonaws.com one (bucket names are
 * global there), else the endpoint's server. A virtual-host endpoint (`https://bucket.host`) names
 * the same store as the path-style one (`https://host`).
 */
const s3StoreOf = (location: Extract<Location, { kind: "s3" }>): string => {
  if (location.endpoint === undefined) return "aws";
  let url: URL;
  try {
    url = new URL(location.endpoint);
  } catch {
    return location.endpoint;
  }
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  if (host === "amazonaws.com" || host.endsWith(".amazonaws.com")) return "aws";
  const prefix = `${location.bucket.toLowerCase()}.`;
  if (host.startsWith(prefix)) url.hostname = host.slice(prefix.length);
  return `${serverOf(url)}${serverPath(url.pathname)}`;
};

/**
 * True when one location is inside the other (or they are the same place), so a sync would read its
 * own output: a mirror could delete what it is copying, a copy could recurse without end. rclone
 * refuses such pairs too. Judged on spellings: two WebDAV or S3 URLs that name one place differently
 * (host case, default ports, percent-encoding, trailing or doubled slashes, path-style or
 * virtual-host endpoints) overlap. Local paths are compared as written; `realLocationsOverlap` also
 * follows symlinks, bind mounts and case-insensitive disks. Two `name:path` locations of one drive
 * are compared by path (resolve them first to compare across drives).
 */
export function locationsOverlap(a: Location, b: Location): boolean {
  if (a.kind === "local" && b.kind === "local") {
    return nested(a.root.replaceAll("\\", "/"), b.root.replaceAll("\\", "/"));
  }
  if (a.kind === "drive" && b.kind === "drive") {
    return a.drive === b.drive && nested(a.path, b.path);
  }
  if (a.kind === "s3" && b.kind === "s3") {
    if (a.bucket.toLowerCase() !== b.bucket.toLowerCase() || s3StoreOf(a) !== s3StoreOf(b)) return false;
    return nested(serverPath(a.prefix), serverPath(b.prefix));
  }
  if (a.kind === "webdav" && b.kind === "webdav") {
    const [x, y] = [new URL(a.url), new URL(b.url)];
    return serverOf(x) === serverOf(y) && nested(serverPath(x.pathname), serverPath(y.pathname));
  }
  if (a.kind === "openlist" && b.kind === "openlist") {
    if (new URL(a.url).origin !== new URL(b.url).origin) return false;
    return within(a.root, b.root) || within(b.root, a.root);
  }
  return false;
}

/** A local folder as it is on disk: its nearest existing ancestor (real path, identity) and the rest. */
interface OnDisk {
  /** realpath of the nearest existing ancestor (or the folder itself). */
  readonly real: string;
  /** `dev:ino` of that ancestor and of each of its own ancestors, nearest first. */
  readonly chain: readonly string[];
  /** The segments below it that do not exist yet (empty when the folder exists). */
  readonly missing: readonly string[];
}

async function onDisk(path: string): Promise<OnDisk> {
  const missing: string[] = [];
  let current = path;
  for (;;) {
    const real = await realpath(current).catch(() => undefined);
    if (real !== undefined) {
      const chain: string[] = [];
      for (let dir = real; ; dir = dirname(dir)) {
        const info = await stat(dir).catch(() => undefined);
        if (info) chain.push(`${info.dev}:${info.ino}`);
        if (dirname(dir) === dir) break;
      }
      return { real, chain, missing };
    }
    if (dirname(current) === current) return { real: current, chain: [], missing };
    missing.unshift(basename(current));
    current = dirname(current);
  }
}

/** True when `inner` lies in (or is) `outer`, judged by the identity of their existing parts. */
const insideOnDisk = (inner: OnDisk, outer: OnDisk): boolean => {
  const outerId = outer.chain[0];
  const depth = outerId === undefined ? -1 : inner.chain.indexOf(outerId);
  if (depth < 0) return false;
  // inner's existing part is `outer`'s existing part or below it: compare what does not exist yet.
  if (outer.missing.length === 0) return true;
  return depth === 0 && within(inner.missing.join("/"), outer.missing.join("/"));
};

/**
 * `locationsOverlap`, with local folders judged on the real disk before anything is written:
 * symlinks are followed (`link/photos` where `link` points into the other folder), and folders are
 * compared by identity (device and inode) as well as by real path, so a bind mount or another case
 * on a case-insensitive disk names the same folder. A folder that does not exist yet is judged by its
 * nearest existing ancestor. Remote locations are judged as `locationsOverlap` does.
 */
export async function realLocationsOverlap(a: Location, b: Location): Promise<boolean> {
  if (locationsOverlap(a, b)) return true;
  if (a.kind !== "local" || b.kind !== "local") return false;
  const [x, y] = await Promise.all([onDisk(a.root), onDisk(b.root)]);
  const spelled = (disk: OnDisk) =>
    join(disk.real, ...disk.missing)
      .split(sep)
      .join("/");
  return nested(spelled(x), spelled(y)) || insideOnDisk(x, y) || insideOnDisk(y, x);
}
