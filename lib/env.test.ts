import { describe, expect, it } from "vitest";
import { apiEnvironment, deadLetterEnvironment, ENV, requiredEnv, workerEnvironment } from "./env.ts";
import { workerSettingsFromEnv } from "./jobs/run-sync-job/settings.ts";

const api = {
  table: "t",
  queueUrl: "https://sqs/q",
  queueArn: "arn:q",
  dlqUrl: "https://sqs/dlq",
  scheduleBackend: "eventbridge-scheduler",
  scheduleGroup: "syncron-ci",
  schedulerRoleArn: "arn:role",
  scheduleDlqArn: "arn:schedule-dlq",
  apiAuth: "iam",
  drivesParameterPath: "/syncron/ci/drives",
  reportsBucket: "reports-b",
} as const;

describe("ENV", () => {
  it("names every variable SYNCRON_*, once", () => {
    const names = Object.values(ENV);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^SYNCRON_[A-Z_]+$/);
  });
});

describe("apiEnvironment", () => {
  it("sets exactly the API's variables, the token only when configured", () => {
    expect(apiEnvironment(api)).toEqual({
      SYNCRON_TABLE: "t",
      SYNCRON_QUEUE_URL: "https://sqs/q",
      SYNCRON_QUEUE_ARN: "arn:q",
      SYNCRON_DLQ_URL: "https://sqs/dlq",
      SYNCRON_SCHEDULE_BACKEND: "eventbridge-scheduler",
      SYNCRON_SCHEDULE_GROUP: "syncron-ci",
      SYNCRON_SCHEDULER_ROLE_ARN: "arn:role",
      SYNCRON_SCHEDULE_DLQ_ARN: "arn:schedule-dlq",
      SYNCRON_API_AUTH: "iam",
      SYNCRON_DRIVES_PARAMETER_PATH: "/syncron/ci/drives",
      SYNCRON_REPORTS_BUCKET: "reports-b",
    });
    expect(apiEnvironment({ ...api, apiToken: "secret-token-123456" })).toMatchObject({
      SYNCRON_API_TOKEN: "secret-token-123456",
    });
    expect(apiEnvironment({ ...api, defaultTimezone: "Asia/Shanghai" })).toMatchObject({
      SYNCRON_DEFAULT_TIMEZONE: "Asia/Shanghai",
    });
  });
});

describe("deadLetterEnvironment", () => {
  it("sets the table only", () => {
    expect(deadLetterEnvironment({ table: "t" })).toEqual({ SYNCRON_TABLE: "t" });
  });
});

describe("workerEnvironment", () => {
  it("sets exactly the worker's variables", () => {
    expect(
      workerEnvironment({
        table: "t",
        queueUrl: "https://sqs/q",
        drivesParameterPath: "/syncron/ci/drives",
        reportsBucket: "reports-b",
      }),
    ).toEqual({
      SYNCRON_TABLE: "t",
      SYNCRON_QUEUE_URL: "https://sqs/q",
      SYNCRON_DRIVES_PARAMETER_PATH: "/syncron/ci/drives",
      SYNCRON_REPORTS_BUCKET: "reports-b",
    });
  });

  it("sets SYNCRON_FANOUT_ENTRIES only when the deployment configures it", () => {
    const values = { table: "t", queueUrl: "q", drivesParameterPath: "/p", reportsBucket: "b" };
    expect(workerEnvironment({ ...values, fanoutEntries: 5000 })).toMatchObject({
      SYNCRON_FANOUT_ENTRIES: "5000",
    });
    expect(workerEnvironment(values)).not.toHaveProperty("SYNCRON_FANOUT_ENTRIES");
  });
});

describe("workerSettingsFromEnv", () => {
  it("reads SYNCRON_FANOUT_ENTRIES (unset, empty or 0: off) and names a bad value", () => {
    expect(workerSettingsFromEnv({})).toEqual({});
    expect(workerSettingsFromEnv({ SYNCRON_FANOUT_ENTRIES: " " })).toEqual({});
    expect(workerSettingsFromEnv({ SYNCRON_FANOUT_ENTRIES: "0" })).toEqual({ fanoutEntries: 0 });
    expect(workerSettingsFromEnv({ SYNCRON_FANOUT_ENTRIES: "5000" })).toEqual({ fanoutEntries: 5000 });
    for (const bad of ["-1", "1.5", "lots", "1e3"])
      expect(() => workerSettingsFromEnv({ SYNCRON_FANOUT_ENTRIES: bad })).toThrow(
        `SYNCRON_FANOUT_ENTRIES="${bad}" is invalid: expected a whole number of entries (0: off)`,
      );
  });
});

describe("requiredEnv", () => {
  it("returns a set variable and names an unset or empty one", () => {
    expect(requiredEnv({ [ENV.table]: "syncron" }, ENV.table)).toBe("syncron");
    expect(() => requiredEnv({}, ENV.table)).toThrow("environment variable SYNCRON_TABLE is not set");
    expect(() => requiredEnv({ [ENV.table]: "" }, ENV.table)).toThrow("SYNCRON_TABLE");
  });
});
