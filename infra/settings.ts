import { z } from "zod";
import { assertTimezone } from "../lib/cron/timezone.ts";
import { ENV } from "../lib/env.ts";
import { MAX_RECEIVE_COUNT } from "../lib/queue/redrive.ts";
import {
  AWS_SCHEDULER_BACKENDS,
  type AwsSchedulerBackend,
  DEFAULT_AWS_SCHEDULER_BACKEND,
} from "../lib/schedule/scheduler.ts";
import type { StageFile } from "./stage-file.ts";
import { isProductionStage } from "./stages.ts";

/**
 * Deploy-time settings, from the stage's file (`infra/stages/<stage>.json`, stage-file.ts) and the
 * environment of `sst deploy` / `sst dev` (not from the Lambda environment). Names shared with the
 * functions' variables reuse {@link ENV}.
 */
export const DEPLOY_ENV = {
  scheduleBackend: ENV.scheduleBackend,
  workerTimeoutS: ENV.workerTimeoutS,
  apiToken: ENV.apiToken,
  defaultTimezone: ENV.defaultTimezone,
  fanoutEntries: ENV.fanoutEntries,
  workerMemoryMb: "SYNCRON_WORKER_MEMORY_MB",
  maxConcurrency: "SYNCRON_MAX_CONCURRENCY",
  jwtIssuer: "SYNCRON_JWT_ISSUER",
  jwtAudience: "SYNCRON_JWT_AUDIENCE",
  alarmEmail: "SYNCRON_ALARM_EMAIL",
  s3Buckets: "SYNCRON_S3_BUCKETS",
} as const;

/** Set to 1 to deploy a setting that differs from the stage's file (a one-off; edit the file to keep it). */
export const ALLOW_SETTINGS_CHANGE_ENV = "SYNCRON_ALLOW_SETTINGS_CHANGE";

/** Settings that may sit in a stage file: all but the secret. */
const FILE_SETTINGS: readonly string[] = Object.values(DEPLOY_ENV).filter(
  (name) => name !== DEPLOY_ENV.apiToken,
);

/** How API Gateway authenticates callers. `none` exists only for `sst dev`. */
export type ApiAuth =
  | { kind: "iam" }
  | { kind: "jwt"; issuer: string; audiences: string[] }
  | { kind: "none" };

export interface DeploySettings {
  stage: string;
  production: boolean;
  scheduleBackend: AwsSchedulerBackend;
  worker: { timeoutS: number; memoryMb: number; maxConcurrency: number };
  /** SQS visibility timeout: 6× the worker timeout, as AWS advises for Lambda event sources. */
  queueVisibilityTimeoutS: number;
  /** Receives before a message moves to the dead-letter queue. */
  maxReceiveCount: number;
  auth: ApiAuth;
  apiToken?: string;
  /** The time zone of new configs that name none, set on the API function; unset: UTC. */
  defaultTimezone?: string;
  /** Entries a run lists before it fans out across workers, set on the worker; unset (or 0): never. */
  fanoutEntries?: number;
  alarmEmail?: string;
  /** AWS S3 buckets the worker may read and write with its role; none by default. */
  s3Buckets: string[];
}

export class InfraConfigError extends Error {
  override name = "InfraConfigError";
}

/** Lambda's ceiling is 900 s; SQS's visibility ceiling (43 200 s) is far above 6 × 900. */
const intIn = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const schema = z.object({
  [DEPLOY_ENV.scheduleBackend]: z.enum(AWS_SCHEDULER_BACKENDS).default(DEFAULT_AWS_SCHEDULER_BACKEND),
  [DEPLOY_ENV.workerTimeoutS]: intIn(10, 900, 900),
  [DEPLOY_ENV.workerMemoryMb]: intIn(128, 10_240, 1024),
  // SQS event sources accept a maximum concurrency of 2 to 1000.
  [DEPLOY_ENV.maxConcurrency]: intIn(2, 1000, 5),
  [DEPLOY_ENV.jwtIssuer]: z.url({ protocol: /^https$/ }).optional(),
  [DEPLOY_ENV.jwtAudience]: z.string().min(1).optional(),
  [DEPLOY_ENV.apiToken]: z.string().min(16).optional(),
  [DEPLOY_ENV.defaultTimezone]: z
    .string()
    .refine((zone) => {
      try {
        assertTimezone(zone);
        return true;
      } catch {
        return false;
      }
    }, "expected an IANA time zone such as Asia/Shanghai or UTC")
    .optional(),
  [DEPLOY_ENV.fanoutEntries]: z.coerce.number().int().min(0).optional(),
  [DEPLOY_ENV.alarmEmail]: z.email().optional(),
  // Comma-separated bucket names (S3's naming rules, no ARNs, no wildcards).
  [DEPLOY_ENV.s3Buckets]: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\s*,\s*[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])*$/,
      "expected bucket names separated by commas",
    )
    .optional(),
});

/**
 * A stage's deploy settings: its file's `settings` (`file`, when it has one), and the environment for
 * what the file does not hold. A stage with a file deploys the same from any shell: a variable in the
 * environment that differs from the file (say another auth or schedule backend) is refused unless
 * SYNCRON_ALLOW_SETTINGS_CHANGE=1. A production stage must have a file. `dev` is true under `sst dev`
 * (SST's `$dev`): only then, and never for a production stage, is the API left without IAM or JWT
 * auth. Throws InfraConfigError naming the variable (and the file) and its bad value; empty strings
 * count as unset.
 */
export function readDeploySettings(input: {
  stage: string;
  dev: boolean;
  env: Record<string, string | undefined>;
  file?: StageFile | undefined;
}): DeploySettings {
  // sst dev runs the handlers on a laptop against the stage's real table, queues and schedules.
  if (input.dev && isProductionStage(input.stage)) {
    throw new InfraConfigError(
      `sst dev --stage ${input.stage} is refused: ${input.stage} is a production stage; use a personal stage (plain \`sst dev\`).`,
    );
  }
  // "." separates a stage's rule prefix from rule names (rulePrefixOf): no stage may contain one.
  if (!/^[A-Za-z0-9_-]+$/.test(input.stage)) {
    throw new InfraConfigError(
      `stage ${JSON.stringify(input.stage)} is invalid: use letters, digits, "-" and "_" only.`,
    );
  }
  const env = { ...stageFileSettings(input), ...setVariables(input.env) };
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0]);
    const shown = name === DEPLOY_ENV.apiToken ? "(hidden)" : JSON.stringify(env[name]);
    throw new InfraConfigError(`${name}=${shown} is invalid: ${issue?.message}.`);
  }
  const v = parsed.data;
  const issuer = v[DEPLOY_ENV.jwtIssuer];
  const audience = v[DEPLOY_ENV.jwtAudience];
  if ((issuer === undefined) !== (audience === undefined)) {
    throw new InfraConfigError(
      `${DEPLOY_ENV.jwtIssuer} and ${DEPLOY_ENV.jwtAudience} must be set together; only ${issuer ? DEPLOY_ENV.jwtIssuer : DEPLOY_ENV.jwtAudience} is set.`,
    );
  }
  const auth: ApiAuth =
    issuer && audience
      ? {
          kind: "jwt",
          issuer,
          audiences: audience
            .split(",")
            .map((a) => a.trim())
            .filter(Boolean),
        }
      : input.dev && !isProductionStage(input.stage)
        ? { kind: "none" }
        : { kind: "iam" };
  const timeoutS = v[DEPLOY_ENV.workerTimeoutS];
  const apiToken = v[DEPLOY_ENV.apiToken];
  const alarmEmail = v[DEPLOY_ENV.alarmEmail];
  const defaultTimezone = v[DEPLOY_ENV.defaultTimezone];
  const fanoutEntries = v[DEPLOY_ENV.fanoutEntries];
  return {
    stage: input.stage,
    production: isProductionStage(input.stage),
    scheduleBackend: v[DEPLOY_ENV.scheduleBackend],
    worker: {
      timeoutS,
      memoryMb: v[DEPLOY_ENV.workerMemoryMb],
      maxConcurrency: v[DEPLOY_ENV.maxConcurrency],
    },
    queueVisibilityTimeoutS: 6 * timeoutS,
    maxReceiveCount: MAX_RECEIVE_COUNT,
    auth,
    ...(apiToken === undefined ? {} : { apiToken }),
    ...(defaultTimezone === undefined ? {} : { defaultTimezone }),
    ...(fanoutEntries ? { fanoutEntries } : {}),
    ...(alarmEmail === undefined ? {} : { alarmEmail }),
    s3Buckets: (v[DEPLOY_ENV.s3Buckets] ?? "")
      .split(",")
      .map((b) => b.trim())
      .filter(Boolean),
  };
}

/** The deploy variables set (non-empty) in an environment, trimmed. */
const setVariables = (env: Record<string, string | undefined>): Record<string, string> =>
  Object.fromEntries(
    Object.values(DEPLOY_ENV).flatMap((name) => {
      const value = env[name]?.trim();
      return value ? [[name, value]] : [];
    }),
  );

/** The file's settings, after refusing what it may not hold and what the environment contradicts. */
function stageFileSettings(input: {
  stage: string;
  dev: boolean;
  env: Record<string, string | undefined>;
  file?: StageFile | undefined;
}): Record<string, string> {
  const { file, stage } = input;
  if (!file) {
    if (isProductionStage(stage) && !input.dev) {
      throw new InfraConfigError(
        `stage ${stage} is a production stage and has no settings file: create infra/stages/${stage}.json ({ "region": "…", "settings": { … } }, see README "Deploy to AWS") and commit it.`,
      );
    }
    return {};
  }
  const fromFile = setVariables(file.settings);
  for (const name of Object.keys(file.settings)) {
    if (!FILE_SETTINGS.includes(name)) {
      const why =
        name === DEPLOY_ENV.apiToken
          ? "it is a secret: keep it out of the repository and set it in the environment"
          : `expected one of ${FILE_SETTINGS.join(", ")}`;
      throw new InfraConfigError(`${file.path}: settings.${name} is not allowed: ${why}.`);
    }
  }
  if (input.env[ALLOW_SETTINGS_CHANGE_ENV] === "1") return fromFile;
  for (const [name, value] of Object.entries(setVariables(input.env))) {
    if (name === DEPLOY_ENV.apiToken || fromFile[name] === value) continue;
    const shown = fromFile[name] === undefined ? "does not set it" : `says ${JSON.stringify(fromFile[name])}`;
    throw new InfraConfigError(
      `${name}=${JSON.stringify(value)} is refused: stage ${stage}'s settings live in ${file.path}, which ${shown}. Edit the file (and commit it), or set ${ALLOW_SETTINGS_CHANGE_ENV}=1 to deploy this value once.`,
    );
  }
  return fromFile;
}
