import { describe, expect, it } from "vitest";
import type { SyncRunMessage } from "../queue/message.ts";
import { newRun, type Run } from "../store/run.ts";
import { resumeMessage, resumeUnfinishedRuns } from "./resume-runs.ts";

const run = (status: Run["status"], overrides: Partial<Run> = {}): Run => ({
  ...newRun({ task_id: `t-${status}`, config_id: "c1", trigger: "manual", now: new Date(0) }),
  status,
  ...overrides,
});

describe("resumeMessage", () => {
  it("continues a STARTED run at its attempt count and re-sends a PENDING or RETRY one under its task id", () => {
    expect(resumeMessage(run("STARTED", { attempts: 3 }))).toEqual({
      type: "sync.run",
      trigger: "continuation",
      config_id: "c1",
      task_id: "t-STARTED",
      attempts: 3,
    });
    expect(resumeMessage(run("PENDING"))).toMatchObject({ trigger: "manual", task_id: "t-PENDING" });
    expect(resumeMessage(run("RETRY", { scheduled_time: "2026-01-01T00:00:00Z" }))).toEqual({
      type: "sync.run",
      trigger: "manual",
      config_id: "c1",
      task_id: "t-RETRY",
      scheduled_time: "2026-01-01T00:00:00Z",
    });
  });
});

describe("resumeUnfinishedRuns", () => {
  it("sends one message per unfinished run and logs each", async () => {
    const sent: SyncRunMessage[] = [];
    const logs: string[] = [];
    const count = await resumeUnfinishedRuns(
      { listUnfinished: async () => [run("STARTED"), run("PENDING")] },
      {
        sendBatch: async (messages) => {
          sent.push(...messages);
          return { sent_count: messages.length, failed: [] };
        },
      },
      (_level, message, data) => logs.push(`${message} ${data?.task_id}`),
    );
    expect(count).toBe(2);
    expect(sent.map((message) => [message.trigger, message.task_id])).toEqual([
      ["continuation", "t-STARTED"],
      ["manual", "t-PENDING"],
    ]);
    expect(logs).toEqual(["run resumed t-STARTED", "run resumed t-PENDING"]);
  });

  it("sends nothing when every run has finished", async () => {
    let calls = 0;
    const count = await resumeUnfinishedRuns(
      { listUnfinished: async () => [] },
      {
        sendBatch: async () => {
          calls++;
          return { sent_count: 0, failed: [] };
        },
      },
    );
    expect([count, calls]).toEqual([0, 0]);
  });
});
