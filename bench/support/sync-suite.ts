import { execFileSync } from "node:child_process";
import { rm } from "node:fs/promises";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import type { BenchArgs } from "./args.ts";
import { describeMachine, type MachineFacts, machineFacts } from "./machine.ts";
import { type Measured, measure } from "./measure.ts";
import { prepareRclone, resetRemote, serveWebdav, type WebdavServer } from "./rclone.ts";
import { median, ratio, round } from "./stats.ts";
import { changeFiles, makeBigFiles, makeTree, type TreeSpec } from "./tree.ts";

export type Contender = "rclone" | "engine" | "cli";
export const CONTENDERS: readonly Contender[] = ["rclone", "engine", "cli"];

/** Median figures of one contender on one case. */
export interface ContenderFigures {
  /** Process wall time, spawn to exit. */
  wall_ms: number;
  /** engine only: the syncDrives call alone, measured inside the process. */
  engine_ms?: number;
  peak_rss_mb: number;
  /** CPU time (user + system) of the whole process. */
  cpu_ms: number;
  samples_ms: number[];
}

export interface CaseFigures {
  id: "a" | "b" | "c" | "d";
  title: string;
  rclone: ContenderFigures;
  engine: ContenderFigures;
  cli: ContenderFigures;
  /** engine_ms (in process) ÷ rclone wall. */
  ratio_engine: number | null;
  /** syncron CLI wall ÷ rclone wall (both whole processes). */
  ratio_cli: number | null;
}

export interface SyncFigures {
  bench: "sync" | "webdav";
  scale: string;
  runs: number;
  machine: MachineFacts;
  load_after: number[];
  sizes: {
    files: number;
    min_kib: number;
    max_kib: number;
    changed: number;
    big_files: number;
    big_mib: number;
  };
  /** Runs of case (a), the first copy (the other cases run `runs` times). */
  copy_runs: number;
  cases: CaseFigures[];
}

const ROOT = resolve(import.meta.dirname, "../..");
const TSX = ["--import", "tsx"];

/** Which tree a target mirrors: the small files (cases a–c) or the big ones (d). */
type Tree = "small" | "big";

interface Target {
  /** What each tool is given as the target. */
  argument(contender: Contender, tree: Tree): string;
  /** Empties a contender's target before a first copy. */
  reset(contender: Contender, tree: Tree): Promise<void>;
}

/**
 * The sync benchmark: cases (a)–(d) for rclone sync, the engine in process and the syncron CLI, each
 * into its own target (a local folder or a folder on `rclone serve webdav`), run `args.runs` times
 * in rotating order; every run's result is checked (counts), so a wrong sync cannot look fast.
 */
export async function runSyncSuite(bench: "sync" | "webdav", args: BenchArgs): Promise<SyncFigures> {
  const full = args.scale === "full";
  const n = args.numbers;
  const spec: TreeSpec = {
    files: n.files ?? (full ? 10_000 : 60),
    minSize: 1024,
    maxSize: (n["max-kib"] ?? (full ? 64 : 4)) * 1024,
    seed: 7,
  };
  const changed = Math.max(1, Math.round(spec.files / 100));
  const bigCount = n["big-files"] ?? (full ? 20 : 2);
  const bigMib = n["big-mib"] ?? (full ? 50 : 1);
  // rclone's first copy to WebDAV takes minutes (see BENCHMARKS.md): by default run it once there.
  const copyRuns = Math.min(args.runs, n["copy-runs"] ?? (bench === "webdav" && full ? 1 : args.runs));
  const machine = machineFacts();
  const config = await prepareRclone(args.workDir);
  const small = join(args.workDir, "source-small");
  const big = join(args.workDir, "source-big");
  console.error(`[${bench}] generating trees under ${args.workDir}`);
  await makeTree(small, spec);
  await makeBigFiles(big, bigCount, bigMib * 2 ** 20, 11);

  let server: WebdavServer | undefined;
  let target: Target;
  if (bench === "webdav") {
    const served = join(args.workDir, "webdav-root");
    await rm(served, { recursive: true, force: true });
    server = await serveWebdav(served, config);
    const url = server.url;
    target = {
      argument: (c, tree) =>
        c === "rclone"
          ? `:webdav:rclone-${tree}`
          : c === "engine"
            ? `${url}/engine-${tree}`
            : `webdav://${url.slice(7)}/cli-${tree}`,
      reset: (c, tree) => resetRemote(`${url}/${c}-${tree}/`),
    };
  } else {
    target = {
      argument: (c, tree) => join(args.workDir, `target-${c}-${tree}`),
      reset: (c, tree) => rm(join(args.workDir, `target-${c}-${tree}`), { recursive: true, force: true }),
    };
  }
  const rcloneFlags = [
    "--config",
    config,
    ...(server ? ["--webdav-url", server.url, "--webdav-vendor", "other"] : []),
  ];

  const run = async (
    contender: Contender,
    tree: Tree,
    expect: Expect,
  ): Promise<Measured & { engine_ms?: number }> => {
    const source = tree === "small" ? small : big;
    const to = target.argument(contender, tree);
    // Flush dirty pages first: otherwise whoever runs second pays for the previous run's writeback.
    execFileSync("sync");
    if (contender === "rclone") return measure("rclone", ["sync", source, to, ...rcloneFlags]);
    const measured =
      contender === "engine"
        ? await measure(process.execPath, [...TSX, join(ROOT, "bench/run-engine.ts"), source, to], {
            cwd: ROOT,
          })
        : await measure(
            process.execPath,
            [join(ROOT, "bin/syncron.js"), "sync", source, to, "--mode", "mirror", "--json"],
            {
              cwd: ROOT,
            },
          );
    const result = JSON.parse(measured.stdout.trim().split("\n").pop() ?? "{}");
    check(contender, result, expect);
    return { ...measured, ...(contender === "engine" ? { engine_ms: result.engine_ms as number } : {}) };
  };

  const samples = new Map<string, (Measured & { engine_ms?: number })[]>();
  const record = (id: string, contender: Contender, m: Measured & { engine_ms?: number }) => {
    const key = `${id}:${contender}`;
    samples.set(key, [...(samples.get(key) ?? []), m]);
    console.error(
      `[${bench}] ${id} ${contender.padEnd(6)} ${(m.wall_ms / 1000).toFixed(2)} s` +
        `${m.engine_ms === undefined ? "" : ` (engine ${(m.engine_ms / 1000).toFixed(2)} s)`}, ${m.peak_rss_mb.toFixed(0)} MiB`,
    );
  };

  try {
    for (let r = 0; r < args.runs; r++) {
      const order = rotate(CONTENDERS, r);
      if (r < copyRuns) {
        for (const c of order) {
          await target.reset(c, "small");
          record("a", c, await run(c, "small", { copied: spec.files }));
        }
      }
      for (const c of order) record("b", c, await run(c, "small", { copied: 0, updated: 0 }));
      await changeFiles(small, spec, changed, r);
      for (const c of order) record("c", c, await run(c, "small", { copied: 0, updated: changed }));
      for (const c of order) {
        await target.reset(c, "big");
        record("d", c, await run(c, "big", { copied: bigCount }));
      }
    }
  } finally {
    await server?.stop();
  }

  const titles = {
    a: `first copy of ${spec.files.toLocaleString("en")} files of ${spec.minSize / 1024}–${spec.maxSize / 1024} KiB`,
    b: "no-op re-sync",
    c: `re-sync with 1% (${changed}) changed`,
    d: `${bigCount} files of ${bigMib} MiB, first copy`,
  } as const;
  const figures = (id: string, c: Contender): ContenderFigures => {
    const list = samples.get(`${id}:${c}`) ?? [];
    const engine = list.flatMap((m) => (m.engine_ms === undefined ? [] : [m.engine_ms]));
    return {
      wall_ms: round(median(list.map((m) => m.wall_ms))),
      ...(engine.length ? { engine_ms: round(median(engine)) } : {}),
      peak_rss_mb: round(median(list.map((m) => m.peak_rss_mb)), 1),
      cpu_ms: round(median(list.map((m) => m.cpu_ms))),
      samples_ms: list.map((m) => round(m.engine_ms ?? m.wall_ms)),
    };
  };
  const cases = (["a", "b", "c", "d"] as const).map((id): CaseFigures => {
    const rclone = figures(id, "rclone");
    const engine = figures(id, "engine");
    const cli = figures(id, "cli");
    return {
      id,
      title: titles[id],
      rclone,
      engine,
      cli,
      ratio_engine: ratio(engine.engine_ms, rclone.wall_ms),
      ratio_cli: ratio(cli.wall_ms, rclone.wall_ms),
    };
  });
  return {
    bench,
    scale: args.scale,
    runs: args.runs,
    machine,
    load_after: loadavg().map((x) => round(x, 2)),
    copy_runs: copyRuns,
    sizes: {
      files: spec.files,
      min_kib: spec.minSize / 1024,
      max_kib: spec.maxSize / 1024,
      changed,
      big_files: bigCount,
      big_mib: bigMib,
    },
    cases,
  };
}

interface Expect {
  copied: number;
  updated?: number;
}

function check(contender: Contender, result: Record<string, unknown>, expect: Expect): void {
  const problems: string[] = [];
  if (result.status !== "SUCCESS")
    problems.push(`status ${String(result.status)}: ${JSON.stringify(result.errors)}`);
  if (result.copied !== expect.copied)
    problems.push(`copied ${String(result.copied)}, expected ${expect.copied}`);
  if (expect.updated !== undefined && result.updated !== expect.updated)
    problems.push(`updated ${String(result.updated)}, expected ${expect.updated}`);
  if (problems.length) throw new Error(`${contender}: wrong sync: ${problems.join("; ")}`);
}

const rotate = <T>(items: readonly T[], by: number): T[] =>
  items.map((_, i) => items[(i + by) % items.length]!);

export { describeMachine };
