import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseDriveRef, refSegments } from "./drive-ref.ts";
import type { RateLimitSettings } from "./rate-limit.ts";

/**
 * Where a drive lives, parsed from a location string or a named drive. Secrets stay here; never log
 * this object. `limits` (a named drive's `tps`/`bwlimit`) are shared by every drive opened with the
 * same `limits.key` in this process.
 */
export type Location = (
  | {
      kind: "local";
      root: string;
      /**
       * A named drive's root, when `root` is a folder inside it: the drive's paths (`root` itself too)
       * must stay inside it, real paths judged, so a symlink in the drive cannot lead out of it.
       */
      within?: string;
    }
  | {
      kind: "s3";
      bucket: string;
      /** Key prefix without leading/trailing slashes; "" = the whole bucket. */
      prefix: string;
      endpoint?: string;
      region?: string;
      /** `path_style=true|false`; absent = decided from the endpoint. */
      forcePathStyle?: boolean;
      accessKeyId?: string;
      secretAccessKey?: string;
    }
  | {
      kind: "webdav";
      /** http(s) URL of the root folder, without credentials. */
      url: string;
      username?: string;
      password?: string;
      /** `vendor=nextcloud|owncloud|other`: whether the server keeps `X-OC-Mtime`. */
      vendor?: "nextcloud" | "owncloud" | "other";
    }
  | {
      /** A folder of an OpenList (or Alist v3) site, through its REST API (named drives only). */
      kind: "openlist";
      /** The site, http(s), without credentials. */
      url: string;
      /** The folder inside OpenList, `/`-separated from its root, e.g. `/baidu/backup`. */
      root: string;
      username?: string;
      password?: string;
      token?: string;
      /** List with `refresh: true`. */
      refresh?: boolean;
      /** The storage keeps the mod times sent with uploads. */
      keepsModTimes?: boolean;
    }
  | {
      /** `name:path`: a path inside a named drive, resolved (settings and secrets) where it is opened. */
      kind: "drive";
      drive: string;
      /** `/`-separated, without leading or trailing slashes; "" = the drive's root. */
      path: string;
    }
) & {
  limits?: DriveLimits;
  /**
   * Opened only to be read (a sync's source): the drive writes nothing there, not even a probe file,
   * and the dev stack creates no bucket for it. A source is never written.
   */
  readOnly?: boolean;
};

/** A named drive's rate limits, and the key that makes every drive opened with it share them. */
export interface DriveLimits extends RateLimitSettings {
  readonly key: string;
}

/** A location string that cannot be used. The message names the bad part and never holds a secret. */
export class LocationError extends Error {
  override name = "LocationError";
}

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
/** Query keys whose values are secrets wherever they appear. */
const SECRET_KEY = /pass|secret|token|key|signature|credential|^sig$/i;
const URL_USER_INFO = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#]*@/;
/**
 * `scheme://` and the user-info up to the LAST `@` of the whole string: a secret may hold an
 * unencoded `/`, `?`, `#` or `@`, where WHATWG URL would end the user-info too early and show the
 * rest as host, port or path. Masking too much (an `@` in a path or a query value) is the safe side.
 */
const GREEDY_USER_INFO = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)(.*)@/s;
const S3_PARAMS = new Set(["endpoint", "region", "path_style"]);
const WEBDAV_PARAMS = new Set(["vendor"]);
const VENDORS = new Set(["nextcloud", "owncloud", "other"]);
/** Lenient on purpose (S3-compatible stores allow more than AWS): 3–63 of letters, digits, `.`, `_`, `-`. */
const BUCKET = /^[A-Za-z0-9][A-Za-z0-9._-]{1,61}[A-Za-z0-9]$/;
/** What a redacted secret reads as; a location holding it in place of a secret is refused on the way in. */
export const MASK = "***";

/**
 * Masks secrets in a location for logs and API output: the password in user-info (for s3 the whole
 * user-info, access key id included) and values of secret-looking query keys become `***`. The
 * user-info runs to the last `@` (see {@link GREEDY_USER_INFO}), so this does not depend on the
 * location being a valid URL: it is used to report errors about locations that are not.
 */
export function redactLocation(location: string): string {
  const scheme = SCHEME.exec(location)?.[1]?.toLowerCase();
  if (!scheme) return location;
  let out = location.replace(GREEDY_USER_INFO, (_match, start: string, userInfo: string) => {
    if (scheme === "s3") return `${start}${MASK}@`;
    const colon = userInfo.indexOf(":");
    return colon < 0 ? `${start}${userInfo}@` : `${start}${userInfo.slice(0, colon)}:${MASK}@`;
  });
  out = out.replace(/([?&])([^=&#]+)=([^&#]*)/g, (match, sep: string, key: string, value: string) => {
    if (SECRET_KEY.test(safeDecode(key))) return `${sep}${key}=${MASK}`;
    // A URL in a value (?endpoint=https://user:pass@host) may carry user-info of its own.
    const decoded = safeDecode(value);
    return URL_USER_INFO.test(decoded)
      ? `${sep}${key}=${decoded.replace(URL_USER_INFO, `$1${MASK}@`)}`
      : match;
  });
  return out;
}

const safeDecode = (text: string): string => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

/**
 * Parses a location: `name:path` (a named drive: `nas:/photos`, `backup:bucket/site`; a local path
 * whose first segment holds a colon is written `./a:b`), a path (relative ones resolved against `cwd`), `file:///abs`,
 * `s3://[key:secret@]bucket[/prefix][?endpoint=…&region=…&path_style=true|false]`,
 * `webdav://[user[:password]@]host[:port][/path][?vendor=nextcloud|owncloud|other]` or `webdavs://…`
 * (https). Throws LocationError naming the bad part; messages show the location redacted.
 */
export function parseLocation(location: string, cwd: string = process.cwd()): Location {
  const shown = JSON.stringify(redactLocation(location));
  const fail = (problem: string): never => {
    throw new LocationError(`location ${shown}: ${problem}`);
  };
  if (location.trim() === "")
    throw new LocationError("location is empty: give a path, file://, s3:// or webdav:// URL");
  if (location.includes("\0")) fail("contains a NUL character");
  const ref = parseDriveRef(location);
  if (ref) {
    try {
      return { kind: "drive", drive: ref.drive, path: refSegments(ref.path).join("/") };
    } catch (error) {
      return fail((error as Error).message);
    }
  }
  const scheme = SCHEME.exec(location)?.[1]?.toLowerCase();
  if (scheme === undefined)
    return { kind: "local", root: isAbsolute(location) ? resolve(location) : resolve(cwd, location) };

  // WHATWG URL silently resolves dot segments (`/a/../b` → `/b`): refuse them before it can.
  if (/\/(?:\.|%2e){1,2}(?=[/?#]|$)/i.test(location.replace(SCHEME, "").replace(/^[^/?#]*/, ""))) {
    fail('the path may not contain "." or ".." segments');
  }
  // An `@` past the first `/`, `?` or `#` makes the user-info ambiguous (WHATWG URL would read
  // `webdav://me:12/34@host` as host "me", port 12 and the password as path): refuse it.
  const rest = location.replace(SCHEME, "");
  const lastAt = rest.lastIndexOf("@");
  if (lastAt >= 0 && /[/?#]/.test(rest.slice(0, lastAt))) {
    fail(
      'an "@" after the host: write / ? # @ in a user name or password as %2F %3F %23 %40, and @ elsewhere as %40',
    );
  }
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return fail(badUrlReason(location));
  }
  switch (scheme) {
    case "file": {
      if (url.host !== "" && url.host !== "localhost")
        fail(`file:// must name a local path, not host "${url.host}"`);
      if (url.search || url.hash) fail("file:// takes no query or fragment");
      return { kind: "local", root: resolve(fileURLToPath(new URL(`file://${url.pathname}`))) };
    }
    case "s3":
      return parseS3(url, fail);
    case "webdav":
    case "webdavs":
      return parseWebdav(url, scheme === "webdavs" ? "https:" : "http:", fail);
    default:
      return fail(`unsupported scheme "${scheme}://" (use a path, file://, s3://, webdav:// or webdavs://)`);
  }
}

/** Why WHATWG URL refused a location, in words. Looks only past the user-info, which may hold a secret. */
const badUrlReason = (location: string): string => {
  const authority = location.replace(SCHEME, "").replace(/[/?#].*$/s, "");
  const hostPort = authority.slice(authority.lastIndexOf("@") + 1);
  if (hostPort === "") return "the host (or bucket) is missing";
  const port = /^(?:\[[^\]]*\]|[^:]*):(.*)$/.exec(hostPort)?.[1];
  if (port !== undefined && !/^\d{1,5}$/.test(port)) return `port "${port}" is not a number`;
  if (port !== undefined && Number(port) > 65535) return `port ${port} is out of range (1-65535)`;
  return "is not a valid URL";
};

const queryOf = (url: URL, allowed: Set<string>, fail: (problem: string) => never): Map<string, string> => {
  const params = new Map<string, string>();
  for (const [key, value] of url.searchParams) {
    if (!allowed.has(key)) fail(`unknown parameter "${key}" (allowed: ${[...allowed].join(", ")})`);
    if (params.has(key)) fail(`parameter "${key}" is given twice`);
    params.set(key, value);
  }
  if (url.hash) fail("a location takes no #fragment");
  return params;
};

const credentials = (url: URL): { user?: string; password?: string } => ({
  ...(url.username ? { user: safeDecode(url.username) } : {}),
  ...(url.password ? { password: safeDecode(url.password) } : {}),
});

const parseS3 = (url: URL, fail: (problem: string) => never): Location => {
  const bucket = url.hostname;
  if (bucket === "") fail("the bucket is missing (s3://bucket/prefix)");
  if (!BUCKET.test(bucket)) fail(`bucket "${bucket}" is not a valid bucket name`);
  if (url.port) fail("s3:// takes no port: give the store as ?endpoint=https://host:port");
  const segments = url.pathname
    .split("/")
    .filter((segment) => segment !== "")
    .map(safeDecode);
  if (segments.some((segment) => segment === "." || segment === ".."))
    fail('the prefix may not contain "." or ".." segments');
  const params = queryOf(url, S3_PARAMS, fail);
  const endpoint = params.get("endpoint");
  if (endpoint !== undefined && URL_USER_INFO.test(endpoint)) {
    fail(
      "the endpoint must not carry credentials: give them as s3://KEY:SECRET@bucket or in the environment",
    );
  }
  if (endpoint !== undefined && !/^https?:\/\/[^/?#]+/i.test(endpoint)) {
    fail(`endpoint "${endpoint}" must be an http:// or https:// URL`);
  }
  const pathStyle = params.get("path_style");
  if (pathStyle !== undefined && pathStyle !== "true" && pathStyle !== "false") {
    fail(`path_style "${pathStyle}" must be true or false`);
  }
  const region = params.get("region");
  if (region !== undefined && !/^[a-z0-9-]+$/i.test(region)) fail(`region "${region}" is not a region name`);
  const { user, password } = credentials(url);
  if ((user === undefined) !== (password === undefined)) {
    fail("credentials in the URL need both the access key id and the secret (s3://KEY:SECRET@bucket)");
  }
  return {
    kind: "s3",
    bucket,
    prefix: segments.join("/"),
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(region !== undefined ? { region } : {}),
    ...(pathStyle !== undefined ? { forcePathStyle: pathStyle === "true" } : {}),
    ...(user !== undefined ? { accessKeyId: user } : {}),
    ...(password !== undefined ? { secretAccessKey: password } : {}),
  };
};

const parseWebdav = (url: URL, protocol: "http:" | "https:", fail: (problem: string) => never): Location => {
  if (url.hostname === "") fail("the host is missing (webdav://host[:port]/path)");
  if (url.port === "0") fail("port 0 is out of range (1-65535)");
  const params = queryOf(url, WEBDAV_PARAMS, fail);
  const vendor = params.get("vendor");
  if (vendor !== undefined && !VENDORS.has(vendor))
    fail(`vendor "${vendor}" must be nextcloud, owncloud or other`);
  if (url.pathname.split("/").some((segment) => segment === "." || segment === "..")) {
    fail('the path may not contain "." or ".." segments');
  }
  const { user, password } = credentials(url);
  const path = url.pathname.replace(/\/+$/, "");
  return {
    kind: "webdav",
    url: `${protocol}//${url.host}${path === "" ? "/" : path}`,
    ...(user !== undefined ? { username: user } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(vendor !== undefined ? { vendor: vendor as "nextcloud" | "owncloud" | "other" } : {}),
  };
};
