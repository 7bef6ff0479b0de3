import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "./main.ts";

const bin = fileURLToPath(new URL("../../bin/syncron.js", import.meta.url));

/** Runs the real `syncron` binary; every case here is a usage error, so nothing is started. */
function syncron(...args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { timeout: 60_000 }, (error, _stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stderr });
    });
  });
}

/** Runs `main` in this process, with what it writes to stderr. */
async function inProcess(args: string[]): Promise<{ code: number; stderr: string }> {
  const lines: string[] = [];
  vi.spyOn(console, "error").mockImplementation((line: unknown) => void lines.push(String(line)));
  const code = await main(args);
  return { code, stderr: `${lines.join("\n")}\n` };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("syncron dev and status usage errors", { timeout: 120_000 }, () => {
  it.each([
    [["dev", "--port", "70000"], 'syncron dev: --port: "70000" is not a whole number 0-65535'],
    [["dev", "--port", "8.5"], 'syncron dev: --port: "8.5" is not a whole number 0-65535'],
    [["dev", "--bogus"], "syncron dev: Unknown option '--bogus'"],
    [["dev", "extra"], "syncron dev: Unexpected argument 'extra'"],
    [["dev", "--queue", "q"], "syncron dev: --queue needs --aws"],
    [
      ["dev", "--aws", "--schedule-backend", "cron"],
      'syncron dev: --schedule-backend: "cron" is not one of local, eventbridge-scheduler, eventbridge-rules',
    ],
    [["status", "--url", "ftp://x"], 'syncron status: --url must be an http(s) URL (got "ftp://x")'],
    [["status", "--bogus"], "syncron status: Unknown option '--bogus'"],
    [["status", "extra"], "syncron status: Unexpected argument 'extra'"],
  ])("%j exits 2 with the message and the usage", async (args, message) => {
    const { code, stderr } = await inProcess(args);
    expect(code).toBe(2);
    expect(stderr.startsWith(`${message}\n\nUsage: syncron ${args[0]}`)).toBe(true);
  });

  it.each([
    [["dev", "--bogus"], "syncron dev: Unknown option '--bogus'"],
    [["status", "--bogus"], "syncron status: Unknown option '--bogus'"],
  ])("the real binary: %j exits 2 with the message and the usage", async (args, message) => {
    const { code, stderr } = await syncron(...args);
    expect(code).toBe(2);
    expect(stderr.startsWith(`${message}\n\nUsage: syncron ${args[0]}`)).toBe(true);
  });
});
