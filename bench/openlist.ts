/**
 * `npm run bench:openlist`: a same-OpenList mirror of 1,000 files (1–64 KiB) from one Local storage
 * to another, against the OpenList test server (test/support/drives/openlist-test-server.ts, in this
 * process), with server-side copy (copy tasks) and without (the user may not copy: every byte
 * streams through syncron). Bytes through the worker are counted at the server (bodies of /d/ reads
 * and PUT uploads). Flags: --scale smoke|full, --runs N, --out FILE, --json, --files N.
 */
import { mkdir, utimes, writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { join } from "node:path";
import { syncDrives } from "../lib/sync/index.ts";
import { type OpenListFixture, startOpenListFixture } from "../test/support/drives/openlist-fixture.ts";
import { options } from "../test/support/sync/sync-fixtures.ts";
import { benchArgs } from "./support/args.ts";
import { describeMachine, machineFacts } from "./support/machine.ts";
import { finish, seconds, table, writeSection } from "./support/report.ts";
import { median, round } from "./support/stats.ts";

const args = benchArgs("openlist", ["files"]);
const count = args.numbers.files ?? (args.scale === "full" ? 1000 : 40);
const T0 = Date.UTC(2024, 0, 2, 3, 4, 5);
const NOTE =
  "What it shows: with server-side copy no byte passes through the worker (streamed, every byte passes twice: read, then written). " +
  "On small files against an in-process server the copy is slower in wall time: each file costs about 7 requests (mkdir of the " +
  "temporary folder, copy, task polls from 20 ms on, task delete, get, move, remove) against 5 streamed (get, /d/, PUT, rename, get), " +
  "and the polls wait. Server-side copy pays off where bytes are dear: big files, a worker far from the OpenList, cloud storages the " +
  "server copies between. Left to do: one copy request per folder (`names` takes many) into one temporary folder would bring it near " +
  "3 requests per file.";

/** `count` files of 1–64 KiB in 10 folders, written straight onto the source storage's disk. */
async function seedDisk(folder: string): Promise<number> {
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const size = 1024 + ((i * 7919) % (63 * 1024));
    const dir = join(folder, `d${i % 10}`);
    await mkdir(dir, { recursive: true });
    const file = join(dir, `f${String(i).padStart(5, "0")}.bin`);
    await writeFile(file, Buffer.alloc(size, i % 251));
    await utimes(file, new Date(T0), new Date(T0));
    bytes += size;
  }
  return bytes;
}

interface Run {
  ms: number;
  through_bytes: number;
  requests: number;
  copied: number;
}

async function oneRun(fixture: OpenListFixture, source: string): Promise<Run> {
  const from = await fixture.drive("/local2", { root: source });
  const to = await fixture.drive("/local");
  const { down, up } = fixture.server.bytes;
  const requests = fixture.server.requests.length;
  const started = performance.now();
  const result = await syncDrives(from, to, options({ mode: "mirror" }));
  const ms = performance.now() - started;
  if (result.status !== "SUCCESS" || result.copied !== count)
    throw new Error(
      `mirror: ${result.status}, ${result.copied} of ${count} copied, ${result.errors[0]?.message ?? ""}`,
    );
  return {
    ms,
    through_bytes: fixture.server.bytes.down - down + (fixture.server.bytes.up - up),
    requests: fixture.server.requests.length - requests,
    copied: result.copied,
  };
}

const machine = machineFacts();
const cases = [
  { key: "server_side", label: "server-side copy (copy tasks)", serverOptions: {} },
  {
    key: "streamed",
    label: "streamed (copy refused: no copy permission)",
    serverOptions: { denyCopy: true },
  },
] as const;
const results: Record<string, { ms: number; through_bytes: number; requests: number; samples_ms: number[] }> =
  {};
let totalBytes = 0;
for (const { key, serverOptions } of cases) {
  const fixture = await startOpenListFixture({
    ...serverOptions,
    profiles: { "/local": { profile: "local" }, "/local2": { profile: "local" } },
  });
  try {
    totalBytes = await seedDisk(join(fixture.disks["/local2"] ?? "", "source"));
    const runs: Run[] = [];
    for (let r = 0; r < args.runs; r++) {
      const run = await oneRun(fixture, "/local2/source");
      runs.push(run);
      console.error(
        `[openlist] ${key}: ${(run.ms / 1000).toFixed(2)} s, ${run.through_bytes} bytes through, ${run.requests} requests`,
      );
    }
    results[key] = {
      ms: round(median(runs.map((run) => run.ms))),
      through_bytes: Math.max(...runs.map((run) => run.through_bytes)),
      requests: round(median(runs.map((run) => run.requests))),
      samples_ms: runs.map((run) => round(run.ms)),
    };
  } finally {
    await fixture.stop();
  }
}
const figures = {
  bench: "openlist",
  scale: args.scale,
  runs: args.runs,
  files: count,
  bytes: totalBytes,
  machine,
  load_after: loadavg().map((x) => round(x, 2)),
  ...results,
};
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
await writeSection(
  args.out,
  "openlist",
  [
    `## OpenList: same-server mirror of ${count.toLocaleString("en")} files, with and without server-side copy`,
    "",
    `\`syncDrives\` (mirror, defaults: 4 transfers, 8 checkers) from one Local storage of an OpenList to another Local storage ` +
      `of the same OpenList, ${count.toLocaleString("en")} files of 1–64 KiB in 10 folders (${mib(totalBytes)} MiB), into an empty folder. ` +
      "The server is the OpenList test server (test/support/drives/openlist-test-server.ts) in the same process, on 127.0.0.1: it " +
      "follows OpenList's handlers (a copy between storages is a copy task the client follows with /api/task/copy/info), but it is " +
      "not OpenList, so wall times say what the protocol costs, not what a real OpenList and its storages take. Bytes through the " +
      "worker are file bodies the server sent (/d/) or received (PUT).",
    "",
    table(
      ["case", "wall (s)", "bytes through the worker", "HTTP requests"],
      cases.map(({ key, label }) => [
        label,
        seconds(results[key]?.ms),
        `${results[key]?.through_bytes.toLocaleString("en")} (${mib(results[key]?.through_bytes ?? 0)} MiB)`,
        results[key]?.requests ?? null,
      ]),
    ),
    "",
    `Medians of ${args.runs} run(s), scale \`${args.scale}\`. ${NOTE}`,
    "",
    `Machine: ${describeMachine(machine, figures.load_after)}.`,
    "",
    "Reproduce: `npm run bench:openlist`",
  ].join("\n"),
);
finish(args.json, figures, args.out);
