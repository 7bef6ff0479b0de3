import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { ensureTool } from "./measure.ts";

/** Installs Debian's rclone when missing; returns the path of an empty config (no remotes, no notice). */
export async function prepareRclone(workDir: string): Promise<string> {
  ensureTool("rclone", "rclone");
  await mkdir(workDir, { recursive: true });
  const config = join(workDir, "rclone.conf");
  await writeFile(config, "");
  return config;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

export interface WebdavServer {
  url: string;
  stop(): Promise<void>;
}

/** `rclone serve webdav <root>` on a free local port; resolves once it answers. */
export async function serveWebdav(
  root: string,
  config: string,
  extraArgs: readonly string[] = [],
): Promise<WebdavServer> {
  await mkdir(root, { recursive: true });
  const port = await freePort();
  const child: ChildProcess = spawn(
    "rclone",
    ["serve", "webdav", root, "--addr", `127.0.0.1:${port}`, "--config", config, ...extraArgs],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    log = (log + chunk).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`rclone serve webdav exited: ${log}`);
    const ok = await fetch(`${url}/`, { method: "PROPFIND", headers: { Depth: "0" } }).then(
      (response) => response.status < 500,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`rclone serve webdav did not answer within 30 s: ${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/**
 * Empties a folder through the server (so its directory cache knows): DELETE, then MKCOL, since
 * syncron's webdav drive expects its root folder to exist (rclone creates it; both get it made).
 */
export async function resetRemote(url: string): Promise<void> {
  const deleted = await fetch(url, { method: "DELETE" });
  if (deleted.status >= 400 && deleted.status !== 404) {
    throw new Error(`DELETE ${url}: ${deleted.status} ${await deleted.text()}`);
  }
  const made = await fetch(url, { method: "MKCOL" });
  if (made.status >= 400) throw new Error(`MKCOL ${url}: ${made.status} ${await made.text()}`);
}
