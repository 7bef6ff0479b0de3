import { spawn } from "node:child_process";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BIN, E2E_TIMEOUT_MS, removeTempDirs, tempDir } from "../support/dev/dev-process.ts";

/** A port held by this test, on 127.0.0.1, as another program would hold it. */
const holdPort = (): Promise<{ server: Server; port: number }> =>
  new Promise((done) => {
    const server = createServer().listen(0, "127.0.0.1", () =>
      done({ server, port: (server.address() as { port: number }).port }),
    );
  });

/** `syncron dev` with `args`; resolves its exit code and output, or "still running" after 30 s. */
async function devExit(args: string[]): Promise<{ code: number | null | "still running"; output: string }> {
  const dataDir = join(await tempDir(), "data");
  const child = spawn(process.execPath, [BIN, "dev", "--data-dir", dataDir, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const code = await new Promise<number | null | "still running">((done) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      done("still running");
    }, 30_000);
    child.once("exit", (exitCode) => {
      clearTimeout(timer);
      done(exitCode);
    });
  });
  return { code, output };
}

const held: Server[] = [];
afterAll(async () => {
  for (const server of held) server.close();
  await removeTempDirs();
});

describe("syncron dev that cannot start", { timeout: E2E_TIMEOUT_MS }, () => {
  it("exits 1 naming --emulator-port when the SQS/S3 emulator's port is taken (dynalite, started, is stopped)", async () => {
    const { server, port } = await holdPort();
    held.push(server);
    const result = await devExit(["--port", "0", "--emulator-port", String(port)]);
    expect(result.code, result.output).toBe(1);
    expect(result.output).toContain(`port ${port} is taken: pass another --emulator-port`);
  });

  it("exits 1 naming --port when the API's port is taken", async () => {
    const { server, port } = await holdPort();
    held.push(server);
    const result = await devExit(["--port", String(port)]);
    expect(result.code, result.output).toBe(1);
    expect(result.output).toContain(`port ${port} is taken: pass another --port`);
  });
});
