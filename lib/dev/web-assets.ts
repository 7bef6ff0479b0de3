import { existsSync, readFileSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { dirname, extname, join, normalize, resolve, sep } from "node:path";

/** What the dev server answers for the dashboard and the API reference: a file of dist/web, or nothing. */
export interface WebAsset {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
};

/** The folder the web build wrote (dist/web of this package), found from this file, source or bundle. */
export function webAssetsDir(from = import.meta.dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "syncron"
    ) {
      return join(dir, "dist/web");
    }
    if (dirname(dir) === dir) return resolve(from, "../../dist/web");
  }
}

/** Paths the API answers; everything else is the dashboard's. */
const isApiPath = (path: string): boolean =>
  path.startsWith("/api/") || path === "/api" || path.startsWith("/healthz") || path === "/openapi.json";

/**
 * The dashboard file for a GET/HEAD of `urlPath` (`/` → index.html, `/docs` → docs/index.html), or
 * undefined when the path is the API's or names no file. Never serves outside `root`.
 */
export async function webAsset(root: string, method: string, urlPath: string): Promise<WebAsset | undefined> {
  if (method !== "GET" && method !== "HEAD") return undefined;
  let path: string;
  try {
    path = decodeURIComponent(urlPath.split("?")[0] ?? "/");
  } catch {
    return undefined;
  }
  if (isApiPath(path)) return undefined;
  if (path === "/docs") return { status: 308, headers: { location: "/docs/" }, body: Buffer.alloc(0) };
  const file = normalize(join(root, path.endsWith("/") ? `${path}index.html` : path));
  if (!file.startsWith(root + sep)) return undefined;
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) {
    if (path === "/") return notBuilt();
    return undefined;
  }
  const type = TYPES[extname(file)] ?? "application/octet-stream";
  return {
    status: 200,
    headers: {
      "content-type": type,
      // Hashed assets never change; pages are re-read each time.
      "cache-control": file.includes(`${sep}assets${sep}`)
        ? "public, max-age=31536000, immutable"
        : "no-cache",
      "x-content-type-options": "nosniff",
    },
    body: await readFile(file),
  };
}

const notBuilt = (): WebAsset => ({
  status: 503,
  headers: { "content-type": "text/plain; charset=utf-8" },
  body: Buffer.from("The dashboard is not built: run `npm run build` (npm ci does it).\n"),
});
