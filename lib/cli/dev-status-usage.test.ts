import { describe, expect, it } from "vitest";
import { runCli } from "../../test/support/cli/run-cli.ts";

describe("syncron dev and status usage errors", () => {
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
    const { code, stderr } = await runCli(...args);
    expect(code).toBe(2);
    expect(stderr.startsWith(`${message}\n\nUsage: syncron ${args[0]}`)).toBe(true);
  });
});
