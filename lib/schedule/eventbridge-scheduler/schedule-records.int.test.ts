import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetScheduleCommand } from "@aws-sdk/client-scheduler";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sharedEmulators, uniqueName } from "../../../test/support/emulators/shared-emulators.ts";
import { fakeSchedulerApi } from "../../../test/support/schedule/fake-scheduler-api.ts";
import { manySpecs, schedulesOf } from "../../../test/support/schedule/many-specs.ts";
import { createDocumentClient, createStore } from "../../store/store.ts";
import { ensureTable } from "../../store/table.ts";
import { reconcileSchedules } from "../reconcile.ts";
import type { ScheduleRecords } from "../schedule-records.ts";
import { createEventBridgeScheduler } from "./eventbridge-scheduler.ts";

/**
 * The adapter's schedule records kept in the store (dynalite): a fresh adapter, as in a Lambda cold
 * start, trusts what an earlier process read while ListSchedules shows the same LastModificationDate.
 */
const { dynamo } = sharedEmulators();
const raw = new DynamoDBClient(dynamo);
const documents = createDocumentClient(dynamo);
let tableName: string;

beforeAll(async () => {
  tableName = uniqueName("schedule-records");
  await ensureTable(raw, tableName);
});
afterAll(() => {
  raw.destroy();
  documents.destroy();
});

/** A document client that counts the DynamoDB requests sent through it, by command name. */
function countingClient() {
  const sent = new Map<string, number>();
  const client = Object.assign(Object.create(documents) as DynamoDBDocumentClient, {
    send: (command: { constructor: { name: string } }, options?: unknown) => {
      const name = command.constructor.name;
      sent.set(name, (sent.get(name) ?? 0) + 1);
      return (documents.send as (c: unknown, o?: unknown) => Promise<unknown>)(command, options);
    },
  });
  return {
    client,
    sent: (name: string) => sent.get(name) ?? 0,
    total: () => [...sent.values()].reduce((a, b) => a + b, 0),
  };
}

/** One process's adapter: its own store client and memory, the shared table and Scheduler API. */
function adapter(
  api: ReturnType<typeof fakeSchedulerApi>,
  group: string,
  wrap: (records: ScheduleRecords) => ScheduleRecords = (records) => records,
) {
  const dynamoCalls = countingClient();
  const store = createStore({ client: dynamoCalls.client, tableName });
  const errors: string[] = [];
  const scheduler = createEventBridgeScheduler({
    client: api.client,
    groupName: group,
    queueArn: "arn:aws:sqs:us-east-1:123456789012:syncron-queue",
    roleArn: "arn:aws:iam::123456789012:role/syncron-scheduler",
    deadLetterArn: "arn:aws:sqs:us-east-1:123456789012:syncron-dlq",
    records: wrap(store.scheduleRecords),
    onRecordsError: (action) => errors.push(action),
  });
  return { scheduler, store, dynamoCalls, errors };
}

const getScheduleNames = (api: ReturnType<typeof fakeSchedulerApi>) =>
  api.mock.commandCalls(GetScheduleCommand).map((call) => call.args[0].input.Name);

describe("the EventBridge Scheduler adapter's records in the store", () => {
  it("a fresh adapter refreshes 10,000 unchanged configs with no GetSchedule and no write, reading the records in a few Query pages", async () => {
    const api = fakeSchedulerApi();
    const group = uniqueName("many");
    const specs = manySpecs(10_000);
    const schedules = schedulesOf(specs.length); // 11,428
    const first = adapter(api, group);
    expect(await reconcileSchedules(specs, first.scheduler, { concurrency: 32 })).toMatchObject({
      added_count: 10_000,
      errors: [],
    });
    expect(first.errors).toEqual([]);
    api.mock.resetHistory();

    const fresh = adapter(api, group); // a new process: nothing in memory
    const again = await reconcileSchedules(specs, fresh.scheduler, { concurrency: 32 });

    expect(again).toMatchObject({ unchanged_count: 10_000, added_count: 0, updated_count: 0, errors: [] });
    expect(api.mutations()).toBe(0);
    expect(api.calls("GetScheduleCommand")).toBe(0);
    expect(api.calls("ListSchedulesCommand")).toBe(Math.ceil(schedules / 100));
    // The records: whole Query pages (DynamoDB's 1 MB each), nothing written.
    expect(fresh.dynamoCalls.sent("QueryCommand")).toBeGreaterThan(0);
    expect(fresh.dynamoCalls.sent("QueryCommand")).toBeLessThanOrEqual(5);
    expect(fresh.dynamoCalls.total()).toBe(fresh.dynamoCalls.sent("QueryCommand"));
    expect(fresh.errors).toEqual([]);
  }, 300_000);

  it("a fresh adapter reads again, and repairs, a schedule edited elsewhere after the record was kept", async () => {
    const api = fakeSchedulerApi();
    const group = uniqueName("edited");
    const few = manySpecs(20);
    await reconcileSchedules(few, adapter(api, group).scheduler);
    api.tamper(group, "syncron-cfg-00003", { ScheduleExpression: "cron(0 0 * * ? *)" });
    api.mock.resetHistory();

    const fresh = adapter(api, group);
    expect(await reconcileSchedules(few, fresh.scheduler)).toMatchObject({
      updated_count: 1,
      unchanged_count: 19,
      errors: [],
    });
    expect(getScheduleNames(api)).toContain("syncron-cfg-00003");
    expect(api.store.get(`${group}/syncron-cfg-00003`)?.ScheduleExpression).toBe("cron(3 3 * * ? *)");
    api.mock.resetHistory();
    // The repair's own record is kept too: yet another process reads nothing.
    expect(await reconcileSchedules(few, adapter(api, group).scheduler)).toMatchObject({
      unchanged_count: 20,
    });
    expect(api.calls("GetScheduleCommand")).toBe(0);
  });

  it("a record whose schedule is gone resurrects nothing, and is forgotten", async () => {
    const api = fakeSchedulerApi();
    const group = uniqueName("gone");
    const few = manySpecs(5);
    const first = adapter(api, group);
    await reconcileSchedules(few, first.scheduler);
    api.store.delete(`${group}/syncron-cfg-00002`); // deleted behind syncron's back
    api.mock.resetHistory();

    const fresh = adapter(api, group);
    const listed = await fresh.scheduler.list();

    expect(listed.map((schedule) => schedule.config_id)).not.toContain("cfg-00002");
    expect(listed.map((schedule) => schedule.config_id).sort()).toEqual([
      "cfg-00000",
      "cfg-00000",
      "cfg-00001",
      "cfg-00003",
      "cfg-00004",
    ]);
    expect(api.calls("GetScheduleCommand")).toBe(0);
    const kept = await fresh.store.scheduleRecords.list(group);
    expect(kept.map((record) => record.info.name)).not.toContain("syncron-cfg-00002");
    expect(kept).toHaveLength(5);
    // Its config gone too: the refresh removes the two others it was asked to drop, nothing for cfg-00002.
    expect(await reconcileSchedules(few.slice(0, 2), adapter(api, group).scheduler)).toMatchObject({
      removed_count: 2,
      added_count: 0,
      errors: [],
    });
    expect([...api.store.keys()].filter((key) => key.startsWith(`${group}/`)).sort()).toEqual([
      `${group}/syncron-cfg-00000`,
      `${group}/syncron-cfg-00000-dow`,
      `${group}/syncron-cfg-00001`,
    ]);
  });

  it("a lost record write costs one GetSchedule in the next process, never a wrong 'unchanged'", async () => {
    const api = fakeSchedulerApi();
    const group = uniqueName("lost");
    const few = manySpecs(10);
    const losing = (records: ScheduleRecords): ScheduleRecords => ({
      ...records,
      put: async (g, record) => {
        if (record.info.name === "syncron-cfg-00004") throw new Error("throttled");
        await records.put(g, record);
      },
    });
    const first = adapter(api, group, losing);
    expect(await reconcileSchedules(few, first.scheduler)).toMatchObject({ added_count: 10, errors: [] });
    expect(first.errors).toEqual(["keep the record of syncron-cfg-00004"]);
    api.mock.resetHistory();

    expect(await reconcileSchedules(few, adapter(api, group).scheduler)).toMatchObject({
      unchanged_count: 10,
      errors: [],
    });
    expect(getScheduleNames(api)).toEqual(["syncron-cfg-00004"]);
    expect(api.mutations()).toBe(0);

    // Edited elsewhere while its record was lost: read, and repaired.
    api.tamper(group, "syncron-cfg-00004", { State: "DISABLED" });
    expect(await reconcileSchedules(few, adapter(api, group, losing).scheduler)).toMatchObject({
      updated_count: 1,
      unchanged_count: 9,
    });
    expect(api.store.get(`${group}/syncron-cfg-00004`)?.State).toBe("ENABLED");
  });

  it("records that cannot be read cost GetSchedule calls, not the refresh", async () => {
    const api = fakeSchedulerApi();
    const group = uniqueName("unreadable");
    const few = manySpecs(7);
    await reconcileSchedules(few, adapter(api, group).scheduler);
    api.mock.resetHistory();

    const broken = adapter(api, group, (records) => ({
      ...records,
      list: () => Promise.reject(new Error("table unreachable")),
    }));
    expect(await reconcileSchedules(few, broken.scheduler)).toMatchObject({ unchanged_count: 7, errors: [] });
    expect(api.calls("GetScheduleCommand")).toBe(schedulesOf(7));
    expect(broken.errors).toEqual(["read the schedule records"]);
  });
});
