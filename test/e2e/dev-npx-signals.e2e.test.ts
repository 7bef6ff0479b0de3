import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  E2E_TIMEOUT_MS,
  killAll,
  removeTempDirs,
  startDev,
  tempDir,
  waitFor,
} from "../support/dev/dev-process.ts";

const REPO = resolve(import.meta.dirname, "../..");
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const servers: number[] = [];
afterAll(async () => {
  for (const pid of servers) if (alive(pid)) process.kill(pid, "SIGKILL");
  await killAll();
  await removeTempDirs();
});

/**
 * `npx syncron dev` in a process group of its own, as a terminal runs a job, and the pid of the
 * node process that really serves (npm → sh → node), read from the data dir's lock file.
 */
async function startThroughNpx() {
  const work = await tempDir();
  const dataDir = join(work, "data");
  const npx: ChildProcess = spawn("npx", ["syncron", "dev", "--port", "0", "--data-dir", dataDir], {
    cwd: REPO,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, SYNCRON_LOCAL_ROOTS: work },
  });
  let output = "";
  npx.stdout?.on("data", (chunk) => (output += chunk));
  npx.stderr?.on("data", (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: string | null }>((done) =>
    npx.once("exit", (code, signal) => done({ code, signal })),
  );
  await waitFor(
    async () => (output.includes("listening on") ? true : undefined),
    "npx syncron dev to listen",
    90_000,
  );
  const server = Number(await readFile(join(dataDir, "dev.pid"), "utf8"));
  servers.push(server);
  expect(server).not.toBe(npx.pid);
  return { npx, server, dataDir, exited, output: () => output };
}

describe("syncron dev through npx stops with its launcher", { timeout: E2E_TIMEOUT_MS }, () => {
  it("SIGTERM to npx: the real server stops cleanly (no orphan holding the data folder)", async () => {
    const dev = await startThroughNpx();
    process.kill(dev.npx.pid!, "SIGTERM");
    // npm passes the signal to its shell, then ends by it itself (a shell shows 143): npm's doing.
    expect(await dev.exited).toEqual({ code: null, signal: "SIGTERM" });
    await waitFor(
      async () => (alive(dev.server) ? undefined : true),
      "the server behind npx to exit",
      30_000,
    );
    expect(dev.output()).toMatch(/INFO +stopping reason="launcher exited"[\s\S]*INFO +stopped/);
    expect(dev.output()).not.toMatch(/stop failed|second signal/);
    expect(existsSync(join(dev.dataDir, "dev.pid"))).toBe(false); // released by the clean stop
  });

  it("Ctrl-C (SIGINT to the whole process group): the server stops cleanly", async () => {
    const dev = await startThroughNpx();
    process.kill(-dev.npx.pid!, "SIGINT");
    expect(await dev.exited).toEqual({ code: null, signal: "SIGINT" });
    await waitFor(
      async () => (alive(dev.server) ? undefined : true),
      "the server behind npx to exit",
      30_000,
    );
    expect(dev.output()).toMatch(/INFO +stopping signal=SIGINT[\s\S]*INFO +stopped/);
    expect(dev.output()).not.toMatch(/stop failed|second signal/);
    expect(existsSync(join(dev.dataDir, "dev.pid"))).toBe(false);
  });

  it("SIGHUP (the terminal closed) stops it cleanly too, exit 0", async () => {
    const dev = await startDev({ dataDir: join(await tempDir(), "data") });
    const code = await dev.stop("SIGHUP");
    expect(code, `signal ${dev.child.signalCode}: ${dev.output()}`).toBe(0);
    expect(dev.output()).toMatch(/INFO +stopping signal=SIGHUP[\s\S]*INFO +stopped/);
  });
});
