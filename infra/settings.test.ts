import { describe, expect, it } from "vitest";
import { InfraConfigError, readDeploySettings } from "./settings.ts";
import type { StageFile } from "./stage-file.ts";

const read = (env: Record<string, string | undefined> = {}, stage = "staging", dev = false) =>
  readDeploySettings({ stage, dev, env });

const stageFile = (settings: Record<string, string> = {}): StageFile => ({
  path: "infra/stages/team.json",
  region: "eu-west-1",
  settings,
});

describe("readDeploySettings", () => {
  it("defaults: scheduler backend, 900 s / 1024 MB worker, 5 concurrent, IAM auth", () => {
    expect(read()).toEqual({
      stage: "staging",
      production: false,
      scheduleBackend: "eventbridge-scheduler",
      worker: { timeoutS: 900, memoryMb: 1024, maxConcurrency: 5 },
      queueVisibilityTimeoutS: 5400,
      maxReceiveCount: 5,
      auth: { kind: "iam" },
      s3Buckets: [],
    });
  });

  it("sets the queue visibility timeout to 6× the worker timeout", () => {
    const settings = read({ SYNCRON_WORKER_TIMEOUT_S: "120" });
    expect(settings.worker.timeoutS).toBe(120);
    expect(settings.queueVisibilityTimeoutS).toBe(720);
  });

  it("reads the backend, memory, concurrency, token and alarm email", () => {
    const settings = read({
      SYNCRON_SCHEDULE_BACKEND: "eventbridge-rules",
      SYNCRON_WORKER_MEMORY_MB: "2048",
      SYNCRON_MAX_CONCURRENCY: "20",
      SYNCRON_API_TOKEN: "a-long-enough-token",
      SYNCRON_ALARM_EMAIL: "ops@example.com",
      SYNCRON_S3_BUCKETS: "photos, backups.example",
    });
    expect(settings.s3Buckets).toEqual(["photos", "backups.example"]);
    expect(settings.scheduleBackend).toBe("eventbridge-rules");
    expect(settings.worker).toEqual({ timeoutS: 900, memoryMb: 2048, maxConcurrency: 20 });
    expect(settings.apiToken).toBe("a-long-enough-token");
    expect(settings.alarmEmail).toBe("ops@example.com");
  });

  it("reads the default time zone of new configs and refuses one that is not an IANA zone", () => {
    expect(read({ SYNCRON_DEFAULT_TIMEZONE: "Asia/Shanghai" }).defaultTimezone).toBe("Asia/Shanghai");
    expect(read()).not.toHaveProperty("defaultTimezone");
    expect(read({ SYNCRON_FANOUT_ENTRIES: "5000" }).fanoutEntries).toBe(5000);
    expect(read({ SYNCRON_FANOUT_ENTRIES: "0" })).not.toHaveProperty("fanoutEntries");
    expect(() => read({ SYNCRON_FANOUT_ENTRIES: "-3" })).toThrow(/^SYNCRON_FANOUT_ENTRIES="-3" is invalid/);
    expect(() => read({ SYNCRON_DEFAULT_TIMEZONE: "Asia/Peking" })).toThrow(
      'SYNCRON_DEFAULT_TIMEZONE="Asia/Peking" is invalid: expected an IANA time zone such as Asia/Shanghai or UTC.',
    );
  });

  it("uses a JWT authorizer when issuer and audience are configured", () => {
    expect(
      read({ SYNCRON_JWT_ISSUER: "https://id.example.com/", SYNCRON_JWT_AUDIENCE: "syncron, cli" }).auth,
    ).toEqual({
      kind: "jwt",
      issuer: "https://id.example.com/",
      audiences: ["syncron", "cli"],
    });
  });

  it("leaves the API open only under sst dev, and never for production stages", () => {
    expect(read({}, "alice", true).auth).toEqual({ kind: "none" });
    expect(read({}, "alice", false).auth).toEqual({ kind: "iam" });
    expect(() => read({}, "prod", true)).toThrow(/sst dev --stage prod is refused/);
    expect(() => read({}, "production", true)).toThrow(InfraConfigError);
  });

  it("marks prod and production as production", () => {
    const file = stageFile();
    expect(readDeploySettings({ stage: "prod", dev: false, env: {}, file }).production).toBe(true);
    expect(readDeploySettings({ stage: "production", dev: false, env: {}, file }).production).toBe(true);
    expect(read({}, "ci").production).toBe(false);
  });

  it("treats empty strings as unset", () => {
    expect(read({ SYNCRON_SCHEDULE_BACKEND: "", SYNCRON_JWT_ISSUER: " " }).scheduleBackend).toBe(
      "eventbridge-scheduler",
    );
  });

  it.each([
    [{ SYNCRON_SCHEDULE_BACKEND: "cron" }, /^SYNCRON_SCHEDULE_BACKEND="cron" is invalid/],
    [{ SYNCRON_WORKER_TIMEOUT_S: "901" }, /^SYNCRON_WORKER_TIMEOUT_S="901" is invalid/],
    [{ SYNCRON_WORKER_TIMEOUT_S: "ten" }, /^SYNCRON_WORKER_TIMEOUT_S="ten" is invalid/],
    [{ SYNCRON_MAX_CONCURRENCY: "1" }, /^SYNCRON_MAX_CONCURRENCY="1" is invalid/],
    [{ SYNCRON_WORKER_MEMORY_MB: "64" }, /^SYNCRON_WORKER_MEMORY_MB="64" is invalid/],
    [{ SYNCRON_JWT_ISSUER: "http://id.example.com", SYNCRON_JWT_AUDIENCE: "a" }, /^SYNCRON_JWT_ISSUER=/],
    [{ SYNCRON_ALARM_EMAIL: "nobody" }, /^SYNCRON_ALARM_EMAIL="nobody" is invalid/],
    [
      { SYNCRON_S3_BUCKETS: "arn:aws:s3:::x" },
      /^SYNCRON_S3_BUCKETS="arn:aws:s3:::x" is invalid: expected bucket names/,
    ],
    [{ SYNCRON_S3_BUCKETS: "a*" }, /^SYNCRON_S3_BUCKETS="a\*" is invalid/],
    [{ SYNCRON_API_TOKEN: "short" }, /^SYNCRON_API_TOKEN=\(hidden\) is invalid/],
    [
      { SYNCRON_JWT_ISSUER: "https://id.example.com" },
      /must be set together; only SYNCRON_JWT_ISSUER is set/,
    ],
    [{ SYNCRON_JWT_AUDIENCE: "syncron" }, /must be set together; only SYNCRON_JWT_AUDIENCE is set/],
  ])("rejects %o naming the variable", (env, message) => {
    expect(() => read(env)).toThrow(InfraConfigError);
    expect(() => read(env)).toThrow(message);
  });

  it("refuses a stage name with a dot, which would make rule prefixes of two stages overlap", () => {
    expect(() => read({}, "prod.eu")).toThrow(/stage "prod.eu" is invalid/);
  });
});

describe("readDeploySettings with the stage's file", () => {
  const KEPT = {
    SYNCRON_SCHEDULE_BACKEND: "eventbridge-rules",
    SYNCRON_JWT_ISSUER: "https://id.example.com/",
    SYNCRON_JWT_AUDIENCE: "syncron",
    SYNCRON_ALARM_EMAIL: "ops@example.com",
    SYNCRON_S3_BUCKETS: "photos",
  };
  const deploy = (env: Record<string, string | undefined>, settings: Record<string, string> = KEPT) =>
    readDeploySettings({ stage: "team", dev: false, env, file: stageFile(settings) });

  it("a later deploy from a shell without the variables keeps JWT, the backend, the buckets and the alarm email", () => {
    const settings = deploy({});
    expect(settings.auth).toEqual({ kind: "jwt", issuer: "https://id.example.com/", audiences: ["syncron"] });
    expect(settings.scheduleBackend).toBe("eventbridge-rules");
    expect(settings.s3Buckets).toEqual(["photos"]);
    expect(settings.alarmEmail).toBe("ops@example.com");
  });

  it("accepts the same values in the environment, and the token (a secret) only from there", () => {
    const settings = deploy({ ...KEPT, SYNCRON_API_TOKEN: "a-long-enough-token" });
    expect(settings.scheduleBackend).toBe("eventbridge-rules");
    expect(settings.apiToken).toBe("a-long-enough-token");
  });

  it.each([
    [
      { SYNCRON_SCHEDULE_BACKEND: "eventbridge-scheduler" },
      /SYNCRON_SCHEDULE_BACKEND="eventbridge-scheduler" is refused: stage team's settings live in infra\/stages\/team.json, which says "eventbridge-rules"/,
    ],
    [{ SYNCRON_JWT_ISSUER: "https://other.example.com/" }, /SYNCRON_JWT_ISSUER=.* is refused/],
    [
      { SYNCRON_WORKER_MEMORY_MB: "2048" },
      /SYNCRON_WORKER_MEMORY_MB="2048" is refused: .*which does not set it/,
    ],
  ])(
    "refuses %o, which would change the deployed stage, naming the file and the way to ask",
    (env, message) => {
      expect(() => deploy(env)).toThrow(InfraConfigError);
      expect(() => deploy(env)).toThrow(message);
      expect(() => deploy(env)).toThrow(/SYNCRON_ALLOW_SETTINGS_CHANGE=1/);
    },
  );

  it("with SYNCRON_ALLOW_SETTINGS_CHANGE=1 the environment wins, for this deploy", () => {
    const settings = deploy({
      SYNCRON_SCHEDULE_BACKEND: "eventbridge-scheduler",
      SYNCRON_ALLOW_SETTINGS_CHANGE: "1",
    });
    expect(settings.scheduleBackend).toBe("eventbridge-scheduler");
    expect(settings.auth.kind).toBe("jwt");
  });

  it("refuses a token in the file, and names a setting it does not know", () => {
    expect(() => deploy({}, { SYNCRON_API_TOKEN: "a-long-enough-token" })).toThrow(
      /infra\/stages\/team.json: settings.SYNCRON_API_TOKEN is not allowed: it is a secret/,
    );
    expect(() => deploy({}, { SYNCRON_SCHEDULE: "x" })).toThrow(
      /settings.SYNCRON_SCHEDULE is not allowed: expected one of/,
    );
  });

  it("validates the file's values like the environment's", () => {
    expect(() => deploy({}, { SYNCRON_MAX_CONCURRENCY: "1" })).toThrow(
      /^SYNCRON_MAX_CONCURRENCY="1" is invalid/,
    );
  });

  it.each(["prod", "production"])("refuses to deploy %s without a settings file", (stage) => {
    expect(() => read({}, stage)).toThrow(
      new RegExp(
        `stage ${stage} is a production stage and has no settings file: create infra/stages/${stage}.json`,
      ),
    );
  });
});
