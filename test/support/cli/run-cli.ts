import { vi } from "vitest";
import { main } from "../../../lib/cli/main.ts";

/** What one in-process `syncron` call printed, and its exit code. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `main(args)` in this process (no spawn: for argument and output checks), capturing
 * console.log as stdout and console.error plus direct stderr writes as stderr.
 */
export async function runCli(...args: string[]): Promise<CliResult> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...a) => void stdout.push(a.join(" ")));
  const err = vi.spyOn(console, "error").mockImplementation((...a) => void stderr.push(a.join(" ")));
  const write = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    stderr.push(String(chunk).trimEnd());
    return true;
  });
  try {
    const code = await main(args);
    return { code, stdout: stdout.join("\n"), stderr: stderr.join("\n") };
  } finally {
    log.mockRestore();
    err.mockRestore();
    write.mockRestore();
  }
}

/** An English environment, whatever the machine's own LANG. */
export const ENGLISH = { LC_ALL: "", LC_MESSAGES: "", LANG: "C.UTF-8" } as const;

/** `runCli` with `env` over the process's environment for the one call (a locale, a variable). */
export async function runCliWith(env: Record<string, string>, ...args: string[]): Promise<CliResult> {
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  try {
    return await runCli(...args);
  } finally {
    vi.unstubAllEnvs();
  }
}
