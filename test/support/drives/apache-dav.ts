import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chownSync, existsSync } from "node:fs";
import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ensureTool } from "../../../bench/support/measure.ts";
import { freePort } from "../store/dynamodb-local.ts";
import { tempDir } from "../temp-dir.ts";

const APACHE = "/usr/sbin/apache2";
const MODULES = "/usr/lib/apache2/modules";

export interface ApacheDav {
  /** `http://127.0.0.1:<port>` (no trailing slash): DAV on everything under it. */
  readonly url: string;
  /** The folder on disk it serves. */
  readonly root: string;
  stop(): Promise<void>;
}

/**
 * Starts Debian's Apache httpd with mod_dav and mod_dav_fs on a free port, in a temp ServerRoot of
 * its own (installed with apt-get when missing: CI is a fresh machine). With `user`, every request
 * needs that basic-auth user (its name and password may be any UTF-8: Apache compares the bytes).
 * Run as root, Apache serves as www-data, so the folder is theirs.
 */
export async function startApacheDav(options: { user?: { username: string; password: string } } = {}) {
  ensureTool(APACHE, "apache2");
  const serverRoot = await tempDir("syncron-apache-");
  const root = join(serverRoot, "dav");
  await mkdir(root);
  await mkdir(join(serverRoot, "lock"));
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  const modules = ["mpm_event", "authz_core", "authn_core", "dav", "dav_fs"];
  if (options.user) modules.push("auth_basic", "authn_file", "authz_user");
  const passwords = join(serverRoot, "htpasswd");
  if (options.user) {
    // -i: the password from stdin, bytes as given (UTF-8).
    execFileSync("htpasswd", ["-c", "-i", passwords, options.user.username], {
      input: options.user.password,
    });
  }
  const config = [
    `ServerRoot "${serverRoot}"`,
    "ServerName 127.0.0.1",
    `Listen 127.0.0.1:${port}`,
    `PidFile "${serverRoot}/httpd.pid"`,
    `DefaultRuntimeDir "${serverRoot}"`,
    `Mutex file:${serverRoot} default`,
    `ErrorLog "${serverRoot}/error.log"`,
    "LogLevel warn",
    ...modules.map((m) => `LoadModule ${m}_module ${MODULES}/mod_${m}.so`),
    ...(asRoot ? ["User www-data", "Group www-data"] : []),
    "StartServers 1",
    "ServerLimit 1",
    // Room for every connection a test opens at once: with all workers busy, the event MPM closes idle
    // kept-alive connections, and a PUT sent on one as it closes fails (20 of 150 rounds of 12 parallel
    // writes at load 8 with 16 threads, 0 with 64).
    "ThreadsPerChild 64",
    "MaxRequestWorkers 64",
    `DavLockDB "${serverRoot}/lock/DavLock"`,
    `DocumentRoot "${root}"`,
    `<Directory "${root}">`,
    "  Dav On",
    "  Options None",
    "  AllowOverride None",
    ...(options.user
      ? ["  AuthType Basic", '  AuthName "syncron"', `  AuthUserFile "${passwords}"`, "  Require valid-user"]
      : ["  Require all granted"]),
    "</Directory>",
  ].join("\n");
  await writeFile(join(serverRoot, "httpd.conf"), `${config}\n`);
  if (asRoot) {
    const id = (name: string, flag: string) => Number(execFileSync("id", [flag, name]).toString().trim());
    const [uid, gid] = [id("www-data", "-u"), id("www-data", "-g")];
    for (const path of [root, join(serverRoot, "lock")]) chownSync(path, uid, gid);
    await chmod(serverRoot, 0o755); // mkdtemp makes it 0700: www-data must reach the folders inside
  }
  const child: ChildProcess = spawn(APACHE, ["-f", join(serverRoot, "httpd.conf"), "-DFOREGROUND"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((done) => child.once("exit", done));
      child.kill("SIGTERM");
      await exited;
    }
    await rm(serverRoot, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) {
      const log = existsSync(join(serverRoot, "error.log"))
        ? await readFile(join(serverRoot, "error.log"), "utf8")
        : "";
      await stop();
      throw new Error(`apache2 exited with ${child.exitCode}: ${stderr}${log}`);
    }
    try {
      await fetch(url, { method: "OPTIONS" });
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`apache2 did not answer on ${url}: ${stderr}`);
      }
      await new Promise((done) => setTimeout(done, 100));
    }
  }
  return { url, root, stop } satisfies ApacheDav;
}
