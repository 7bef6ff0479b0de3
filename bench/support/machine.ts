import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
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
  /**
   * The real-time policy the bench ran under, if any (`chrt -r 10 npm run bench:…`, as root): its
   * processes then run whenever they are runnable, ahead of everything else on a shared machine, so
   * the figures are those of a quiet one (both tools alike: rclone is a child of the bench too).
   * Round-robin (`-r`), not FIFO (`-f`): under FIFO a spinning thread starves its equals, and Go's
   * scheduler spins (an rclone no-op never ended).
   */
  realtime: "SCHED_FIFO" | "SCHED_RR" | undefined;
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
    realtime: REALTIME_POLICIES[schedulingPolicy()],
  };
}

const REALTIME_POLICIES: Record<number, MachineFacts["realtime"]> = { 1: "SCHED_FIFO", 2: "SCHED_RR" };

/** This process's scheduling policy (Linux /proc/self/stat field 41: 0 normal, 1 FIFO, 2 RR), 0 elsewhere. */
function schedulingPolicy(): number {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[41 - 3]) || 0;
  } catch {
    return 0;
  }
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
  `load average at start ${m.load_avg.join(" / ")}${loadAfter ? `, at end ${loadAfter.map((n) => n.toFixed(2)).join(" / ")}` : ""}` +
  (m.realtime
    ? `; run under \`chrt\` (${m.realtime}: the bench and every process it starts, rclone included, ahead of the machine's other load)`
    : "");
