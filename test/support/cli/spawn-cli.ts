import { execFile } from "node:child_process";
import { BIN } from "../dev/dev-process.ts";
import { type CliResult, ENGLISH } from "./run-cli.ts";

/** The real `bin/syncron.js` in a child process, as `npx syncron` runs it; never throws for an exit code. */
export function spawnCli(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<CliResult> {
  const env = { ...process.env, ...ENGLISH, ...options.env };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { timeout: 60_000, env, ...(options.cwd ? { cwd: options.cwd } : {}) },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}
