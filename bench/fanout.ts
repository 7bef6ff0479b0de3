/**
 * `npm run bench:fanout`: a simulation of one run split across N workers (BENCHMARKS.md, "Beyond one
 * worker"), on memory drives with a fixed latency added to every request (list, stat, read, write,
 * delete), as a Lambda sees S3 or WebDAV. A coordinator lists the source root and queues one
 * partition per top-level folder; N workers take partitions from the queue, each syncing its folder
 * with the engine's defaults (4 transfers, 8 checkers); deletes (mirror) would run once after every
 * partition finished. Measured for 1, 4 and 16 workers, on a balanced tree and on a skewed one (half
 * the files in one folder): wall time, speed-up over 1 worker, and requests (all of them, both sides).
 * Flags: --scale smoke|full, --runs N, --out FILE, --json, --latency-ms N, --partitions N.
 */
import { loadavg } from "node:os";
import type { Drive } from "../lib/drives/drive.ts";
import { createMemoryDrive, type MemoryDrive } from "../lib/drives/memory/memory-drive.ts";
import { DEFAULT_SYNC_OPTIONS, syncDrives } from "../lib/sync/index.ts";
import { benchArgs } from "./support/args.ts";
import { describeMachine, machineFacts } from "./support/machine.ts";
import { finish, table, writeSection } from "./support/report.ts";
import { median, round } from "./support/stats.ts";

const args = benchArgs("fanout", ["latency-ms", "partitions"]);
const full = args.scale === "full";
const latencyMs = args.numbers["latency-ms"] ?? (full ? 10 : 1);
const partitions = args.numbers.partitions ?? (full ? 32 : 4);
const filesTotal = full ? 3200 : 64;
const WORKERS = [1, 4, 16] as const;
const machine = machineFacts();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A drive whose every request waits `ms` first (a listing once, not per entry). */
const withLatency = (drive: Drive, ms: number): Drive => ({
  ...drive,
  async *list(dir, options) {
    await sleep(ms);
    yield* drive.list(dir, options);
  },
  stat: async (path) => {
    await sleep(ms);
    return drive.stat(path);
  },
  read: async (path, options) => {
    await sleep(ms);
    return drive.read(path, options);
  },
  write: async (path, body, source, options) => {
    await sleep(ms);
    return drive.write(path, body, source, options);
  },
  delete: async (path) => {
    await sleep(ms);
    return drive.delete(path);
  },
  mkdir: async (dir) => {
    await sleep(ms);
    return drive.mkdir(dir);
  },
  rmdir: async (dir) => {
    await sleep(ms);
    return drive.rmdir(dir);
  },
  hash: async (path, type) => {
    await sleep(ms);
    return drive.hash(path, type);
  },
});

/** The folder `prefix` of `drive` as a drive of its own (one partition's view). */
const under = (drive: Drive, prefix: string): Drive => {
  const inner = (path: string) => (path === "" ? prefix : `${prefix}/${path}`);
  const outer = (path: string) => path.slice(prefix.length + 1);
  return {
    ...drive,
    name: `${drive.name}/${prefix}`,
    async *list(dir, options) {
      for await (const entry of drive.list(inner(dir), options)) yield { ...entry, path: outer(entry.path) };
    },
    stat: async (path) => ({ ...(await drive.stat(inner(path))), path }),
    read: (path, options) => drive.read(inner(path), options),
    write: async (path, body, source, options) => ({
      ...(await drive.write(inner(path), body, { ...source, path: inner(path) }, options)),
      path,
    }),
    delete: (path) => drive.delete(inner(path)),
    mkdir: (dir) => drive.mkdir(inner(dir)),
    rmdir: (dir) => drive.rmdir(inner(dir)),
    hash: (path, type) => drive.hash(inner(path), type),
  };
};

/** Files per top-level folder: equal, or half of them in folder 0 and the rest spread evenly. */
const sizes = (skewed: boolean): number[] =>
  Array.from({ length: partitions }, (_, i) =>
    skewed
      ? i === 0
        ? filesTotal / 2
        : Math.round(filesTotal / 2 / (partitions - 1))
      : filesTotal / partitions,
  );

const seed = async (skewed: boolean): Promise<MemoryDrive> => {
  const source = createMemoryDrive({ name: "source" });
  const body = new Uint8Array(2048).fill(7);
  for (const [p, count] of sizes(skewed).entries()) {
    for (let f = 0; f < count; f++) {
      const path = `p${p}/d${f % 10}/f${f}.bin`;
      await source.write(path, new Blob([body]).stream(), {
        path,
        size: body.length,
        modTime: 1_700_000_000_000,
      });
    }
  }
  return source;
};

const requestsOf = (drive: MemoryDrive): number => Object.values(drive.calls).reduce((sum, n) => sum + n, 0);

/** One fanned-out run: the coordinator's root listing, then N workers draining the partition queue. */
async function fannedOut(source: MemoryDrive, target: MemoryDrive, workers: number) {
  const [src, dst] = [withLatency(source, latencyMs), withLatency(target, latencyMs)];
  const before = requestsOf(source) + requestsOf(target);
  const started = performance.now();
  const queue: string[] = [];
  for await (const entry of src.list("")) if (entry.kind === "directory") queue.push(entry.path);
  let copied = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (let prefix = queue.shift(); prefix !== undefined; prefix = queue.shift()) {
        const result = await syncDrives(under(src, prefix), under(dst, prefix), {
          ...DEFAULT_SYNC_OPTIONS,
          mode: "copy",
        });
        copied += result.copied;
        failed += result.failed;
      }
    }),
  );
  return {
    ms: performance.now() - started,
    requests: requestsOf(source) + requestsOf(target) - before,
    copied,
    failed,
  };
}

const results: { tree: string; phase: string; workers: number; wall_ms: number; requests: number }[] = [];
for (const skewed of [false, true]) {
  for (const phase of ["first copy", "no-op"] as const) {
    for (const workers of WORKERS) {
      const samples: { ms: number; requests: number; copied: number; failed: number }[] = [];
      for (let r = 0; r < args.runs; r++) {
        const source = await seed(skewed);
        const target = createMemoryDrive({ name: "target" });
        if (phase === "no-op") await fannedOut(source, target, 16);
        samples.push(await fannedOut(source, target, workers));
      }
      const sample = samples[0]!;
      const files = sizes(skewed).reduce((sum, n) => sum + n, 0);
      if (sample.failed > 0 || (phase === "first copy" && sample.copied !== files))
        throw new Error(`${phase} with ${workers} workers copied ${sample.copied} of ${files}`);
      results.push({
        tree: skewed ? "skewed" : "balanced",
        phase,
        workers,
        wall_ms: round(median(samples.map((s) => s.ms))),
        requests: sample.requests,
      });
      console.error(
        `[fanout] ${skewed ? "skewed" : "balanced"} ${phase}, ${workers} workers: ${results.at(-1)!.wall_ms} ms`,
      );
    }
  }
}
const single = (tree: string, phase: string) =>
  results.find((r) => r.tree === tree && r.phase === phase && r.workers === 1)!.wall_ms;
const rows = results.map((r) => ({ ...r, speed_up: round(single(r.tree, r.phase) / r.wall_ms, 2) }));

const figures = {
  bench: "fanout",
  scale: args.scale,
  runs: args.runs,
  machine,
  load_after: loadavg().map((x) => round(x, 2)),
  latency_ms: latencyMs,
  partitions,
  files: filesTotal,
  results: rows,
};
await writeSection(
  args.out,
  "fanout",
  [
    "## Beyond one worker: a simulation",
    "",
    `Memory drives with ${latencyMs} ms added to every request; ${filesTotal} files of 2 KiB in ${partitions} top-level ` +
      "folders (10 subfolders each), balanced or skewed (half the files in one folder). A coordinator lists the root and " +
      "queues one partition per top-level folder; N workers take partitions from the queue and sync each with the " +
      "engine's defaults (4 transfers, 8 checkers). Requests are every drive call on both sides.",
    "",
    table(
      ["tree", "run", "workers", "wall (s)", "speed-up", "requests"],
      rows.map((r) => [r.tree, r.phase, r.workers, (r.wall_ms / 1000).toFixed(2), r.speed_up, r.requests]),
    ),
    "",
    `Medians of ${args.runs} run(s), scale \`${args.scale}\`. Machine: ${describeMachine(machine, figures.load_after)}.`,
    "",
    "Reproduce: `npm run bench:fanout`",
  ].join("\n"),
);
finish(args.json, figures, args.out);
