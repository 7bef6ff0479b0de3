import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** One measured child process. */
export interface Measured {
  /** Wall time of the whole process, spawn to exit, in milliseconds. */
  wall_ms: number;
  /** Peak resident set size of the process (its largest descendant, by getrusage), in MiB. */
  peak_rss_mb: number;
  /** CPU time (user + system) of the process and its children, in milliseconds. */
  cpu_ms: number;
  stdout: string;
  stderr: string;
  code: number;
}

const GNU_TIME = "/usr/bin/time";
let sequence = 0;

/**
 * Runs `command args` under GNU time (`%M`: max RSS; `%U %S`: CPU) and times it from spawn to exit. Rejects when
 * the process exits non-zero, with its stderr in the message, unless `allowFailure`.
 */
export async function measure(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; allowFailure?: boolean } = {},
): Promise<Measured> {
  ensureTool(GNU_TIME, "time");
  const rssFile = join(tmpdir(), `syncron-bench-rss-${process.pid}-${++sequence}`);
  const started = performance.now();
  const child = spawn(GNU_TIME, ["-f", "%M %U %S", "-o", rssFile, command, ...args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const code = await new Promise<number>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (exit) => resolve(exit ?? 1));
  });
  const wall_ms = performance.now() - started;
  const text = await readFile(rssFile, "utf8").catch(() => "");
  await rm(rssFile, { force: true });
  // GNU time writes "Command exited with non-zero status N" before the figures when the child fails.
  const [kib, user, system] = (text.trim().split("\n").pop() ?? "").split(" ").map(Number);
  if (code !== 0 && !options.allowFailure) {
    throw new Error(
      `${command} ${args.join(" ")} exited with ${code}: ${stderr.slice(-2000)}${stdout.slice(-2000)}`,
    );
  }
  return {
    wall_ms,
    peak_rss_mb: kib !== undefined && Number.isFinite(kib) ? kib / 1024 : Number.NaN,
    cpu_ms: user !== undefined && system !== undefined ? (user + system) * 1000 : Number.NaN,
    stdout,
    stderr,
    code,
  };
}

/**
 * Makes sure a command exists, installing its Debian package with apt-get when it does not (the
 * benchmark machines are Debian, run as root). Throws when it cannot.
 */
export function ensureTool(command: string, debianPackage: string): void {
  if (existsSync(command) || which(command)) return;
  const install = () => execFileSync("apt-get", ["install", "-y", "-q", debianPackage], { stdio: "ignore" });
  try {
    try {
      install();
    } catch {
      // A fresh machine may have no package lists yet.
      execFileSync("apt-get", ["update", "-q"], { stdio: "ignore" });
      install();
    }
  } catch (error) {
    throw new Error(`${command} is missing and "apt-get install -y ${debianPackage}" failed`, {
      cause: error,
    });
  }
  if (!existsSync(command) && !which(command)) throw new Error(`${command} is still missing`);
}

const which = (command: string): boolean => {
  try {
    execFileSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};
