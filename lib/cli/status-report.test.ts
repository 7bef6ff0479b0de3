import { describe, expect, it } from "vitest";
import { fetchStatus, formatStatus, type StatusReport } from "./status-report.ts";

const report: StatusReport = {
  url: "http://127.0.0.1:8000",
  backend: "local",
  configs: [
    {
      id: "c1",
      name: "photos",
      cron: "0 2 * * *",
      timezone: "Asia/Shanghai",
      enabled: true,
      mode: "mirror",
      scheduled: true,
      next_run: "2026-11-29T18:00:00.000Z",
      last_run: { task_id: "t1", status: "SUCCESS", finished_at: "2026-11-28T18:00:04.120Z" },
    },
    {
      id: "c2",
      name: "off",
      cron: "* * * * *",
      timezone: "UTC",
      enabled: false,
      mode: "copy",
      scheduled: false,
      next_run: null,
      last_run: null,
    },
  ],
  runs: [
    {
      task_id: "t1",
      config_id: "c1",
      status: "SUCCESS",
      trigger: "schedule",
      created_at: "2026-11-28T18:00:00.010Z",
      finished_at: "2026-11-28T18:00:04.120Z",
      files_done: 12,
      bytes_done: 3 * 1024 * 1024,
      error: null,
    },
  ],
  queue: { messages_available: 1, messages_in_flight: 2, messages_delayed: 0, dead_letter: 3 },
};

describe("formatStatus", () => {
  it("shows configs, recent runs and the queue as aligned tables", () => {
    expect(formatStatus(report)).toBe(
      [
        "syncron at http://127.0.0.1:8000 (scheduler: local)",
        "",
        "Configs (2)",
        "ID  NAME    CRON                       SCHEDULE   NEXT RUN              LAST RUN",
        "c1  photos  0 2 * * * (Asia/Shanghai)  scheduled  2026-11-29 18:00:00Z  SUCCESS 2026-11-28 18:00:04Z",
        "c2  off     * * * * *                  disabled   -                     -",
        "",
        "Recent runs (1)",
        "TASK  CONFIG  STATUS   TRIGGER   CREATED               FINISHED              FILES  BYTES    ERROR",
        "t1    c1      SUCCESS  schedule  2026-11-28 18:00:00Z  2026-11-28 18:00:04Z  12     3.0 MiB",
        "",
        "Queue",
        "AVAILABLE  IN FLIGHT  DELAYED  DEAD LETTER",
        "1          2          0        3",
      ].join("\n"),
    );
  });

  it("says so when there is nothing yet", () => {
    const text = formatStatus({ ...report, configs: [], runs: [] });
    expect(text).toContain("Configs (0)\n  none yet: POST /api/v1/sync-configs");
    expect(text).toContain("Recent runs (0)\n  none yet");
  });
});

describe("fetchStatus", () => {
  it("reports an API error with its status and message", async () => {
    const fake = (async () =>
      new Response(JSON.stringify({ error: { code: "UNAUTHORIZED", message: "missing bearer token" } }), {
        status: 401,
      })) as typeof fetch;
    await expect(fetchStatus("http://x", { fetch: fake })).rejects.toThrow(
      "GET /api/v1/task/scheduler/task-status answered 401: missing bearer token",
    );
  });

  it("sends the token and follows config pages", async () => {
    const seen: { url: string; auth: string | null }[] = [];
    const fake = (async (input: string | URL | Request, init?: RequestInit) => {
      const url = String(input);
      seen.push({ url, auth: new Headers(init?.headers).get("x-syncron-token") });
      const body = url.includes("task-status")
        ? { backend: "local", scheduled_config_ids: [], schedules: [], queue: report.queue }
        : url.includes("/runs")
          ? { items: [], next_cursor: null }
          : url.includes("cursor=p2")
            ? {
                items: [
                  { id: "b", name: "b", cron: "* * * * *", timezone: "UTC", enabled: true, mode: "copy" },
                ],
                next_cursor: null,
              }
            : {
                items: [
                  { id: "a", name: "a", cron: "* * * * *", timezone: "UTC", enabled: true, mode: "copy" },
                ],
                next_cursor: "p2",
              };
      return new Response(JSON.stringify(body));
    }) as typeof fetch;
    const result = await fetchStatus("http://x/", { token: "s3cret", fetch: fake });
    expect(result.configs.map((config) => config.id)).toEqual(["a", "b"]);
    expect(seen.every((call) => call.auth === "s3cret")).toBe(true);
    expect(seen.map((call) => call.url)).toContain("http://x/api/v1/sync-configs?limit=100&cursor=p2");
  });
});
