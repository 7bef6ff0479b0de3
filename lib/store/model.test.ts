import { describe, expect, it } from "vitest";
import { newId, scheduledTaskId } from "./ids.ts";
import { newRun, RUN_RETENTION_DAYS, RunPatchSchema } from "./run.ts";
import {
  configInputSchema,
  newSyncConfig,
  SyncConfigInputSchema,
  SyncConfigPatchSchema,
} from "./sync-config.ts";

const base = { name: "docs", source: "/data/docs", target: "s3://backup/docs", cron: "0 2 * * *" };

describe("sync config model", () => {
  it("fills the safe defaults", () => {
    expect(SyncConfigInputSchema.parse(base)).toEqual({
      ...base,
      timezone: "UTC",
      enabled: true,
      mode: "copy",
      compare: "size-mtime",
      include: [],
      exclude: [],
      max_delete: null,
      end_time: null,
      tps: null,
    });
    expect(configInputSchema("Asia/Shanghai").parse(base).timezone).toBe("Asia/Shanghai");
  });

  it.each([
    [{ max_delete: "150%" }, "max_delete"],
    [{ max_delete: "ten" }, "max_delete"],
    [{ max_delete: -1 }, "max_delete"],
    [{ mode: "sync" }, "mode"],
    [{ name: "  " }, "name"],
    [{ include: [""] }, "include"],
    [{ nmae: "typo" }, ""],
  ])("refuses %j, naming the field", (extra, field) => {
    const result = SyncConfigInputSchema.safeParse({ ...base, ...extra });
    expect(result.success).toBe(false);
    const issue = result.error?.issues[0];
    expect(issue?.path[0] ?? "").toBe(field);
    if (field === "") expect(issue?.code).toBe("unrecognized_keys");
  });

  it("accepts counts and percentages for max_delete", () => {
    for (const max_delete of [0, 25, "10%", "2.5%", "100%"]) {
      expect(SyncConfigInputSchema.parse({ ...base, max_delete }).max_delete).toBe(max_delete);
    }
  });

  it("applies no defaults in a patch, and refuses fields the store owns", () => {
    expect(SyncConfigPatchSchema.parse({ enabled: false })).toEqual({ enabled: false });
    expect(SyncConfigPatchSchema.safeParse({ version: 3 }).success).toBe(false);
    expect(SyncConfigPatchSchema.safeParse({ id: "x" }).success).toBe(false);
  });

  it("builds the stored form at version 1", () => {
    const now = new Date("2026-11-28T10:00:00Z");
    const config = newSyncConfig(SyncConfigInputSchema.parse(base), { id: "01JDX", now });
    expect(config).toMatchObject({ id: "01JDX", version: 1, last_run: null, created_at: now.toISOString() });
    expect(config.updated_at).toBe(config.created_at);
    expect(() => newSyncConfig(SyncConfigInputSchema.parse(base), { id: "a/b", now })).toThrow(/id/);
  });
});

describe("run model", () => {
  it("starts PENDING with zero progress and a TTL after the retention period", () => {
    const now = new Date("2026-11-28T10:00:00Z");
    const run = newRun({ task_id: "t", config_id: "c", trigger: "manual", now });
    expect(run).toMatchObject({ status: "PENDING", attempts: 0, scheduled_time: null, result: null });
    expect(run.progress).toEqual({ files_done: 0, files_planned: 0, bytes_done: 0, bytes_planned: 0 });
    expect(run.expires_at).toBe(now.getTime() / 1000 + RUN_RETENTION_DAYS * 86_400);
  });

  it("refuses patches of fields that never change", () => {
    expect(RunPatchSchema.safeParse({ config_id: "other" }).success).toBe(false);
    expect(RunPatchSchema.safeParse({ status: "DONE" }).success).toBe(false);
  });
});

describe("ids", () => {
  it("makes time-ordered, URL-safe ULIDs", () => {
    const a = newId(Date.parse("2026-01-01T00:00:00Z"), new Uint8Array(10));
    const b = newId(Date.parse("2026-01-01T00:00:00.001Z"), new Uint8Array(10).fill(255));
    expect(a).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(a.endsWith("0".repeat(16))).toBe(true);
    expect(b.endsWith("Z".repeat(16))).toBe(true);
    expect(a < b).toBe(true);
    expect(newId()).not.toBe(newId());
  });

  it("derives one task id per scheduled fire, whatever the time's spelling", () => {
    const id = scheduledTaskId("cfg1", "2026-11-28T02:00:00Z");
    expect(id).toBe("sch-20261128T020000Z-cfg1");
    expect(scheduledTaskId("cfg1", "2026-11-28T02:00:00.000Z")).toBe(id);
    expect(scheduledTaskId("cfg1", "2026-11-28T03:00:00+01:00")).toBe(id);
    expect(scheduledTaskId("cfg2", "2026-11-28T02:00:00Z")).not.toBe(id);
    expect(() => scheduledTaskId("cfg1", "yesterday")).toThrow(RangeError);
  });
});
