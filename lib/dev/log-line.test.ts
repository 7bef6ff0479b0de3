import { describe, expect, it } from "vitest";
import { createLineLog, formatLogLine } from "./log-line.ts";

describe("formatLogLine", () => {
  it("prints time, level, message and key=value pairs, quoting values with spaces", () => {
    const line = formatLogLine(new Date("2026-11-28T23:14:00.082Z"), "info", "run started", {
      config_id: "c1",
      attempt: 1,
      error: "disk full: no space",
      ok: true,
      counts: { a: 1 },
      gone: undefined,
    });
    expect(line).toBe(
      '2026-11-28T23:14:00.082Z INFO  run started config_id=c1 attempt=1 error="disk full: no space" ok=true counts={"a":1}',
    );
  });

  it("never prints stacks or secret-looking keys", () => {
    const line = formatLogLine(new Date(0), "error", "failed", {
      stack: "Error\n at x",
      password: "hunter2",
      api_token: "t",
      secretAccessKey: "s",
      code: "E",
    });
    expect(line).toBe("1970-01-01T00:00:00.000Z ERROR failed code=E");
  });
});

describe("createLineLog", () => {
  it("writes one line per call with the injected clock", () => {
    const lines: [string, string][] = [];
    const log = createLineLog({ now: () => new Date(0), write: (line, level) => lines.push([line, level]) });
    log("warn", "careful", { n: 2 });
    expect(lines).toEqual([["1970-01-01T00:00:00.000Z WARN  careful n=2", "warn"]]);
  });
});
