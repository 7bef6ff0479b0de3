import { mkdir, rm, writeFile } from "node:fs/promises";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { tempDir } from "../../test/support/temp-dir.ts";
import { type DevStack, startDevStack } from "../dev/dev-stack.ts";
import { localRootsFrom } from "../drives/local-roots.ts";
import { run } from "./import-command.ts";

/** 1,500 seed rows of about 400 bytes: more than 1,000 rows and more than 256 KiB (each limit of one request). */
const ROWS = Array.from({ length: 1_500 }, (_, i) => ({
  id: i + 1,
  type: "BaiduDrive",
  remark: `照片备份 ${i + 1} ${"·".repeat(40)}`,
  src_path: `/share/${i + 1}`,
  dst_path: `/copy/${i + 1}`,
  dst_meta: '{"file_id": "123"}',
  user_id: 3,
  enable: i % 2 === 0,
  cron: "0 2 * * *",
  speed: 0,
  method: "incremental",
  created_time: "2025-06-01 12:00:00",
}));

let root: string;
let stack: DevStack;
let exportFile: string;

beforeAll(async () => {
  root = await tempDir("syncron-cli-import-");
  await mkdir(join(root, "data"));
  await mkdir(join(root, "pan"));
  stack = await startDevStack({
    port: 0,
    dataDir: join(root, "data"),
    localRoots: localRootsFrom(root, { roots: [], rule: "unused" }),
    log: () => {},
  });
  const drive = await fetch(`${stack.url}/api/v1/drives`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "pan", type: "local", root: join(root, "pan") }),
  });
  expect(drive.status).toBe(201);
  exportFile = join(root, "seed-export.json");
  await writeFile(exportFile, JSON.stringify(ROWS));
}, 60_000);
afterAll(async () => {
  await stack?.stop();
  await rm(root, { recursive: true, force: true });
});

/** `syncron import` of the export against `url`: exit code, the JSON report, what went to stderr. */
async function importAt(url: string) {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...a) => void out.push(a.join(" ")));
  const error = vi.spyOn(console, "error").mockImplementation((...a) => void err.push(a.join(" ")));
  try {
    const code = await run(["--from-seed", exportFile, "--map", "3=pan:/", "--url", url, "--json"], {});
    return { code, report: out.length > 0 ? JSON.parse(out.join("\n")) : undefined, stderr: err.join("\n") };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

/** A proxy to the stack that breaks off the `failing`-th import request (its connection reset, nothing forwarded). */
async function breakingProxy(failing: number): Promise<{ url: string; close(): Promise<void> }> {
  let imports = 0;
  const target = new URL(stack.url);
  const server: Server = createServer((incoming, outgoing) => {
    if (incoming.url?.includes("/sync-configs/import") && ++imports === failing) {
      incoming.socket.destroy();
      return;
    }
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: incoming.url,
        method: incoming.method,
        headers: incoming.headers,
      },
      (reply) => {
        outgoing.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(outgoing);
      },
    );
    incoming.pipe(upstream);
  });
  await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((closed) => server.close(() => closed())),
  };
}

describe("syncron import of more rows than one request takes", () => {
  it("stops at a failed request, says what was imported, and a second run finishes the job", {
    timeout: 180_000,
  }, async () => {
    const proxy = await breakingProxy(2);
    let broken: Awaited<ReturnType<typeof importAt>>;
    try {
      broken = await importAt(proxy.url);
    } finally {
      await proxy.close();
    }
    expect(broken.code).toBe(1);
    const first = broken.report.incomplete.first_row_not_imported;
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(1_000);
    expect(broken.report.rows.map((row: { index: number }) => row.index)).toEqual(
      Array.from({ length: first }, (_, i) => i),
    );
    expect(broken.report.summary).toMatchObject({ created: first, failed: 0, not_carried: 0 });
    expect(broken.stderr).toMatch(/syncron import: request 2 of \d \(rows \d+-\d+\) failed: /);
    expect(broken.stderr).toContain("Run the same command again to finish");
    const status = async (id: number) => (await fetch(`${stack.url}/api/v1/sync-configs/${id}`)).status;
    expect([await status(first), await status(first + 1)]).toEqual([200, 404]);

    const finished = await importAt(stack.url);
    expect(finished.stderr).toMatch(/request 1 of \d \(rows 0-\d+\) done/);
    expect(finished.code, finished.stderr).toBe(0);
    expect(finished.report.incomplete).toBeUndefined();
    expect(finished.report.rows.map((row: { index: number }) => row.index)).toEqual(ROWS.map((_, i) => i));
    expect(finished.report.summary).toMatchObject({
      unchanged: first,
      created: ROWS.length - first,
      failed: 0,
    });
    const config = await fetch(`${stack.url}/api/v1/sync-configs/1500`).then((r) => r.json());
    expect(config).toMatchObject({ id: "1500", name: ROWS[1_499]?.remark, source: "pan:/share/1500" });

    const again = await importAt(stack.url);
    expect(again.code).toBe(0);
    expect(again.report.summary).toMatchObject({ unchanged: ROWS.length, created: 0 });
  });
});
