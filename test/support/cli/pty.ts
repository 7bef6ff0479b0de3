import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ensureTool } from "../../../bench/support/measure.ts";

const SCRIPT = fileURLToPath(new URL("./pty-run.py", import.meta.url));
/** Debian's python3 (its `pty` module is the standard library's), installed with apt-get when missing. */
const PYTHON = "/usr/bin/python3";

/** What a command showed on its terminal, and how it ended. */
export interface PtyResult {
  readonly code: number | null;
  readonly signal: number | null;
  /** Everything the terminal showed: the command's output and whatever the terminal echoed of the input. */
  readonly output: string;
  readonly timed_out: boolean;
}

/**
 * Runs `argv` under a real pseudo-terminal (python3's `pty`: stdin, stdout and stderr are the
 * terminal, so `isTTY` is true and raw mode is real). For each step, waits for `expect` in the
 * output, then types `send` (`\r` is Enter, as a terminal sends it). The typed text travels to
 * python over a pipe, never on a command line.
 */
export function runInPty(
  argv: string[],
  steps: { expect: string; send: string }[],
  options: { env?: Record<string, string | undefined>; timeoutSeconds?: number } = {},
): Promise<PtyResult> {
  ensureTool(PYTHON, "python3");
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [SCRIPT], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      try {
        resolve(JSON.parse(stdout) as PtyResult);
      } catch {
        reject(new Error(`pty-run.py exited ${code}: ${stderr || stdout}`));
      }
    });
    const env = { ...process.env, TERM: "dumb", ...options.env };
    child.stdin.end(JSON.stringify({ argv, env, steps, timeout: options.timeoutSeconds ?? 60 }));
  });
}
