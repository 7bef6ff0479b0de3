import { utimesSync } from "node:fs";
import type { IncomingMessage, Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import webdavServer from "webdav-server";

const { v2 } = webdavServer;

export interface WebdavTestServerOptions {
  /** Serve this folder on disk; default: an in-memory file system. */
  readonly root?: string;
  /** Require basic auth with this user (full rights on `/`). */
  readonly user?: { readonly username: string; readonly password: string };
  /**
   * Act like Nextcloud/ownCloud for `X-OC-Mtime` on PUT: set the file's mod time and answer
   * `X-OC-MTime: accepted`. Needs `root` (the mod time is set on disk).
   */
  readonly ocMtime?: boolean;
  /**
   * Store every name in this Unicode form, whatever form a request spells it in, as Nextcloud does
   * (NFC): the request path and `Destination` are normalized before the server sees them, so
   * `cafe\u0301.txt` and `caf\u00e9.txt` are one file, listed as NFC.
   */
  readonly normalizeNames?: "NFC" | "NFD";
}

export interface WebdavTestServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  readonly url: string;
  /** Arrival times (`performance.now()` ms) of every request. */
  readonly requests: number[];
  /** Method of every request, in arrival order (`PROPFIND`, `PUT`, `MOVE` …). */
  readonly methods: string[];
  stop(): Promise<void>;
}

/**
 * Starts `webdav-server` 2 in this process on a free port (tests only). It does not honour
 * `Overwrite: F`, and its hrefs carry `#` and `?` unencoded; the drive relies on neither.
 */
export async function startWebdavTestServer(
  options: WebdavTestServerOptions = {},
): Promise<WebdavTestServer> {
  const auth = options.user
    ? (() => {
        const users = new v2.SimpleUserManager();
        const user = users.addUser(options.user.username, options.user.password, false);
        const privileges = new v2.SimplePathPrivilegeManager();
        privileges.setRights(user, "/", ["all"]);
        return {
          httpAuthentication: new v2.HTTPBasicAuthentication(users, "syncron"),
          privilegeManager: privileges,
        };
      })()
    : {};
  const server = new v2.WebDAVServer({
    port: 0,
    hostname: "127.0.0.1",
    maxRequestDepth: Number.POSITIVE_INFINITY,
    ...(options.root ? { rootFileSystem: new v2.PhysicalFileSystem(options.root) } : {}),
    ...auth,
  });
  const requests: number[] = [];
  const methods: string[] = [];
  server.beforeRequest((ctx, next) => {
    requests.push(performance.now());
    methods.push(ctx.request.method ?? "");
    next();
  });
  const root = options.root;
  if (options.ocMtime && root) {
    server.beforeRequest((ctx, next) => {
      const header = ctx.request.headers["x-oc-mtime"];
      const seconds = typeof header === "string" ? Number(header) : Number.NaN;
      if (ctx.request.method === "PUT" && Number.isFinite(seconds)) {
        const file = join(root, decodeURIComponent(new URL(ctx.request.url ?? "/", "http://x").pathname));
        const response = ctx.response;
        const end = response.end.bind(response) as (...args: unknown[]) => typeof response;
        response.setHeader("X-OC-MTime", "accepted");
        // Set the time once the body is on disk, before the client can see the response.
        response.end = ((...args: unknown[]) => {
          try {
            if (response.statusCode < 300) utimesSync(file, seconds, seconds);
          } catch {}
          return end(...args);
        }) as typeof response.end;
      }
      next();
    });
  }
  const http = await new Promise<Server>((resolve) =>
    server.start((started) => resolve(started as unknown as Server)),
  );
  const form = options.normalizeNames;
  if (form) {
    const normalize = (url: string): string => {
      const parsed = new URL(url, "http://x");
      const path = parsed.pathname
        .split("/")
        .map((segment) => encodeURIComponent(decodeURIComponent(segment).normalize(form)))
        .join("/");
      return url.startsWith("/") ? `${path}${parsed.search}` : new URL(`${path}${parsed.search}`, url).href;
    };
    // Ahead of webdav-server's own listener, which reads the URL once the request arrives.
    http.prependListener("request", (request: IncomingMessage) => {
      request.url = normalize(request.url ?? "/");
      const destination = request.headers.destination;
      if (typeof destination === "string") request.headers.destination = normalize(destination);
    });
  }
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    methods,
    stop: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections?.();
        server.stop(() => resolve());
      }),
  };
}
