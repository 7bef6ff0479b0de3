import { resolve } from "node:path";
import { parseArgs } from "node:util";

/** `smoke`: tiny sizes for CI (checks the script works, says nothing about speed); `full`: the sizes. */
export type Scale = "smoke" | "full";

export interface BenchArgs {
  scale: Scale;
  /** Runs per figure (medians are reported). */
  runs: number;
  /** Markdown file the results section is written into. */
  out: string;
  /** Print the figures as one JSON line on stdout (what the smoke tests read). */
  json: boolean;
  /** Where generated trees and targets live (reused between invocations when unchanged). */
  workDir: string;
  /** Extra numeric overrides (`--files 2000` …), for developing on small sizes. */
  numbers: Record<string, number>;
}

/** Parses the flags every bench script takes; `extra` names numeric overrides that one script accepts. */
export function benchArgs(
  name: string,
  extra: readonly string[] = [],
  argv = process.argv.slice(2),
): BenchArgs {
  const options: Record<string, { type: "string" | "boolean" }> = {
    scale: { type: "string" },
    runs: { type: "string" },
    out: { type: "string" },
    json: { type: "boolean" },
    "work-dir": { type: "string" },
  };
  for (const key of extra) options[key] = { type: "string" };
  const { values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  const scale = (values.scale ?? "full") as string;
  if (scale !== "smoke" && scale !== "full") throw new Error(`--scale: "${scale}" is not smoke or full`);
  const runs = Number(values.runs ?? (scale === "smoke" ? 1 : 3));
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`--runs: "${values.runs}" is not a whole number ≥ 1`);
  const numbers: Record<string, number> = {};
  for (const key of extra) {
    const value = values[key];
    if (typeof value !== "string") continue;
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${key}: "${value}" is not a positive number`);
    numbers[key] = n;
  }
  return {
    scale,
    runs,
    out: resolve(typeof values.out === "string" ? values.out : "BENCHMARKS.md"),
    json: values.json === true,
    workDir: resolve(
      typeof values["work-dir"] === "string" ? values["work-dir"] : `/tmp/syncron-bench/${name}-${scale}`,
    ),
    numbers,
  };
}
