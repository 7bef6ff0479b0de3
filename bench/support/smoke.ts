import { execFile } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { tempDir } from "../../test/support/temp-dir.ts";

const ROOT = resolve(import.meta.dirname, "../..");

/** What a smoke run of one bench script produced: its JSON figures and the markdown it wrote. */
export interface SmokeRun {
  figures: Record<string, unknown>;
  markdown: string;
}

/**
 * Runs `bench/<script>.ts --scale smoke --runs 1 --json` in a child process, writing into a temporary
 * markdown file and work dir (never BENCHMARKS.md), and returns what it printed and wrote.
 */
export async function smokeRun(script: string, extra: readonly string[] = []): Promise<SmokeRun> {
  const dir = await tempDir(`syncron-smoke-${script}-`);
  try {
    const out = join(dir, "BENCHMARKS.md");
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        "--import",
        "tsx",
        join(ROOT, "bench", `${script}.ts`),
        "--scale",
        "smoke",
        "--runs",
        "1",
        "--json",
        "--out",
        out,
        "--work-dir",
        join(dir, "work"),
        ...extra,
      ],
      {
        cwd: ROOT,
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
        maxBuffer: 16 << 20,
      },
    );
    const figures = JSON.parse(stdout.trim().split("\n").pop() ?? "null") as Record<string, unknown>;
    return { figures, markdown: await readFile(out, "utf8") };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** True for a finite number > 0 (a figure that was actually measured). */
export const measured = (value: unknown): boolean =>
  typeof value === "number" && Number.isFinite(value) && value > 0;
