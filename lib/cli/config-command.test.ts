import { describe, expect, it } from "vitest";
import { runCli } from "../../test/support/cli/run-cli.ts";
import { REFUSED_ADDRESS } from "../../test/support/net/refused-address.ts";
import { configFields, failure, formatList } from "./config-command.ts";

const ENGLISH = { LANG: "C.UTF-8" };
const cli = (...args: string[]) => runCli("config", ...args);

describe("syncron config arguments", () => {
  it("turns flags into the API's fields, rules as globs or JSON", () => {
    expect(
      configFields({
        name: "photos",
        cron: "0 2 * * *",
        exclude: ["*.tmp", '{"kind":"regex","pattern":"\\\\.bak$","ignore_case":true}'],
        "max-delete": "10",
        "end-time": "none",
        disabled: true,
      }),
    ).toEqual({
      name: "photos",
      cron: "0 2 * * *",
      exclude: ["*.tmp", { kind: "regex", pattern: "\\.bak$", ignore_case: true }],
      max_delete: 10,
      end_time: null,
      enabled: false,
    });
    expect(configFields({ "max-delete": "10%", "no-include": true, enabled: true })).toEqual({
      max_delete: "10%",
      include: [],
      enabled: true,
    });
    expect(configFields({ "max-delete": "none" })).toEqual({ max_delete: null });
  });

  it.each([
    [["add", "--enabled", "--disabled"], "--enabled and --disabled contradict each other"],
    [["edit", "x", "--no-exclude", "--exclude", "a"], "--no-exclude and --exclude contradict each other"],
    [["add", "--exclude", "{nope"], '--exclude: "{nope" is not a JSON rule'],
    [["edit", "x"], "config edit needs at least one field to change"],
    [["show"], "config show needs a config ID"],
    [["list", "--cron", "* * * * *"], "config list does not take --cron"],
    [["add", "--yes"], "config add does not take --yes"],
    [["rm", "a", "b"], "Unexpected argument 'b'"],
    [["run", "a", "--interval", "0"], '--interval: "0" is not a number of seconds'],
    [["edit", "a", "--name", "n", "--if-version", "v3"], '--if-version: "v3" is not a whole number'],
    [["frob"], 'unknown action "frob"'],
    [[], "give an action: add, list, show, edit, rm, run"],
    [["list", "--url", "ftp://x"], '--url must be an http(s) URL (got "ftp://x")'],
  ])("%j is a usage error", async (args, message) => {
    const { code, stderr } = await cli(...args);
    expect(code).toBe(2);
    expect(stderr).toContain(`syncron config: ${message}`);
    expect(stderr).toContain("Usage: syncron config <action>");
  });

  it("shows the API's validation errors under the flag that set each field", () => {
    const reply = {
      status: 400,
      body: {
        error: {
          code: "VALIDATION_FAILED",
          message: "…",
          details: [
            { path: "max_delete", message: 'max_delete must be a count, a percentage like "10%"' },
            { path: "exclude.1.kind", message: "kind must be one of glob, regex" },
            { path: "source", message: "Invalid input: expected string, received undefined" },
          ],
        },
      },
    };
    expect(failure("add", reply)).toBe(
      [
        "syncron config add: VALIDATION_FAILED",
        '  --max-delete: max_delete must be a count, a percentage like "10%"',
        "  --exclude: kind must be one of glob, regex",
        "  --source: required",
      ].join("\n"),
    );
    expect(
      failure("rm", { status: 404, body: { error: { code: "NOT_FOUND", message: "no such config" } } }),
    ).toBe("syncron config rm: NOT_FOUND: no such config");
  });

  it("lists configs with their schedule in words and their next run", () => {
    const configs = [
      {
        id: "01A",
        name: "photos",
        mode: "mirror",
        cron: "0 2 * * *",
        timezone: "Asia/Shanghai",
        enabled: true,
        next_runs: ["2026-01-01T18:00:00.000Z"],
        last_run: { task_id: "t", status: "SUCCESS", finished_at: "2026-01-01T02:00:03.000Z" },
      },
      {
        id: "01B",
        name: "docs",
        mode: "copy",
        cron: "0 9 * * 1-5",
        timezone: "UTC",
        enabled: false,
        next_runs: [],
        last_run: null,
      },
    ];
    expect(formatList(configs, ENGLISH).split("\n")).toEqual([
      "ID   NAME    MODE    CRON         SCHEDULE                            NEXT RUN              LAST RUN",
      "01A  photos  mirror  0 2 * * *    At 02:00 AM (Asia/Shanghai)         2026-01-01 18:00:00Z  SUCCESS 2026-01-01 02:00:03Z",
      "01B  docs    copy    0 9 * * 1-5  At 09:00 AM, Monday through Friday  disabled              -",
    ]);
    expect(formatList(configs, { LANG: "zh_CN.UTF-8" })).toContain("在 02:00 (Asia/Shanghai)");
  });

  it("lines up Chinese names and a schedule in Chinese words as a terminal shows them", () => {
    const config = (id: string, name: string, cron: string) => ({
      id,
      name,
      mode: "copy",
      cron,
      timezone: "Asia/Shanghai",
      enabled: true,
      next_runs: ["2026-01-01T18:00:00.000Z"],
      last_run: null,
    });
    const lines = formatList([config("01A", "照片备份", "0 2 * * *"), config("01B", "docs", "0 9 * * 1-5")], {
      LANG: "zh_CN.UTF-8",
    }).split("\n");
    expect(lines).toEqual([
      "ID   NAME      MODE  CRON         SCHEDULE                                  NEXT RUN              LAST RUN",
      "01A  照片备份  copy  0 2 * * *    在 02:00 (Asia/Shanghai)                  2026-01-01 18:00:00Z  -",
      "01B  docs      copy  0 9 * * 1-5  在 09:00, 星期一至星期五 (Asia/Shanghai)  2026-01-01 18:00:00Z  -",
    ]);
  });

  it("says the API cannot be reached, naming the URL", async () => {
    const { code, stderr } = await cli("list", "--url", `http://${REFUSED_ADDRESS}`);
    expect(code).toBe(1);
    expect(stderr).toMatch(
      new RegExp(`^syncron config list: cannot reach the API at http://${REFUSED_ADDRESS} `),
    );
  });
});
