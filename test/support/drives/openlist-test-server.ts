/**
 * An OpenList (v4, the maintained fork of Alist v3) API server for tests, in this process, since no
 * OpenList binary can be installed here. It follows OpenList's handlers as they are in the source of
 * OpenListTeam/OpenList (commit 0b1e9d09), written anew, no code copied:
 *
 * - reply wrapper: `server/common/resp.go`, `server/common/common.go` — every /api reply is HTTP 200
 *   with `{code, message, data}`; `code` 200 is success, errors carry 400/401/403/404/429/500 in it.
 * - auth: `server/handles/auth.go` (POST /api/auth/login → `{token}`, "Invalid username or password"
 *   401, 5 failures per IP → 429), `server/common/auth.go` (HS256 JWT with `exp`, invalidated tokens),
 *   `server/middlewares/auth.go` (raw token in `Authorization`; the admin token setting; no token =
 *   guest, disabled → 401 "Guest user is disabled, login please").
 * - `server/handles/fsread.go`: POST /api/fs/list (`page`/`per_page` per `internal/model/req.go`:
 *   page < 1 → 1, per_page < 1 → all; a page past the end is empty and `content` is null),
 *   POST /api/fs/get; objects as `ObjResp` (`modified`, `created`, `hashinfo` as a JSON string and
 *   `hash_info`, `sign`, `is_dir`).
 * - `server/handles/fsmanage.go`: mkdir, rename (`overwrite`), copy and move (`src_dir`, `dst_dir`,
 *   `names`, `overwrite`: "file [x] exists" 403 without it; same storage done at once, else a task),
 *   remove (`dir`, `names`; a missing name is no error, `internal/op/fs.go`).
 * - `server/handles/fsup.go`: PUT /api/fs/put with `File-Path` (URL-encoded), `Last-Modified` (ms),
 *   `X-File-Md5`/`X-File-Sha1`/`X-File-Sha256`, `Overwrite`, `As-Task`.
 * - `server/handles/task.go` + github.com/OpenListTeam/tache `state.go`: /api/task/copy/{info,undone,
 *   done,cancel,delete}; states 0 pending … 2 succeeded, 4 canceled, 7 failed.
 * - `internal/fs/copy_move.go`: a cross-storage copy is a FileTransferTask that reads the source and
 *   puts it into the target folder (keeping the source's mod time); a folder spawns one task per entry.
 * - `server/handles/down.go`, `server/middlewares/down.go`: GET /d/<path>?sign=… (sign_all is on by
 *   default, `internal/bootstrap/data/setting.go`); errors there are HTML pages with a real status.
 *
 * Not modelled: users other than the admin (and a guest), metas/passwords, base paths, archives,
 * offline downloads, multipart, cross-storage move, task retries. OpenList has no API rate limit of
 * its own; `throttle` stands for a reverse proxy or CDN in front of it answering HTTP 429.
 */
import { createHmac, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { posix } from "node:path";
import { cleanPath, type MountSpec, type Obj, OpError, Storages } from "./openlist-test-storage.ts";

export type { MountSpec, StorageProfile } from "./openlist-test-storage.ts";

export interface OpenListTestServerOptions {
  /** Storages and where they are mounted; default one `local` storage at `/local` in a temp folder. */
  readonly mounts: readonly MountSpec[];
  readonly username?: string;
  readonly password?: string;
  /** The admin token setting (`conf.Token`): a static token that always works. */
  readonly adminToken?: string;
  /** JWT lifetime (OpenList: `token_expires_in`, 48 h). */
  readonly tokenTtlMs?: number;
  /** The user may not copy (`user.CanCopy()` false): POST /api/fs/copy answers 403. */
  readonly denyCopy?: boolean;
  /** Each copy task waits for this before it runs, pending (to catch tasks in flight). */
  readonly taskGate?: (task: TaskInfo) => Promise<unknown>;
  /** Make a copy task fail: return its error message for the source path, or undefined. */
  readonly failTask?: (srcPath: string) => string | undefined;
  /** A proxy in front: answer HTTP 429 with this `Retry-After` (seconds) when it returns a number. */
  readonly throttle?: (request: RequestRecord) => number | undefined;
}

export interface RequestRecord {
  readonly method: string;
  /** The URL path, e.g. `/api/fs/list`. */
  readonly path: string;
  /** The query string, e.g. `?tid=task-1-…` (or ""). */
  readonly search: string;
  /** Arrival, `performance.now()` ms. */
  readonly at: number;
}

export interface TaskInfo {
  id: string;
  name: string;
  creator: string;
  creator_role: number;
  state: number;
  status: string;
  progress: number;
  start_time: string | null;
  end_time: string | null;
  total_bytes: number;
  error: string;
}

export interface OpenListTestServer {
  readonly url: string;
  /** Every request in arrival order. */
  readonly requests: RequestRecord[];
  /** Copy tasks by id. */
  readonly tasks: Map<string, TaskInfo>;
  /** Bytes of file bodies sent to clients (`/d/`) and received from them (PUT). */
  readonly bytes: { down: number; up: number };
  /** Forget every login token (as a restart with a new secret, or a password change, would). */
  invalidateTokens(): void;
  stop(): Promise<void>;
}

type Reply = { code: number; message: string; data: unknown };
const ok = (data: unknown = null): Reply => ({ code: 200, message: "success", data });
const fail = (code: number, message: string): Reply => ({ code, message, data: null });
const STATE = { pending: 0, running: 1, succeeded: 2, canceled: 4, failed: 7 } as const;
const DONE_STATES = new Set<number>([STATE.succeeded, STATE.canceled, STATE.failed]);

const b64url = (data: string | Buffer) => Buffer.from(data).toString("base64url");

export async function startOpenListTestServer(
  options: OpenListTestServerOptions,
): Promise<OpenListTestServer> {
  const username = options.username ?? "admin";
  const password = options.password ?? "secret";
  const secret = randomBytes(32);
  const validTokens = new Set<string>();
  const loginFailures = new Map<string, number>();
  const storages = new Storages(options.mounts);
  const requests: RequestRecord[] = [];
  const tasks = new Map<string, TaskInfo>();
  const bytes = { down: 0, up: 0 };
  let taskIds = 0;

  const sign = (path: string) => `${createHmac("sha256", secret).update(path).digest("base64url")}:0`;

  const newToken = (): string => {
    const now = Math.floor(Date.now() / 1000);
    const exp = Math.floor((Date.now() + (options.tokenTtlMs ?? 48 * 3600_000)) / 1000);
    const body = `${b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))}.${b64url(JSON.stringify({ username, pwd_ts: 0, exp, nbf: now, iat: now }))}`;
    const token = `${body}.${createHmac("sha256", secret).update(body).digest("base64url")}`;
    validTokens.add(token);
    return token;
  };

  /** middlewares.Auth: undefined = admin; otherwise the error reply. */
  const authenticate = (request: IncomingMessage): Reply | undefined => {
    const token = request.headers.authorization ?? "";
    if (options.adminToken && token === options.adminToken) return undefined;
    if (token === "") return fail(401, "Guest user is disabled, login please");
    if (!validTokens.has(token)) return fail(401, "token is invalidated");
    const [header, payload, signature] = token.split(".");
    if (
      !header ||
      !payload ||
      signature !== createHmac("sha256", secret).update(`${header}.${payload}`).digest("base64url")
    )
      return fail(401, "that's not even a token");
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as { exp: number };
    if (claims.exp * 1000 <= Date.now()) return fail(401, "token is expired");
    return undefined;
  };

  const objResp = (obj: Obj, parent: string) => {
    const hashinfo = Object.keys(obj.hashes).length > 0 ? JSON.stringify(obj.hashes) : "null";
    return {
      name: obj.name,
      size: obj.size,
      is_dir: obj.isDir,
      modified: obj.modified.toISOString(),
      created: obj.created.toISOString(),
      sign: sign(posix.join(parent, obj.name)),
      thumb: "",
      type: obj.isDir ? 1 : 0,
      hashinfo,
      hash_info: Object.keys(obj.hashes).length > 0 ? obj.hashes : null,
    };
  };

  const errorReply = (error: unknown): Reply => {
    if (error instanceof OpError) return fail(500, error.message);
    throw error;
  };

  // ---- copy tasks (internal/fs/copy_move.go, tache) ----
  const runTask = async (task: TaskInfo, srcPath: string, dstDir: string): Promise<void> => {
    await options.taskGate?.(task);
    if (task.state === STATE.canceled) return;
    task.state = STATE.running;
    task.start_time = new Date().toISOString();
    try {
      const injected = options.failTask?.(srcPath);
      if (injected) throw new OpError(injected);
      task.status = "getting src object";
      const src = await storages.getPath(srcPath).catch((error: Error) => {
        throw new OpError(`failed get src [${srcPath}] file: ${error.message}`);
      });
      if (src.isDir) {
        task.status = "src object is dir, listing objs";
        const children = await storages.list(srcPath);
        const childDir = posix.join(dstDir, src.name);
        await storages.makeDir(childDir);
        for (const child of children) startTask(posix.join(srcPath, child.name), childDir);
        task.status = "src object is dir, added all copy tasks of objs";
      } else {
        const { obj, file } = await storages.open(srcPath);
        task.total_bytes = obj.size;
        task.status = "uploading";
        const counted = async function* () {
          let done = 0;
          for await (const chunk of createReadStream(file)) {
            done += (chunk as Buffer).length;
            task.progress = obj.size === 0 ? 100 : (done / obj.size) * 100;
            yield chunk as Buffer;
          }
        };
        await storages.put(dstDir, obj.name, counted(), obj.modified);
      }
      task.progress = 100;
      task.state = STATE.succeeded;
    } catch (error) {
      task.state = STATE.failed;
      task.error = error instanceof Error ? error.message : String(error);
    } finally {
      task.end_time = new Date().toISOString();
    }
  };

  const startTask = (srcPath: string, dstDir: string): TaskInfo => {
    const src = storages.resolve(srcPath);
    const dst = storages.resolve(dstDir);
    const task: TaskInfo = {
      id: `task-${++taskIds}-${randomBytes(4).toString("hex")}`,
      name: `copy [${src?.mount.mountPath}](${src?.actual}) to [${dst?.mount.mountPath}](${dst?.actual})`,
      creator: username,
      creator_role: 2,
      state: STATE.pending,
      status: "",
      progress: 0,
      start_time: null,
      end_time: null,
      total_bytes: 0,
      error: "",
    };
    tasks.set(task.id, task);
    void runTask(task, srcPath, dstDir);
    return task;
  };

  // ---- handlers ----
  type Body = Record<string, unknown>;
  const str = (value: unknown) => (typeof value === "string" ? value : "");
  const names = (value: unknown) =>
    Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];

  const exists = async (path: string) =>
    storages.getPath(path).then(
      () => true,
      () => false,
    );

  const fsList = async (body: Body): Promise<Reply> => {
    const path = cleanPath(str(body.path));
    let page = Number(body.page ?? 0);
    let perPage = Number(body.per_page ?? 0);
    if (!(page >= 1)) page = 1;
    if (!(perPage >= 1)) perPage = Number.MAX_SAFE_INTEGER;
    const objs = await storages.list(path, body.refresh === true);
    const start = (page - 1) * perPage;
    const slice = start > objs.length ? [] : objs.slice(start, start + perPage);
    return ok({
      content: slice.length > 0 ? slice.map((obj) => objResp(obj, path)) : null,
      total: objs.length,
      readme: "",
      header: "",
      write: true,
      write_content_bypass: false,
      provider: "unknown",
    });
  };

  const fsGet = async (body: Body, origin: string): Promise<Reply> => {
    const path = cleanPath(str(body.path));
    const obj = await storages.getPath(path);
    const parent = posix.dirname(path);
    const provider = storages.resolve(path)?.mount.profile === "cloud" ? "Cloud" : "Local";
    return ok({
      ...objResp(obj, parent),
      raw_url: obj.isDir ? "" : `${origin}/p${encodeURI(path)}?sign=${sign(path)}`,
      readme: "",
      header: "",
      provider,
      related: null,
    });
  };

  const fsTransfer = async (body: Body, kind: "copy" | "move"): Promise<Reply> => {
    const list = names(body.names);
    if (list.length === 0) return fail(400, "Empty file names");
    if (kind === "copy" && options.denyCopy) return fail(403, "permission denied");
    const srcDir = cleanPath(str(body.src_dir));
    const dstDir = cleanPath(str(body.dst_dir));
    const paths: string[] = [];
    for (const name of list) {
      const srcPath = posix.join(srcDir, name);
      if (!`${srcPath}/`.startsWith(srcDir === "/" ? "/" : `${srcDir}/`)) continue;
      if (body.overwrite !== true && (await exists(posix.join(dstDir, posix.basename(srcPath)))))
        return fail(403, `file [${name}] exists`);
      paths.push(srcPath);
    }
    const added: TaskInfo[] = [];
    for (const srcPath of paths) {
      if (kind === "move") {
        if (!storages.sameStorage(srcPath, dstDir)) return fail(500, "not implement"); // not modelled
        await storages.move(srcPath, dstDir);
        continue;
      }
      if (storages.sameStorage(srcPath, dstDir) && (await storages.copyInStorage(srcPath, dstDir))) continue;
      if (!(await exists(dstDir))) await storages.makeDir(dstDir);
      added.push(startTask(srcPath, dstDir));
    }
    return added.length > 0
      ? ok({ message: `Successfully created ${added.length} ${kind} task(s)`, tasks: added })
      : ok({ message: `${kind === "copy" ? "Copy" : "Move"} operations completed immediately` });
  };

  const fsRename = async (body: Body): Promise<Reply> => {
    const path = cleanPath(str(body.path));
    const name = str(body.name);
    if (/[/\\]/.test(name) || name === "" || name === "." || name === "..")
      return fail(403, "using relative path is not allowed");
    const dst = posix.join(posix.dirname(path), name);
    if (body.overwrite !== true && dst !== path && (await exists(dst)))
      return fail(403, `file [${name}] exists`);
    await storages.rename(path, name);
    return ok();
  };

  const fsRemove = async (body: Body): Promise<Reply> => {
    const list = names(body.names);
    if (list.length === 0) return fail(400, "Empty file names");
    const dir = cleanPath(str(body.dir));
    for (const name of list) {
      const path = posix.join(dir, name);
      if (`${path}/`.startsWith(dir === "/" ? "/" : `${dir}/`)) await storages.remove(path);
    }
    return ok();
  };

  const fsPut = async (request: IncomingMessage): Promise<Reply> => {
    let path: string;
    try {
      path = cleanPath(decodeURIComponent(String(request.headers["file-path"] ?? "")));
    } catch {
      return fail(400, "invalid URL escape");
    }
    if (request.headers.overwrite === "false" && (await exists(path))) return fail(403, "file exists");
    const lastModified = Number(request.headers["last-modified"]);
    const modified = Number.isFinite(lastModified) ? new Date(lastModified) : new Date();
    const counted = (async function* () {
      for await (const chunk of request) {
        bytes.up += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
    })();
    await storages.put(posix.dirname(path), posix.basename(path), counted, modified);
    return ok();
  };

  const taskRoute = (action: string, url: URL): Reply => {
    if (action === "undone" || action === "done") {
      const wantDone = action === "done";
      return ok([...tasks.values()].filter((task) => DONE_STATES.has(task.state) === wantDone));
    }
    const task = tasks.get(url.searchParams.get("tid") ?? "");
    if (!task) return fail(404, "task not found");
    if (action === "info") return ok(task);
    if (action === "cancel") {
      if (!DONE_STATES.has(task.state)) task.state = STATE.canceled;
      return ok();
    }
    if (action === "delete") {
      tasks.delete(task.id);
      return ok();
    }
    return fail(404, "not found");
  };

  const readJson = async (request: IncomingMessage): Promise<Body | undefined> => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    try {
      const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString() || "{}");
      return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Body) : undefined;
    } catch {
      return undefined;
    }
  };

  const api = async (request: IncomingMessage, url: URL, origin: string): Promise<Reply> => {
    const route = url.pathname;
    if (route === "/api/auth/login" && request.method === "POST") {
      const body = await readJson(request);
      const ip = request.socket.remoteAddress ?? "";
      const count = loginFailures.get(ip) ?? 0;
      if (!body || str(body.username) === "")
        return fail(
          400,
          "Key: 'LoginReq.Username' Error:Field validation for 'Username' failed on the 'required' tag",
        );
      if (count >= 5)
        return fail(
          429,
          "Too many unsuccessful sign-in attempts have been made using an incorrect username or password, Try again later.",
        );
      if (body.username !== username || body.password !== password) {
        loginFailures.set(ip, count + 1);
        return fail(401, "Invalid username or password");
      }
      loginFailures.delete(ip);
      return ok({ token: newToken() });
    }
    const denied = authenticate(request);
    if (denied) return denied;
    if (route === "/api/fs/put" && request.method === "PUT") return fsPut(request);
    const task = /^\/api\/task\/copy\/(\w+)$/.exec(route);
    if (task) return taskRoute(task[1] ?? "", url);
    const body = await readJson(request);
    if (!body) return fail(400, "invalid character in JSON body");
    switch (route) {
      case "/api/fs/list":
        return fsList(body);
      case "/api/fs/get":
        return fsGet(body, origin);
      case "/api/fs/mkdir":
        await storages.makeDir(cleanPath(str(body.path)));
        return ok();
      case "/api/fs/rename":
        return fsRename(body);
      case "/api/fs/copy":
        return fsTransfer(body, "copy");
      case "/api/fs/move":
        return fsTransfer(body, "move");
      case "/api/fs/remove":
        return fsRemove(body);
      default:
        return fail(404, "not found");
    }
  };

  const download = async (url: URL, response: ServerResponse): Promise<void> => {
    const path = cleanPath(decodeURIComponent(url.pathname.replace(/^\/[dp]/, "")));
    const page = (status: number, message: string) => {
      response.writeHead(status, { "Content-Type": "text/html; charset=utf-8" });
      response.end(`<!DOCTYPE html><html><body><h1>${status}</h1><p>${message}</p></body></html>`);
    };
    if ((url.searchParams.get("sign") ?? "") !== sign(path)) return page(401, "sign mismatch");
    let opened: { obj: Obj; file: string };
    try {
      opened = await storages.open(path);
    } catch (error) {
      if (error instanceof OpError) return page(500, error.message);
      throw error;
    }
    response.writeHead(200, {
      "Content-Type": "application/octet-stream",
      "Content-Length": String(opened.obj.size),
    });
    const stream = createReadStream(opened.file);
    stream.on("data", (chunk) => {
      bytes.down += chunk.length;
    });
    stream.pipe(response);
    await new Promise((resolve) => response.on("close", resolve));
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://openlist.test");
    const record: RequestRecord = {
      method: request.method ?? "GET",
      path: url.pathname,
      search: url.search,
      at: performance.now(),
    };
    requests.push(record);
    const retryAfter = options.throttle?.(record);
    if (retryAfter !== undefined) {
      request.resume();
      response.writeHead(429, { "Retry-After": String(retryAfter), "Content-Type": "text/plain" });
      response.end("Too Many Requests");
      return;
    }
    const origin = `http://${request.headers.host}`;
    const handle = async () => {
      if (url.pathname.startsWith("/d/") || url.pathname.startsWith("/p/")) return download(url, response);
      let reply: Reply;
      try {
        reply = await api(request, url, origin);
      } catch (error) {
        reply = errorReply(error);
      }
      request.resume();
      response.writeHead(200, { "Content-Type": "application/json; charset=utf-8" });
      response.end(JSON.stringify(reply));
    };
    handle().catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500);
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    tasks,
    bytes,
    invalidateTokens: () => validTokens.clear(),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
