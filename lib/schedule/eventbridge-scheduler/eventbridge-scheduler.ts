import { createHash, randomUUID } from "node:crypto";
import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  GetScheduleCommand,
  type GetScheduleCommandOutput,
  ListSchedulesCommand,
  type ListSchedulesCommandOutput,
  type SchedulerClient,
  UpdateScheduleCommand,
} from "@aws-sdk/client-scheduler";
import { mapLimit } from "../../util/map-limit.ts";
import { awsErrorName, toSchedulerError } from "../aws-errors.ts";
import { type RetryPolicy, SCHEDULE_RETRY_POLICY } from "../delivery.ts";
import { configIdOf, DEFAULT_NAME_PREFIX, scheduleNames } from "../names.ts";
import { SCHEDULER_TIME_PLACEHOLDER, scheduleInput } from "../schedule-input.ts";
import type { ScheduleRecord, ScheduleRecords } from "../schedule-records.ts";
import type { ScheduleInfo, Scheduler, ScheduleSpec, UpsertResult } from "../scheduler.ts";
import { combine, sameSchedules } from "../scheduler.ts";
import { canonicalJson, describeSchedule, validateSpec } from "../validate.ts";

export interface EventBridgeSchedulerOptions {
  client: SchedulerClient;
  /** The schedule group holding syncron's schedules (one per stage). */
  groupName: string;
  /** The sync queue the schedules send to. */
  queueArn: string;
  /** The role EventBridge Scheduler assumes to send to the queue (sqs:SendMessage). */
  roleArn: string;
  namePrefix?: string;
  /** Default SCHEDULE_RETRY_POLICY. */
  retryPolicy?: RetryPolicy;
  /** Where Scheduler puts fires it could not deliver (the role must be allowed to send there). */
  deadLetterArn?: string;
  /** ClientToken source (idempotent create/update across SDK retries). */
  newToken?: () => string;
  /** GetSchedule calls in flight while listing. */
  concurrency?: number;
  /**
   * Where the schedules as last read are kept beyond this process (the store), so a fresh process
   * reads only the schedules changed since (default: this process's memory alone).
   */
  records?: ScheduleRecords;
  /** Told when keeping or reading `records` failed; the adapter then reads the schedules instead. */
  onRecordsError?: (action: string, error: unknown) => void;
}

type ScheduleRequest = Omit<CreateScheduleCommandInput, "ClientToken">;

/**
 * The default AWS backend: one EventBridge Scheduler schedule per config (two for day-of-month OR
 * day-of-week), in the time zone of the config, sending the `sync.run` message to SQS with the fire's
 * scheduled time filled in by Scheduler.
 */
export function createEventBridgeScheduler(options: EventBridgeSchedulerOptions): Scheduler {
  const { client, groupName, queueArn, roleArn } = options;
  const prefix = options.namePrefix ?? DEFAULT_NAME_PREFIX;
  const retryPolicy = options.retryPolicy ?? SCHEDULE_RETRY_POLICY;
  const newToken = options.newToken ?? randomUUID;
  const concurrency = options.concurrency ?? 8;

  const requests = (spec: ScheduleSpec): ScheduleRequest[] => {
    const { names, expressions } = validateSpec(spec, prefix);
    return expressions.map((expression, i) => ({
      Name: names[i],
      GroupName: groupName,
      ScheduleExpression: expression,
      ScheduleExpressionTimezone: spec.timezone,
      FlexibleTimeWindow: { Mode: "OFF" },
      State: spec.enabled ? "ENABLED" : "DISABLED",
      ...(spec.end_time ? { EndDate: new Date(spec.end_time) } : {}),
      Description: describeSchedule(spec),
      ActionAfterCompletion: "NONE",
      Target: {
        Arn: queueArn,
        RoleArn: roleArn,
        Input: scheduleInput(spec.config_id, SCHEDULER_TIME_PLACEHOLDER),
        RetryPolicy: retryPolicy,
        ...(options.deadLetterArn ? { DeadLetterConfig: { Arn: options.deadLetterArn } } : {}),
      },
    }));
  };

  /**
   * Each schedule as last read, with its LastModificationDate: while ListSchedules shows the same date,
   * nobody changed it and `list` uses this instead of a GetSchedule (ListSchedules has no expression).
   * One entry per schedule of the group; a write re-reads its schedule, so the record is what is there.
   * `options.records` keeps the same entries for the next process; only a GetSchedule makes one.
   */
  const recorded = new Map<string, ScheduleRecord>();
  const records = options.records;
  const recordsFailed = (action: string) => (error: unknown) => options.onRecordsError?.(action, error);

  const remember = async (record: ScheduleRecord): Promise<void> => {
    const { name } = record.info;
    if (recorded.get(name)?.modified === record.modified) return; // kept already
    recorded.set(name, record);
    await records?.put(groupName, record).catch(recordsFailed(`keep the record of ${name}`));
  };

  const forget = async (name: string): Promise<void> => {
    recorded.delete(name);
    await records?.delete(groupName, name).catch(recordsFailed(`forget the record of ${name}`));
  };

  const get = async (name: string): Promise<GetScheduleCommandOutput | undefined> => {
    let schedule: GetScheduleCommandOutput;
    try {
      schedule = await client.send(new GetScheduleCommand({ Name: name, GroupName: groupName }));
    } catch (error) {
      recorded.delete(name);
      // A kept record of a missing schedule is harmless: `list` reports listed schedules only.
      if (awsErrorName(error) === "ResourceNotFoundException") return undefined;
      throw toSchedulerError(`GetSchedule ${name}`, error);
    }
    const configId = configIdOf(name, prefix);
    const modified = schedule.LastModificationDate?.getTime();
    if (configId && modified !== undefined) await remember({ modified, info: info(configId, schedule) });
    else recorded.delete(name);
    return schedule;
  };

  /**
   * Takes the kept records of the listed schedules whose date this process has no record for (a cold
   * start, another process's write), and forgets the records of schedules no longer listed.
   */
  const recall = async (listed: ReadonlyMap<string, number | undefined>): Promise<void> => {
    if (!records) return;
    let kept: ScheduleRecord[];
    try {
      kept = await records.list(groupName);
    } catch (error) {
      recordsFailed("read the schedule records")(error);
      return;
    }
    const gone: string[] = [];
    for (const record of kept) {
      const { name } = record.info;
      if (!listed.has(name)) gone.push(name);
      else if (listed.get(name) === record.modified) recorded.set(name, record);
    }
    await mapLimit(gone, concurrency, forget);
  };

  const call = async (action: string, run: () => Promise<unknown>): Promise<void> => {
    try {
      await run();
    } catch (error) {
      throw toSchedulerError(action, error);
    }
  };

  const create = async (request: ScheduleRequest): Promise<"created" | "updated" | "unchanged"> => {
    try {
      await client.send(new CreateScheduleCommand({ ...request, ClientToken: newToken() }));
      await get(request.Name!); // records its LastModificationDate for the next list
      return "created";
    } catch (error) {
      if (awsErrorName(error) !== "ConflictException")
        throw toSchedulerError(`CreateSchedule ${request.Name}`, error);
    }
    // Created meanwhile by someone else (a concurrent upsert or reconcile): converge on ours.
    const current = await get(request.Name!);
    if (current && sameSchedules([info("", current)], [info("", request)])) return "unchanged";
    await update(request);
    return "updated";
  };

  const update = async (request: ScheduleRequest) => {
    recorded.delete(request.Name!);
    await call(`UpdateSchedule ${request.Name}`, () =>
      client.send(new UpdateScheduleCommand({ ...request, ClientToken: newToken() })),
    );
    await get(request.Name!); // records its LastModificationDate for the next list
  };

  /** Deletes one schedule; false when it did not exist. */
  const remove = async (name: string): Promise<boolean> => {
    await forget(name);
    try {
      await client.send(
        new DeleteScheduleCommand({ Name: name, GroupName: groupName, ClientToken: newToken() }),
      );
      return true;
    } catch (error) {
      if (awsErrorName(error) === "ResourceNotFoundException") return false;
      throw toSchedulerError(`DeleteSchedule ${name}`, error);
    }
  };

  const info = (
    configId: string,
    schedule: Pick<
      GetScheduleCommandOutput,
      | "Name"
      | "ScheduleExpression"
      | "ScheduleExpressionTimezone"
      | "State"
      | "EndDate"
      | "FlexibleTimeWindow"
      | "Description"
      | "Target"
    >,
  ): ScheduleInfo => ({
    config_id: configId,
    name: schedule.Name ?? "",
    expression: schedule.ScheduleExpression ?? "",
    timezone: schedule.ScheduleExpressionTimezone ?? "UTC",
    state: schedule.State === "DISABLED" ? "DISABLED" : "ENABLED",
    ...(schedule.EndDate ? { end_time: schedule.EndDate.toISOString() } : {}),
    definition: definitionOf(schedule),
  });

  return {
    backend: "eventbridge-scheduler",

    check(spec) {
      validateSpec(spec, prefix);
    },

    plan(spec) {
      return requests(spec).map((request) => info(spec.config_id, request));
    },

    async upsert(spec, listed): Promise<UpsertResult> {
      const wanted = requests(spec);
      const names = scheduleNames(spec.config_id, prefix);
      // Listed just now: the listing says which names exist and what they hold (a first refresh of
      // 10,000 configs read 20,000 absent names otherwise); a create that finds one made meanwhile
      // converges below, and an update writes the whole schedule whatever it held.
      const current = listed
        ? names.map((name) => listed.find((schedule) => schedule.name === name))
        : await Promise.all(
            names.map(async (name) => {
              const schedule = await get(name);
              return schedule && info(spec.config_id, schedule);
            }),
          );
      const outcomes: UpsertResult[] = [];
      for (const [i, name] of names.entries()) {
        const request = wanted.find((r) => r.Name === name);
        const existing = current[i];
        if (!request) {
          if (existing) outcomes.push((await remove(name)) ? "updated" : "unchanged");
        } else if (!existing) {
          outcomes.push(await create(request));
        } else if (!sameSchedules([existing], [info(spec.config_id, request)])) {
          await update(request);
          outcomes.push("updated");
        } else {
          outcomes.push("unchanged");
        }
      }
      return combine(outcomes);
    },

    async remove(configId) {
      const removed = await Promise.all(validNames(configId).map(remove));
      return removed.some(Boolean);
    },

    async list() {
      /** Each listed schedule's LastModificationDate, by name. */
      const listed = new Map<string, number | undefined>();
      let nextToken: string | undefined;
      do {
        let page: ListSchedulesCommandOutput;
        try {
          page = await client.send(
            new ListSchedulesCommand({
              GroupName: groupName,
              NamePrefix: prefix,
              MaxResults: 100,
              ...(nextToken ? { NextToken: nextToken } : {}),
            }),
          );
        } catch (error) {
          throw toSchedulerError(`ListSchedules in ${groupName}`, error);
        }
        for (const summary of page.Schedules ?? []) {
          if (summary.Name && configIdOf(summary.Name, prefix))
            listed.set(summary.Name, summary.LastModificationDate?.getTime());
        }
        nextToken = page.NextToken;
      } while (nextToken);
      for (const name of recorded.keys()) if (!listed.has(name)) recorded.delete(name); // gone
      const unknown = () =>
        [...listed].filter(
          ([name, modified]) => modified === undefined || recorded.get(name)?.modified !== modified,
        );
      if (unknown().length > 0) await recall(listed);
      // ListSchedules does not return expressions: read each schedule changed since it was last read
      // (gone meanwhile → skipped).
      const changed = unknown();
      const known = [...listed.keys()].flatMap((name) => {
        const record = recorded.get(name);
        return record && record.modified === listed.get(name) ? [record.info] : [];
      });
      const schedules = await mapLimit(changed, concurrency, async ([name]) => {
        const schedule = await get(name);
        return schedule ? info(configIdOf(name, prefix) ?? "", schedule) : undefined;
      });
      return [...known, ...schedules.filter((schedule) => schedule !== undefined)];
    },
  };

  function validNames(configId: string): string[] {
    try {
      return scheduleNames(configId, prefix);
    } catch {
      return []; // an id that cannot name a schedule has none to remove
    }
  }
}

/**
 * What a schedule holds besides expression, zone, state and end: the flexible window, description
 * and the whole target (queue, role, input, retry policy, dead-letter queue), as one short string.
 */
function definitionOf(
  schedule: Pick<GetScheduleCommandOutput, "FlexibleTimeWindow" | "Description" | "Target">,
) {
  const target = schedule.Target;
  // A digest: compared only, and kept for every schedule in memory and in the store's records.
  const text = JSON.stringify([
    schedule.FlexibleTimeWindow?.Mode ?? "",
    schedule.FlexibleTimeWindow?.MaximumWindowInMinutes ?? null,
    schedule.Description ?? "",
    target?.Arn ?? "",
    target?.RoleArn ?? "",
    canonicalJson(target?.Input),
    target?.RetryPolicy?.MaximumEventAgeInSeconds ?? null,
    target?.RetryPolicy?.MaximumRetryAttempts ?? null,
    target?.DeadLetterConfig?.Arn ?? "",
  ]);
  return createHash("sha256").update(text).digest("base64url");
}
