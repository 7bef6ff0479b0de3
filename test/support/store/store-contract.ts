import { describe, expect, it } from "vitest";
import type { DriveRecordFields } from "../../../lib/store/drive-record.ts";
import { ConflictError, InvalidCursorError, NotFoundError } from "../../../lib/store/errors.ts";
import { scheduledTaskId } from "../../../lib/store/ids.ts";
import { newRun, type Run } from "../../../lib/store/run.ts";
import type { Store } from "../../../lib/store/store.ts";
import { newSyncConfig, type SyncConfig, SyncConfigInputSchema } from "../../../lib/store/sync-config.ts";
import { runPartitionContract } from "./partition-contract.ts";

/**
 * The behaviour every store backend must show (dynalite, DynamoDB Local, DynamoDB). `newStore`
 * returns a store over a fresh, empty table.
 */
export function runStoreContract(options: { name: string; newStore: () => Promise<Store> }): void {
  const { newStore } = options;
  const T0 = Date.parse("2026-11-28T10:00:00.000Z");
  const at = (minutes: number) => new Date(T0 + minutes * 60_000);

  const config = (id: string, overrides: Partial<SyncConfig> = {}, minute = 0): SyncConfig => ({
    ...newSyncConfig(
      SyncConfigInputSchema.parse({
        name: `config ${id}`,
        source: "/tmp/src",
        target: "s3://bucket/prefix?secret=s3cr3t",
        cron: "0 2 * * *",
      }),
      { id, now: at(minute) },
    ),
    ...overrides,
  });

  const run = (taskId: string, configId: string, minute: number): Run =>
    newRun({ task_id: taskId, config_id: configId, trigger: "manual", now: at(minute) });

  describe(`store contract: ${options.name}`, () => {
    describe("configs", () => {
      it("creates, reads back, and refuses a second create with the same id", async () => {
        const store = await newStore();
        const a = config("a", { include: ["*.txt"], max_delete: "10%" });
        expect(await store.configs.create(a)).toEqual(a);
        expect(await store.configs.get("a")).toEqual(a);
        await expect(store.configs.create(config("a", { name: "other" }))).rejects.toBeInstanceOf(
          ConflictError,
        );
        expect((await store.configs.get("a"))?.name).toBe("config a");
      });

      it("answers for missing configs: get undefined, update NotFoundError, delete false", async () => {
        const store = await newStore();
        expect(await store.configs.get("missing")).toBeUndefined();
        await expect(store.configs.update("missing", { name: "x" })).rejects.toBeInstanceOf(NotFoundError);
        expect(await store.configs.delete("missing")).toBe(false);
        expect(await store.configs.setLastRun("missing", null)).toBe(false);
        await store.configs.create(config("b"));
        expect(await store.configs.delete("b")).toBe(true);
        expect(await store.configs.get("b")).toBeUndefined();
      });

      it("updates conditionally on the version and bumps it", async () => {
        const store = await newStore();
        await store.configs.create(config("c"));
        const updated = await store.configs.update(
          "c",
          { name: "renamed", exclude: ["tmp/**"] },
          { expectedVersion: 1 },
        );
        expect(updated).toMatchObject({
          name: "renamed",
          exclude: ["tmp/**"],
          version: 2,
          cron: "0 2 * * *",
        });
        expect(updated.updated_at > updated.created_at).toBe(true);
        expect(await store.configs.get("c")).toEqual(updated);
        await expect(
          store.configs.update("c", { name: "stale" }, { expectedVersion: 1 }),
        ).rejects.toBeInstanceOf(ConflictError);
        expect((await store.configs.get("c"))?.name).toBe("renamed");
      });

      it("retries concurrent updates without an expected version, losing none", async () => {
        const store = await newStore();
        await store.configs.create(config("d"));
        await Promise.all([
          store.configs.update("d", { name: "one" }),
          store.configs.update("d", { cron: "5 * * * *" }),
          store.configs.update("d", { mode: "mirror" }),
        ]);
        const final = await store.configs.get("d");
        expect(final).toMatchObject({ version: 4, cron: "5 * * * *", mode: "mirror", name: "one" });
      });

      it("records the last run without bumping the version", async () => {
        const store = await newStore();
        await store.configs.create(config("e"));
        const lastRun = { task_id: "t1", status: "SUCCESS", finished_at: at(3).toISOString() } as const;
        expect(await store.configs.setLastRun("e", lastRun)).toBe(true);
        const updated = await store.configs.update("e", { name: "x" });
        expect(updated).toMatchObject({ last_run: lastRun, version: 2 });
        expect(await store.configs.get("e")).toMatchObject({ last_run: lastRun, version: 2 });
      });

      it("lists every config oldest first across pages, the last page without a cursor", async () => {
        const store = await newStore();
        const ids = ["p1", "p2", "p3", "p4", "p5", "p6", "p7"];
        for (const [i, id] of ids.entries()) await store.configs.create(config(id, {}, i));
        const seen: string[] = [];
        const sizes: number[] = [];
        let cursor: string | null = null;
        do {
          const page: Awaited<ReturnType<Store["configs"]["list"]>> = await store.configs.list({
            limit: 3,
            cursor,
          });
          seen.push(...page.items.map((c) => c.id));
          sizes.push(page.items.length);
          cursor = page.next_cursor;
        } while (cursor);
        expect(seen).toEqual(ids);
        expect(sizes).toEqual([3, 3, 1]);
        const exact = await store.configs.list({ limit: 7 });
        expect([exact.items.length, exact.next_cursor]).toEqual([7, null]);
      });

      it("refuses cursors it did not issue for that listing", async () => {
        const store = await newStore();
        for (const id of ["q1", "q2", "q3"]) await store.configs.create(config(id));
        await store.runs.create(run("r1", "q1", 1));
        await store.runs.create(run("r2", "q1", 2));
        const runsCursor = (await store.runs.listByConfig("q1", { limit: 1 })).next_cursor;
        expect(runsCursor).toBeTypeOf("string");
        const bad = [
          "not a cursor!",
          Buffer.from("{}").toString("base64url"),
          Buffer.from("[1,2").toString("base64url"),
          runsCursor ?? "",
        ];
        for (const cursor of bad) {
          await expect(store.configs.list({ limit: 1, cursor })).rejects.toBeInstanceOf(InvalidCursorError);
        }
        const good = (await store.configs.list({ limit: 1 })).next_cursor;
        await expect(store.runs.listByConfig("q2", { cursor: good })).rejects.toBeInstanceOf(
          InvalidCursorError,
        );
        await expect(store.runs.listByConfig("q2", { cursor: runsCursor })).rejects.toBeInstanceOf(
          InvalidCursorError,
        );
      });

      it("lists only enabled configs, following enable and disable", async () => {
        const store = await newStore();
        await store.configs.create(config("on1"));
        await store.configs.create(config("off1", { enabled: false }));
        await store.configs.create(config("on2"));
        const enabledIds = async () => (await store.configs.listEnabled()).map((c) => c.id).sort();
        expect(await enabledIds()).toEqual(["on1", "on2"]);
        await store.configs.update("on1", { enabled: false });
        await store.configs.update("off1", { enabled: true });
        expect(await enabledIds()).toEqual(["off1", "on2"]);
        await store.configs.delete("on2");
        expect(await enabledIds()).toEqual(["off1"]);
        expect((await store.configs.listEnabled())[0]).toEqual(await store.configs.get("off1"));
      });
    });

    describe("runs", () => {
      it("creates once, refuses a duplicate task id, and reads back", async () => {
        const store = await newStore();
        const r = run("t1", "cfg", 0);
        expect(await store.runs.create(r)).toEqual(r);
        expect(await store.runs.get("t1")).toEqual(r);
        expect(await store.runs.get("missing")).toBeUndefined();
        await expect(store.runs.create(run("t1", "cfg", 1))).rejects.toBeInstanceOf(ConflictError);
      });

      it("lists the runs of one config newest first, across pages", async () => {
        const store = await newStore();
        for (const minute of [3, 1, 5, 2, 4]) await store.runs.create(run(`a${minute}`, "A", minute));
        await store.runs.create(run("b1", "B", 9));
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const page: Awaited<ReturnType<Store["runs"]["listByConfig"]>> = await store.runs.listByConfig(
            "A",
            {
              limit: 2,
              cursor,
            },
          );
          seen.push(...page.items.map((r) => r.task_id));
          cursor = page.next_cursor;
          pages++;
        } while (cursor);
        expect(seen).toEqual(["a5", "a4", "a3", "a2", "a1"]);
        expect(pages).toBe(3);
        expect((await store.runs.listByConfig("nobody")).items).toEqual([]);
      });

      it("lists every run newest first across configs and pages, by config and by status", async () => {
        const store = await newStore();
        for (const [id, config, minute] of [
          ["r1", "A", 1],
          ["r4", "B", 4],
          ["r2", "B", 2],
          ["r5", "A", 5],
          ["r3", "C", 3],
        ] as const) {
          await store.runs.create(run(id, config, minute));
        }
        await store.runs.update("r2", { status: "CANCELLED", finished_at: at(6).toISOString() });
        await store.runs.update("r5", { status: "CANCELLED", finished_at: at(7).toISOString() });
        const all = async (options: Parameters<Store["runs"]["list"]>[0]) => {
          const seen: string[] = [];
          let cursor: string | null = null;
          do {
            const page: Awaited<ReturnType<Store["runs"]["list"]>> = await store.runs.list({
              ...options,
              limit: 2,
              cursor,
            });
            expect(page.items.length).toBeLessThanOrEqual(2);
            seen.push(...page.items.map((r) => r.task_id));
            cursor = page.next_cursor;
          } while (cursor);
          return seen;
        };
        expect(await all({})).toEqual(["r5", "r4", "r3", "r2", "r1"]);
        expect(await all({ configId: "B" })).toEqual(["r4", "r2"]);
        expect(await all({ status: "CANCELLED" })).toEqual(["r5", "r2"]);
        expect(await all({ status: "PENDING", configId: "A" })).toEqual(["r1"]);
        expect(await all({ status: "SUCCESS" })).toEqual([]);
        const first = await store.runs.list({ limit: 2 });
        expect(first.items.map((r) => r.task_id)).toEqual(["r5", "r4"]);
        // A cursor is bound to its listing: the all-runs one is refused for one config's.
        await expect(store.runs.list({ configId: "A", cursor: first.next_cursor })).rejects.toBeInstanceOf(
          InvalidCursorError,
        );
      });

      it("keeps retry_of and cancel_requested_at on a run", async () => {
        const store = await newStore();
        const retry = newRun({
          task_id: "t2",
          config_id: "cfg",
          trigger: "manual",
          now: at(1),
          retry_of: "t1",
        });
        expect(await store.runs.create(retry)).toMatchObject({ retry_of: "t1", cancel_requested_at: null });
        const asked = at(2).toISOString();
        expect(await store.runs.update("t2", { cancel_requested_at: asked })).toMatchObject({
          retry_of: "t1",
          cancel_requested_at: asked,
        });
        expect((await store.runs.get("t2"))?.cancel_requested_at).toBe(asked);
      });

      it("creates the run of one scheduled fire once, however often it is delivered", async () => {
        const store = await newStore();
        const time = "2026-11-28T02:00:00Z";
        const fire = (minute: number) =>
          newRun({
            task_id: scheduledTaskId("cfg", time),
            config_id: "cfg",
            trigger: "schedule",
            scheduled_time: time,
            now: at(minute),
          });
        const first = await store.runs.createScheduled(fire(0));
        const second = await store.runs.createScheduled(fire(1));
        expect(first).toEqual({ created: true, run: fire(0) });
        expect(second).toEqual({ created: false, run: fire(0) });
        expect(scheduledTaskId("cfg", "2026-11-28T02:00:00.000Z")).toBe(first.run.task_id);
        expect((await store.runs.listByConfig("cfg")).items).toHaveLength(1);
        await expect(store.runs.createScheduled({ ...fire(0), task_id: "other" })).rejects.toBeInstanceOf(
          RangeError,
        );
      });

      it("changes status only from the expected status, and tracks unfinished runs", async () => {
        const store = await newStore();
        await store.runs.create(run("u1", "cfg", 0));
        await store.runs.create(run("u2", "cfg", 1));
        const unfinished = async () => (await store.runs.listUnfinished()).map((r) => r.task_id);
        expect(await unfinished()).toEqual(["u1", "u2"]);

        const started = await store.runs.update(
          "u1",
          { status: "STARTED", started_at: at(2).toISOString(), attempts: 1 },
          { expectedStatus: "PENDING" },
        );
        expect(started).toMatchObject({ status: "STARTED", attempts: 1, config_id: "cfg" });
        await expect(
          store.runs.update("u1", { status: "STARTED" }, { expectedStatus: "PENDING" }),
        ).rejects.toBeInstanceOf(ConflictError);
        await expect(store.runs.update("missing", { attempts: 2 })).rejects.toBeInstanceOf(NotFoundError);
        expect(await unfinished()).toEqual(["u1", "u2"]);

        const progress = { files_done: 2, files_planned: 3, bytes_done: 20, bytes_planned: 30 };
        expect(await store.runs.update("u1", { progress })).toMatchObject({ progress, status: "STARTED" });
        const finishedAt = at(10).toISOString();
        const done = await store.runs.update(
          "u1",
          {
            status: "SUCCESS",
            finished_at: finishedAt,
            result: { files_copied: 3, errors: [] },
            checkpoint: null,
          },
          { expectedStatus: ["STARTED", "RETRY"] },
        );
        expect(done).toMatchObject({
          status: "SUCCESS",
          finished_at: finishedAt,
          result: { files_copied: 3 },
        });
        expect(done.expires_at).toBeGreaterThan(run("x", "cfg", 10).expires_at - 1);
        expect(await store.runs.get("u1")).toEqual(done);
        expect(await unfinished()).toEqual(["u2"]);

        await store.runs.update("u2", {
          status: "RETRY",
          error: { code: "Throttling", message: "slow down" },
        });
        expect(await unfinished()).toEqual(["u2"]);
        await store.runs.update("u2", { status: "FAILURE", error: { code: "Auth", message: "bad key" } });
        expect(await unfinished()).toEqual([]);
        await expect(store.runs.update("u2", {}, { expectedStatus: "PENDING" })).rejects.toBeInstanceOf(
          ConflictError,
        );
      });
    });

    describe("claims", () => {
      it("lets exactly one of several claims that read a run alike win (expectedAttempts)", async () => {
        const store = await newStore();
        await store.runs.create(run("c1", "cfg", 0));
        await store.runs.update("c1", { status: "STARTED", attempts: 1 });
        const claim = () =>
          store.runs.update(
            "c1",
            { status: "STARTED", attempts: 2 },
            { expectedStatus: "STARTED", expectedAttempts: 1 },
          );
        const outcomes = await Promise.allSettled([claim(), claim(), claim()]);
        expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
        for (const o of outcomes.filter((o) => o.status === "rejected")) {
          expect((o as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
        }
        expect(await store.runs.get("c1")).toMatchObject({ status: "STARTED", attempts: 2 });
        await expect(store.runs.update("c1", {}, { expectedAttempts: 1 })).rejects.toBeInstanceOf(
          ConflictError,
        );
      });
    });

    runPartitionContract(newStore);

    describe("leases", () => {
      it("is taken from a named holder even while live, only while that holder still has it", async () => {
        const { leases } = await newStore();
        const ttl_ms = 60_000;
        expect(await leases.acquire("cfg", { owner: "done", ttl_ms, now: at(0) })).toBe(true);
        expect(await leases.acquire("cfg", { owner: "w1", ttl_ms, now: at(0.1) })).toBe(false);
        const takeovers = await Promise.all(
          ["w1", "w2", "w3"].map((owner) =>
            leases.acquire("cfg", { owner, ttl_ms, now: at(0.2), replacing: "done" }),
          ),
        );
        expect(takeovers.filter(Boolean)).toHaveLength(1);
        const winner = (await leases.get("cfg"))?.owner;
        expect(["w1", "w2", "w3"]).toContain(winner);
        expect(await leases.acquire("cfg", { owner: "w4", ttl_ms, now: at(0.3), replacing: "done" })).toBe(
          false,
        );
        expect(await leases.release("cfg", "done")).toBe(false);
        expect((await leases.get("cfg"))?.owner).toBe(winner);
      });

      it("is held by one owner until it lapses, renewed and released only by its owner", async () => {
        const store = await newStore();
        const { leases } = store;
        const ttl_ms = 60_000;
        expect(await leases.acquire("cfg", { owner: "w1", ttl_ms, now: at(0) })).toBe(true);
        expect(await leases.acquire("cfg", { owner: "w2", ttl_ms, now: at(0.5) })).toBe(false);
        expect(await leases.acquire("cfg", { owner: "w1", ttl_ms, now: at(0.5) })).toBe(true);
        expect(await leases.acquire("other", { owner: "w2", ttl_ms, now: at(0.5) })).toBe(true);

        expect(await leases.renew("cfg", { owner: "w2", ttl_ms, now: at(1) })).toBe(false);
        expect(await leases.renew("cfg", { owner: "w1", ttl_ms, now: at(1) })).toBe(true);
        // Renewed at minute 1: still held at 1.9, lapsed at 2.
        expect(await leases.acquire("cfg", { owner: "w2", ttl_ms, now: at(1.9) })).toBe(false);
        expect(await leases.acquire("cfg", { owner: "w2", ttl_ms, now: at(2) })).toBe(true);
        expect(await leases.get("cfg")).toMatchObject({ owner: "w2", lease_until: at(3).getTime() });

        expect(await leases.renew("cfg", { owner: "w1", ttl_ms, now: at(2.1) })).toBe(false);
        expect(await leases.release("cfg", "w1")).toBe(false);
        expect((await leases.get("cfg"))?.owner).toBe("w2");
        expect(await leases.release("cfg", "w2")).toBe(true);
        expect(await leases.get("cfg")).toBeUndefined();
        expect(await leases.release("cfg", "w2")).toBe(false);
        expect(await leases.renew("cfg", { owner: "w2", ttl_ms, now: at(2.2) })).toBe(false);
        expect(await leases.acquire("cfg", { owner: "w3", ttl_ms, now: at(2.2) })).toBe(true);
      });
    });

    describe("drives", () => {
      const fields = (overrides: Partial<DriveRecordFields> = {}): DriveRecordFields => ({
        type: "webdav",
        settings: { url: "https://dav.example.com/dav", username: "alice" },
        secrets_set: ["password"],
        secret_version: "1",
        ...overrides,
      });

      it("creates, reads back, refuses a second create of the name, and deletes", async () => {
        const { drives } = await newStore();
        const created = await drives.create({ name: "nas", ...fields() });
        expect(created).toMatchObject({ name: "nas", ...fields(), version: 1 });
        expect(await drives.get("nas")).toEqual(created);
        await expect(drives.create({ name: "nas", ...fields({ type: "s3" }) })).rejects.toBeInstanceOf(
          ConflictError,
        );
        expect(await drives.delete("nas")).toEqual(created);
        expect(await drives.get("nas")).toBeUndefined();
        expect(await drives.delete("nas")).toBeUndefined();
      });

      it("updates only from the version read, bumping it", async () => {
        const { drives } = await newStore();
        await drives.create({ name: "nas", ...fields() });
        const next = await drives.update("nas", fields({ secret_version: "2" }), 1);
        expect(next).toMatchObject({ secret_version: "2", version: 2 });
        await expect(drives.update("nas", fields({ secret_version: "3" }), 1)).rejects.toBeInstanceOf(
          ConflictError,
        );
        expect((await drives.get("nas"))?.secret_version).toBe("2");
        await expect(drives.update("gone", fields(), 1)).rejects.toBeInstanceOf(NotFoundError);
      });

      it("lists drives oldest first, page by page, apart from configs", async () => {
        const store = await newStore();
        await store.configs.create(config("c1"));
        for (const name of ["b", "a", "c"]) await store.drives.create({ name, ...fields() });
        const first = await store.drives.list({ limit: 2 });
        expect(first.items.map((d) => d.name)).toEqual(["b", "a"]);
        const second = await store.drives.list({ limit: 2, cursor: first.next_cursor });
        expect(second).toMatchObject({ items: [{ name: "c" }], next_cursor: null });
        expect((await store.drives.listAll()).map((d) => d.name)).toEqual(["b", "a", "c"]);
        expect((await store.configs.list()).items.map((c) => c.id)).toEqual(["c1"]);
      });
    });
  });
}
