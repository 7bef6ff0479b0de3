import { execFile } from "node:child_process";
import { request } from "node:http";
import { connect, createServer } from "node:net";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type DevProcess,
  E2E_TIMEOUT_MS,
  killAll,
  removeTempDirs,
  startDev,
  tempDir,
} from "../support/dev/dev-process.ts";

/** This machine's addresses that other machines can reach (not loopback). */
const outward = Object.values(networkInterfaces())
  .flatMap((addresses) => addresses ?? [])
  .filter((address) => !address.internal && !address.address.startsWith("fe80:"))
  .map((address) => address.address);

/** "connected" or the error code of a TCP connect to host:port. */
const tryConnect = (host: string, port: number): Promise<string> =>
  new Promise((done) => {
    const socket = connect({ host, port, timeout: 3_000 });
    socket.once("connect", () => {
      socket.destroy();
      done("connected");
    });
    socket.once("timeout", () => {
      socket.destroy();
      done("ETIMEDOUT");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => done(error.code ?? String(error)));
  });

/** A free port N whose neighbour N+1 is free too. */
async function freePortPair(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((done) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address() as { port: number };
        server.close(() => done(port));
      });
    });
    if (port < 65_000 && (await tryConnect("127.0.0.1", port + 1)) !== "connected") return port;
  }
}

/** One raw HTTP request with the headers exactly as given (fetch may not set Host). */
const raw = (
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string }> =>
  new Promise((done, fail) => {
    const length = body === undefined ? {} : { "content-length": String(Buffer.byteLength(body)) };
    const req = request(
      { host: "127.0.0.1", port, method, path, headers: { ...length, ...headers } },
      (res) => {
        let text = "";
        res.on("data", (chunk) => (text += chunk));
        res.on("end", () => done({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("error", fail);
    req.end(body);
  });

const portOf = (url: string): number => Number(new URL(url).port);
const endpoints = (dev: DevProcess) => {
  const s3 = /s3, sqs\s+(http:\/\/\S+)/.exec(dev.output())?.[1];
  const dynamo = /dynamodb\s+(http:\/\/\S+)/.exec(dev.output())?.[1];
  if (!s3 || !dynamo) throw new Error(`no emulator endpoints in:\n${dev.output()}`);
  return { s3: portOf(s3), dynamo: portOf(dynamo), api: portOf(dev.url) };
};

let dev: DevProcess;
let pinned: number;
beforeAll(async () => {
  expect(outward.length, "this test needs an address other than loopback").toBeGreaterThan(0);
  // A pair found free can be taken by another test's process before the stack binds it: that start
  // fails at once naming --emulator-port, and the next pair is tried.
  for (let attempt = 1; ; attempt++) {
    pinned = await freePortPair();
    const work = await tempDir();
    try {
      dev = await startDev({ dataDir: join(work, "data"), args: ["--emulator-port", String(pinned)] });
      return;
    } catch (error) {
      if (attempt === 3 || !String(error).includes("pass another --emulator-port")) throw error;
    }
  }
}, E2E_TIMEOUT_MS);
afterAll(async () => {
  await killAll();
  await removeTempDirs();
});

describe("syncron dev is reachable only from this machine", { timeout: E2E_TIMEOUT_MS }, () => {
  it("binds the API and both emulators to 127.0.0.1, on the pinned emulator ports", async () => {
    const ports = endpoints(dev);
    expect([ports.s3, ports.dynamo]).toEqual([pinned, pinned + 1]);
    for (const port of Object.values(ports)) {
      expect(await tryConnect("127.0.0.1", port)).toBe("connected");
      for (const address of outward)
        expect(await tryConnect(address, port), `${address}:${port}`).toBe("ECONNREFUSED");
    }
  });

  it("refuses a foreign Host (DNS rebinding) and a cross-site Origin with 403, before any route runs", async () => {
    const port = endpoints(dev).api;
    const path = "/api/v1/task/scheduler/execute-all-enabled";
    const evilHost = await raw(port, "POST", path, { host: `evil.example:${port}` });
    expect(evilHost.status).toBe(403);
    expect(JSON.parse(evilHost.body).error.code).toBe("FORBIDDEN_HOST");
    for (const origin of ["http://evil.example", `http://localhost:${port + 1}`, "null"]) {
      const reply = await raw(port, "POST", path, { host: `localhost:${port}`, origin });
      expect(reply.status, origin).toBe(403);
      expect(JSON.parse(reply.body).error.code).toBe("FORBIDDEN_ORIGIN");
    }
    const own = await raw(port, "GET", "/api/v1/sync-configs", {
      host: `127.0.0.1:${port}`,
      origin: `http://localhost:${port}`,
    });
    expect(own.status).toBe(200);
  });

  it("refuses a text/plain or form POST (CSRF) with 415 on every mutating route", async () => {
    const port = endpoints(dev).api;
    for (const [method, path] of [
      ["POST", "/api/v1/task/scheduler/execute-all-enabled"],
      ["POST", "/api/v1/task/scheduler/refresh-tasks"],
      ["DELETE", "/api/v1/task/scheduler/clear-tasks"],
      ["POST", "/api/v1/sync-configs"],
    ] as const) {
      for (const contentType of [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
      ]) {
        const reply = await raw(
          port,
          method,
          path,
          { host: `localhost:${port}`, "content-type": contentType },
          "a=b",
        );
        expect(reply.status, `${method} ${path} ${contentType}`).toBe(415);
      }
    }
  });

  it("keeps the seed guide's curl examples working", async () => {
    const run = (args: string[]) => promisify(execFile)("curl", ["-s", "-w", "\\n%{http_code}", ...args]);
    const base = `http://localhost:${endpoints(dev).api}/api/v1/task/scheduler`;
    const cron = await run([
      "-X",
      "POST",
      `${base}/validate-cron`,
      "-H",
      "Content-Type: application/json",
      "-d",
      '"0 2 * * *"',
    ]);
    expect(cron.stdout).toMatch(/"valid":true[\s\S]*\n200$/);
    expect((await run(["-X", "POST", `${base}/refresh-tasks`])).stdout).toMatch(
      /"success":true[\s\S]*\n200$/,
    );
    expect((await run([`${base}/task-status`])).stdout).toMatch(/\n200$/);
    expect((await run([`${base}/task-result/NOPE`])).stdout).toMatch(/\n404$/);
  });

  it("--host 0.0.0.0 opens the API to other machines with a warning; the emulators stay on 127.0.0.1", async () => {
    const work = await tempDir();
    const open = await startDev({ dataDir: join(work, "data"), args: ["--host", "0.0.0.0"] });
    expect(open.output()).toMatch(
      /WARNING +the API listens on 0\.0\.0\.0: other machines can reach it, and SYNCRON_API_TOKEN is not set/,
    );
    const ports = endpoints(open);
    const [address] = outward as [string];
    expect(await tryConnect(address, ports.api)).toBe("connected");
    const host = address.includes(":") ? `[${address}]` : address;
    expect((await raw(ports.api, "GET", "/healthz", { host: `${host}:${ports.api}` })).status).toBe(200);
    for (const port of [ports.s3, ports.dynamo]) expect(await tryConnect(address, port)).toBe("ECONNREFUSED");
    expect(await open.stop()).toBe(0);
  });
});
