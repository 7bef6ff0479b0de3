import { describe, expect, it } from "vitest";
import { ENGLISH, runCliWith } from "../../test/support/cli/run-cli.ts";

/**
 * `syncron <args>` in this process (test/cli-smoke.e2e.test.ts runs the real binary), its output as
 * the binary writes it: every line console.log or console.error printed ends with a newline.
 */
async function syncronIn(env: Record<string, string>, ...args: string[]) {
  const { code, stdout, stderr } = await runCliWith(env, ...args);
  const asWritten = (text: string) => (text === "" ? "" : `${text}\n`);
  return { code, stdout: asWritten(stdout), stderr: asWritten(stderr) };
}
const syncron = (...args: string[]) => syncronIn(ENGLISH, ...args);

const EXAMPLE =
  '{"valid":true,"expression":"0 9,18 * * 1-5","timezone":"Asia/Shanghai","description":"At 09:00 AM and 06:00 PM, Monday through Friday","next_runs":["2026-01-01T01:00:00.000Z","2026-01-01T10:00:00.000Z","2026-01-02T01:00:00.000Z"],"eventbridge":["cron(0 9,18 ? * 2-6 *)"]}\n';

describe("syncron cron", () => {
  it("prints the issue's JSON byte for byte and exits 0", async () => {
    const result = await syncron(
      "cron",
      "0 9,18 * * 1-5",
      "--tz",
      "Asia/Shanghai",
      "--from",
      "2026-01-01T00:00:00Z",
      "--count",
      "3",
      "--json",
    );
    expect(result).toEqual({ code: 0, stdout: EXAMPLE, stderr: "" });
  });

  it("prints {valid:false} and exits 1 for an invalid expression or zone", async () => {
    expect(await syncron("cron", "0 25 * * *", "--json")).toEqual({
      code: 1,
      stdout: '{"valid":false,"expression":"0 25 * * *","error":"hour: 25 is out of range 0-23"}\n',
      stderr: "",
    });
    const zone = await syncron("cron", "0 2 * * *", "--tz", "Mars/Base", "--json");
    expect(zone.code).toBe(1);
    expect(JSON.parse(zone.stdout)).toEqual({
      valid: false,
      expression: "0 2 * * *",
      error: 'timezone: "Mars/Base" is not a known IANA time zone',
    });
    expect(await syncron("cron", "* * *")).toMatchObject({
      code: 1,
      stdout: "",
      stderr:
        "syncron cron: expression: expected 5 fields (minute hour day-of-month month day-of-week) but got 3\n",
    });
  });

  it.each([
    [["cron"], "syncron cron: missing the cron expression"],
    [["cron", "0", "2", "*", "*", "*"], "syncron cron: expected one quoted expression but got 5 arguments"],
    [["cron", "0 2 * * *", "--bogus"], "syncron cron: Unknown option '--bogus'"],
    [["cron", "0 2 * * *", "--count", "0"], 'syncron cron: --count: "0" is not a whole number 1-1000'],
    [["cron", "0 2 * * *", "--count", "many"], 'syncron cron: --count: "many" is not a whole number 1-1000'],
    [
      ["cron", "0 2 * * *", "--from", "tomorrow"],
      'syncron cron: --from: "tomorrow" is not an ISO-8601 date-time',
    ],
    [["cron", "0 2 * * *", "--locale", "fr"], 'syncron cron: --locale: "fr" is not one of en, zh-CN'],
  ])("exits 2 on the usage error %j", async (args, line) => {
    const result = await syncron(...args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr.split("\n")[0]).toContain(line);
    expect(result.stderr).toContain("Usage: syncron cron <expression> [options]");
  });

  it("prints the same facts for a person, in the expression's zone", async () => {
    const result = await syncron(
      "cron",
      "0 0 1 * 1",
      "--tz",
      "America/New_York",
      "--from",
      "2026-11-29T00:00:00Z",
      "--count",
      "2",
      "--locale",
      "zh-CN",
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        "Expression   0 0 1 * 1",
        "Time zone    America/New_York",
        "Meaning      在 00:00, 限每月 1 号, 或者为星期一",
        "Next runs    2026-11-30T05:00:00.000Z  Mon 2026-11-30 00:00 EST",
        "             2026-12-01T05:00:00.000Z  Tue 2026-12-01 00:00 EST",
        "EventBridge  cron(0 0 1 * ? *)",
        "             cron(0 0 ? * 2 *)",
        "             (two schedules: Unix cron fires on the day of the month OR the weekday)",
        "",
      ].join("\n"),
    );
  });

  it("describes in Chinese when LANG asks for it, unless --locale says otherwise", async () => {
    const chinese = { ...ENGLISH, LANG: "zh_CN.UTF-8" };
    const json = async (...args: string[]) => JSON.parse((await syncronIn(chinese, ...args)).stdout);
    expect((await json("cron", "0 0 * * *", "--json")).description).toBe("在 00:00");
    expect((await json("cron", "0 0 * * *", "--json", "--locale", "en")).description).toBe("At 12:00 AM");
  });

  it("shows its usage with --help and is listed by syncron --help", async () => {
    expect(await syncron("cron", "--help")).toMatchObject({ code: 0, stderr: "" });
    expect((await syncron("cron", "--help")).stdout).toContain("--tz ZONE");
    expect((await syncron("--help")).stdout).toContain("cron ");
  });
});
