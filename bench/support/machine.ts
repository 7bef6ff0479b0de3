import { execFileSync } from "node:child_process";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";

/** What a figure depends on: recorded beside every benchmark section. */
export interface MachineFacts {
  date: string;
  nproc: number;
  cpu: string;
  memory_gb: number;
  node: string;
  rclone: string | null;
  /** 1, 5 and 15 minute load averages when the benchmark started (a shared machine is noisy). */
  load_avg: [number, number, number];
}

export function machineFacts(): MachineFacts {
  const [one = 0, five = 0, fifteen = 0] = loadavg();
  return {
    date: new Date().toISOString(),
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    memory_gb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    rclone: rcloneVersion(),
    load_avg: [one, five, fifteen].map((n) => Math.round(n * 100) / 100) as [number, number, number],
  };
}

export function rcloneVersion(): string | null {
  try {
    return execFileSync("rclone", ["version"], { encoding: "utf8" }).split("\n")[0]?.trim() ?? null;
  } catch {
    return null;
  }
}

/** One line for BENCHMARKS.md. */
export const describeMachine = (m: MachineFacts, loadAfter?: readonly number[]): string =>
  `${m.date}, ${m.nproc} × ${m.cpu}, ${m.memory_gb} GB RAM, Node ${m.node}, ${m.rclone ?? "rclone: not installed"}; ` +
  `load average at start ${m.load_avg.join(" / ")}${loadAfter ? `, at end ${loadAfter.map((n) => n.toFixed(2)).join(" / ")}` : ""}`;
