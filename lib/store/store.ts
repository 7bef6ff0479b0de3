import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { ScheduleRecords } from "../schedule/schedule-records.ts";
import { type ConfigRepository, createConfigRepository } from "./configs.ts";
import { createDriveRepository, type DriveRepository } from "./drives.ts";
import { toStoreError } from "./errors.ts";
import { createLeaseRepository, type LeaseRepository } from "./leases.ts";
import { createPartitionRepository, type PartitionRepository } from "./partitions.ts";
import { RUN_RETENTION_DAYS } from "./run.ts";
import { createRunRepository, type RunRepository } from "./runs.ts";
import { createScheduleRecordRepository } from "./schedule-records.ts";

/**
 * syncron's persistence: configs, runs, per-config leases, named drives and the scheduler adapter's
 * schedule records in one DynamoDB table (schema.ts).
 */
export interface Store {
  readonly configs: ConfigRepository;
  readonly drives: DriveRepository;
  readonly runs: RunRepository;
  readonly leases: LeaseRepository;
  /** The folders of runs fanned out across workers (SYNCRON_FANOUT_ENTRIES). */
  readonly partitions: PartitionRepository;
  readonly scheduleRecords: ScheduleRecords;
}

export interface StoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** The clock for `updated_at` and leases (default: the system clock). */
  now?: () => Date;
  /** Days a finished run is kept before DynamoDB's TTL deletes it (default 30). */
  runRetentionDays?: number;
}

/** Builds the store over an existing table (see `ensureTable` for local stacks and tests). */
export function createStore(options: StoreOptions): Store {
  const deps = {
    client: convertingErrors(options.client),
    tableName: options.tableName,
    now: options.now ?? (() => new Date()),
  };
  const retentionDays = options.runRetentionDays ?? RUN_RETENTION_DAYS;
  return {
    configs: createConfigRepository(deps),
    drives: createDriveRepository(deps),
    runs: createRunRepository({ ...deps, retentionDays }),
    leases: createLeaseRepository(deps),
    partitions: createPartitionRepository({ ...deps, retentionDays }),
    scheduleRecords: createScheduleRecordRepository(deps),
  };
}

/**
 * The client the repositories send through: every SDK failure is converted where it is sent
 * (`toStoreError`), so no caller of the store sees an AWS error type.
 */
function convertingErrors(client: DynamoDBDocumentClient): DynamoDBDocumentClient {
  const inner = client as unknown as { send(command: unknown, options?: unknown): Promise<unknown> };
  const send = async (command: unknown, options?: unknown): Promise<unknown> => {
    try {
      return await inner.send(command, options);
    } catch (error) {
      throw toStoreError(error);
    }
  };
  return Object.assign(Object.create(client) as DynamoDBDocumentClient, { send });
}

/**
 * A document client with the options the store relies on: undefined values dropped (optional
 * fields), numbers kept as JS numbers. Pass endpoint/region/credentials explicitly in tests.
 */
export function createDocumentClient(config: DynamoDBClientConfig): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}
