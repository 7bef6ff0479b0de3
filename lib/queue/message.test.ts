import { describe, expect, it } from "vitest";
import { InvalidMessageError } from "./errors.ts";
import { formatScheduledTime, parseMessage, validateMessage } from "./message.ts";

const fire = {
  type: "sync.run",
  trigger: "schedule",
  config_id: "cfg-1",
  scheduled_time: "2026-01-01T02:00:00Z",
};
const manual = { type: "sync.run", trigger: "manual", config_id: "cfg-1", task_id: "task-1" };

const failure = (run: () => unknown): InvalidMessageError => {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidMessageError) return error;
    throw error;
  }
  throw new Error("expected InvalidMessageError");
};

describe("parseMessage", () => {
  it("accepts a schedule fire, a manual run and a continuation", () => {
    expect(parseMessage(JSON.stringify(fire))).toEqual(fire);
    expect(parseMessage(JSON.stringify(manual))).toEqual(manual);
    const continuation = { ...manual, trigger: "continuation", scheduled_time: "2026-01-01T02:00:00Z" };
    expect(parseMessage(JSON.stringify(continuation))).toEqual(continuation);
  });

  it("accepts the time formats Scheduler, rules and toISOString produce", () => {
    for (const time of ["2026-01-01T02:00:00Z", "2026-01-01T02:00:00.000Z", "2026-01-01T03:00:00+01:00"]) {
      expect(validateMessage({ ...fire, scheduled_time: time })).toMatchObject({ scheduled_time: time });
    }
  });

  it.each([
    ["body", "not json", undefined],
    ["message", "[1]", undefined],
    ["type", JSON.stringify({ ...manual, type: "sync.ru" }), "sync.ru"],
    ["trigger", JSON.stringify({ ...manual, trigger: "cron" }), "cron"],
    ["config_id", JSON.stringify({ ...manual, config_id: 5 }), 5],
    ["config_id", JSON.stringify({ ...manual, config_id: "" }), ""],
    ["task_id", JSON.stringify({ ...manual, task_id: undefined }), undefined],
    ["task_id", JSON.stringify({ ...fire, task_id: "t" }), "t"],
    ["scheduled_time", JSON.stringify({ ...fire, scheduled_time: undefined }), undefined],
    ["scheduled_time", JSON.stringify({ ...fire, scheduled_time: "yesterday" }), "yesterday"],
  ])("names the bad field %s", (field, body, value) => {
    const error = failure(() => parseMessage(body));
    expect(error.field).toBe(field);
    expect(error.message).toContain(field);
    if (value !== undefined) {
      expect(error.value).toEqual(value);
      expect(error.message).toContain(JSON.stringify(value));
    }
  });

  it("accepts a partition of a fanned-out run and names its bad fields", () => {
    const partition = {
      type: "sync.partition",
      config_id: "cfg-1",
      task_id: "task-1",
      path: "a/b",
      attempts: 2,
    };
    expect(parseMessage(JSON.stringify(partition))).toEqual(partition);
    expect(validateMessage({ ...partition, path: "" })).toMatchObject({ path: "" });
    for (const [field, bad] of [
      ["path", { ...partition, path: "/a" }],
      ["path", { ...partition, path: "a/../b" }],
      ["path", { ...partition, path: undefined }],
      ["task_id", { ...partition, task_id: "" }],
      ["attempts", { ...partition, attempts: -1 }],
    ] as const) {
      const error = failure(() => validateMessage(bad));
      expect(error.field).toBe(field);
      expect(error.message).toMatch(new RegExp(`^Invalid sync.partition message: ${field} `));
    }
  });

  it("keeps the JSON error as the cause", () => {
    expect(failure(() => parseMessage("{")).cause).toBeInstanceOf(SyntaxError);
  });
});

describe("formatScheduledTime", () => {
  it("formats whole seconds like <aws.scheduler.scheduled-time>", () => {
    expect(formatScheduledTime(new Date(Date.UTC(2026, 0, 1, 2, 0, 0, 999)))).toBe("2026-01-01T02:00:00Z");
  });
});
