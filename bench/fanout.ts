/**
 * `npm run bench:fanout`: a simulation of one run split across N workers (BENCHMARKS.md, "Beyond one
 * worker"; the run itself is bench/support/fanout-sim.ts), on memory drives with a fixed latency added
 * to every request (list, stat, read, write, delete), as a Lambda sees S3 or WebDAV. Measured for 1, 4
 * and 16 workers, on a balanced tree, a skewed one (half the files under one top-level folder, in its
 * subfolders) and a flat one (half the files in one folder, no subfolders), with large partitions split
 * into folders (and, flat, into name ranges; skewed, also not at all): simulated time, speed-up over 1
 * worker, partitions, and requests (every drive call, both sides). Then a mirror with extras: deleted once at the end, and not at all when one partition fails.
 * Flags: --scale smoke|full, --runs N, --out FILE, --json, --latency-ms N, --partitions N, --split-above N.
 */
import { loadavg } from "node:os";
import { DriveError } from "../lib/drives/errors.ts";
import {
  createMemoryDrive,
  type MemoryDrive,
  type MemoryDriveOptions,
} from "../lib/drives/memory/memory-drive.ts";
import { benchArgs } from "./support/args.ts";
import { splitRun, withLatency } from "./support/fanout-sim.ts";
import { describeMachine, machineFacts } from "./support/machine.ts";
import { finish, table, writeSection } from "./support/report.ts";
import { median, round } from "./support/stats.ts";
import { VirtualClock } from "./support/virtual-clock.ts";

const args = benchArgs("fanout", ["latency-ms", "partitions", "split-above"]);
const full = args.scale === "full";
const latencyMs = args.numbers["latency-ms"] ?? (full ? 10 : 1);
const partitions = args.numbers.partitions ?? (full ? 32 : 4);
const splitAbove = args.numbers["split-above"] ?? (full ? 200 : 8);
const filesTotal = full ? 3200 : 64;
const WORKERS = [1, 4, 16] as const;
const machine = machineFacts();

type Tree = "balanced" | "skewed" | "flat";

/** Files per top-level folder: equal, or half of them in folder 0 and the rest spread evenly. */
const sizes = (tree: Tree): number[] =>
  Array.from({ length: partitions }, (_, i) =>
    tree === "balanced"
      ? filesTotal / partitions
      : i === 0
        ? filesTotal / 2
        : Math.round(filesTotal / 2 / (partitions - 1)),
  );
const filesOf = (tree: Tree): number => sizes(tree).reduce((sum, n) => sum + n, 0);

/** Each top-level folder's files in 10 subfolders; the flat tree's folder 0 has them all in itself. */
const seed = async (tree: Tree, options: MemoryDriveOptions = {}): Promise<MemoryDrive> => {
  const source = createMemoryDrive({ name: "source", ...options });
  const body = new Uint8Array(2048).fill(7);
  for (const [p, count] of sizes(tree).entries()) {
    for (let f = 0; f < count; f++) {
      const path = tree === "flat" && p === 0 ? `p0/f${f}.bin` : `p${p}/d${f % 10}/f${f}.bin`;
      await source.write(path, new Blob([body]).stream(), {
        path,
        size: body.length,
        modTime: 1_700_000_000_000,
      });
    }
  }
  return source;
};

const requestsOf = (...drives: MemoryDrive[]): number =>
  drives.reduce((sum, drive) => sum + Object.values(drive.calls).reduce((a, n) => a + n, 0), 0);

/**
 * How partitions are split: `no` (top-level folders only), `folders` (past `splitAbove` entries
 * listed, further folders are handed over), `folders + names` (also a folder's own listing cut into
 * name ranges of `splitAbove`, as drives that list from a name on could: S3).
 */
type Split = "no" | "folders" | "folders + names";
const splitOptions = (split: Split) => ({
  splitAbove: split === "no" ? Number.POSITIVE_INFINITY : splitAbove,
  ...(split === "folders + names" ? { nameRanges: splitAbove } : {}),
});

/** One split run with latency on both sides; requests are the drive calls it made. */
async function measured(source: MemoryDrive, target: MemoryDrive, workers: number, split: Split) {
  const before = requestsOf(source, target);
  const clock = new VirtualClock();
  const sleep = (ms: number) => clock.sleep(ms);
  const run = await splitRun(withLatency(source, latencyMs, sleep), withLatency(target, latencyMs, sleep), {
    workers,
    mode: "mirror",
    ...splitOptions(split),
    now: () => clock.now(),
  });
  return { ...run, requests: requestsOf(source, target) - before };
}

interface Row {
  tree: Tree;
  split: Split;
  phase: "first copy" | "no-op";
  workers: number;
  wall_ms: number;
  partitions: number;
  largest: number;
  requests: number;
}
const results: Row[] = [];
const cases: [Tree, Split][] = [
  ["balanced", "folders"],
  ["skewed", "folders"],
  ["skewed", "no"],
  ["flat", "folders"],
  ["flat", "folders + names"],
];
for (const [tree, split] of cases) {
  for (const phase of ["first copy", "no-op"] as const) {
    for (const workers of WORKERS) {
      const samples: Awaited<ReturnType<typeof measured>>[] = [];
      for (let r = 0; r < args.runs; r++) {
        const source = await seed(tree);
        const target = createMemoryDrive({ name: "target" });
        if (phase === "no-op") await measured(source, target, 16, "folders");
        samples.push(await measured(source, target, workers, split));
      }
      const sample = samples[0]!;
      const expected = phase === "first copy" ? filesOf(tree) : 0;
      if (sample.failed > 0 || sample.copied !== expected || sample.deleted !== 0)
        throw new Error(`${tree} ${phase} with ${workers} workers copied ${sample.copied} of ${expected}`);
      results.push({
        tree,
        split,
        phase,
        workers,
        wall_ms: round(median(samples.map((s) => s.ms))),
        partitions: sample.partitions,
        largest: sample.largest,
        requests: sample.requests,
      });
      console.error(
        `[fanout] ${tree} (split: ${split}) ${phase}, ${workers} workers: ${results.at(-1)!.wall_ms} ms`,
      );
    }
  }
}
const single = (r: Row) =>
  results.find((s) => s.tree === r.tree && s.split === r.split && s.phase === r.phase && s.workers === 1)!
    .wall_ms;
const rows = results.map((r) => ({ ...r, speed_up: round(single(r) / r.wall_ms, 2) }));

/**
 * A mirror of the balanced tree onto a copy of it that also holds one extra file in every top-level
 * folder and an extra folder of 10 files: the extras go once every partition finished; with one
 * partition unable to list a folder of its source, none of them do.
 */
const EXTRA_PATHS = [
  ...Array.from({ length: partitions }, (_, p) => `p${p}/extra.bin`),
  ...Array.from({ length: 10 }, (_, f) => `gone/f${f}.bin`),
];
const deletes: { case: string; partitions: number; failed: number; deleted: number; aborted: string }[] = [];
for (const failing of [false, true]) {
  let broken = false;
  const source = await seed("balanced", {
    failOn: (op, path) =>
      broken && op === "list" && path === "p1/d3" ? new DriveError(`cannot list ${path}`, path) : undefined,
  });
  const target = createMemoryDrive({ name: "target" });
  await splitRun(source, target, { workers: 16, mode: "copy", splitAbove });
  const body = new Blob([new Uint8Array(16)]);
  for (const path of EXTRA_PATHS) await target.write(path, body.stream(), { path, size: body.size });
  broken = failing;
  const run = await splitRun(source, target, { workers: 16, mode: "mirror", splitAbove });
  if (run.deleted !== (failing ? 0 : EXTRA_PATHS.length) || target.calls.delete !== run.deleted)
    throw new Error(`mirror (${failing ? "one partition failing" : "all succeed"}) deleted ${run.deleted}`);
  deletes.push({
    case: failing ? "one partition cannot list a source folder" : "every partition succeeds",
    partitions: run.partitions,
    failed: run.failed,
    deleted: run.deleted,
    aborted: run.aborted ?? "",
  });
}

const figures = {
  bench: "fanout",
  scale: args.scale,
  runs: args.runs,
  machine,
  load_after: loadavg().map((x) => round(x, 2)),
  latency_ms: latencyMs,
  partitions,
  split_above: splitAbove,
  files: filesTotal,
  results: rows,
  deletes,
};
await writeSection(
  args.out,
  "fanout",
  [
    "## Beyond one worker: a simulation",
    "",
    `Memory drives with ${latencyMs} ms added to every request; ${filesTotal} files of 2 KiB in ${partitions} top-level ` +
      "folders: balanced (10 subfolders each), skewed (half the files under folder 0, in its 10 subfolders) or flat " +
      "(half the files in folder 0 itself). A coordinator syncs the root's own files and queues every top-level folder " +
      "as a partition; N workers take partitions from the queue and sync each (mirror, deletes deferred) with the " +
      `engine's defaults (4 transfers, 8 checkers). Split \`folders\`: a partition that has listed more than ${splitAbove} ` +
      "entries hands every further folder it lists to the queue (`handOff`); `folders + names` also cuts a folder's own " +
      `listing into name ranges of ${splitAbove} entries, each a partition, as drives that can list from a name on (S3's ` +
      "`StartAfter`) would allow; none of syncron's drives can yet. Partitions: queue messages (the coordinator's " +
      "included); largest: files checked by the largest one. Requests are every drive call on both sides. Time is " +
      "simulated: every request waits its latency on a virtual clock that moves only when all workers wait, so N " +
      "workers cost what N machines would and the figures do not depend on this machine's load (CPU time is not " +
      "counted).",
    "",
    table(
      ["tree", "split", "run", "workers", "simulated (s)", "speed-up", "partitions", "largest", "requests"],
      rows.map((r) => [
        r.tree,
        r.split,
        r.phase,
        r.workers,
        (r.wall_ms / 1000).toFixed(2),
        r.speed_up,
        r.partitions,
        r.largest,
        r.requests,
      ]),
    ),
    "",
    `Deletes last: a mirror of the balanced tree (16 workers, split) onto a copy of it with ${EXTRA_PATHS.length} extra ` +
      "files (one in every top-level folder, 10 in a folder the source lacks), then the same with one source folder " +
      "that cannot be listed (p1/d3).",
    "",
    table(
      ["case", "partitions", "deleted", "why not"],
      deletes.map((d) => [d.case, d.partitions, d.deleted, d.aborted || "–"]),
    ),
    "",
    `Medians of ${args.runs} run(s), scale \`${args.scale}\`. Machine: ${describeMachine(machine, figures.load_after)}.`,
    "",
    "Reproduce: `npm run bench:fanout`",
  ].join("\n"),
);
finish(args.json, figures, args.out);
