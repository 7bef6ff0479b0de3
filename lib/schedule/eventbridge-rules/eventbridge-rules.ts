import {
  DeleteRuleCommand,
  DescribeRuleCommand,
  type DescribeRuleCommandOutput,
  type EventBridgeClient,
  ListRulesCommand,
  type ListRulesCommandOutput,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  type Target,
} from "@aws-sdk/client-eventbridge";
import { mapLimit } from "../../util/map-limit.ts";
import { awsErrorName, toSchedulerError } from "../aws-errors.ts";
import { type RetryPolicy, SCHEDULE_RETRY_POLICY } from "../delivery.ts";
import { SchedulerError, ScheduleValidationError } from "../errors.ts";
import { configIdOf, DEFAULT_NAME_PREFIX, scheduleNames } from "../names.ts";
import { scheduleInput } from "../schedule-input.ts";
import {
  combine,
  type ScheduleInfo,
  type Scheduler,
  type ScheduleSpec,
  type UpsertResult,
} from "../scheduler.ts";
import { canonicalJson, describeSchedule, validateSpec } from "../validate.ts";

export interface EventBridgeRulesOptions {
  client: EventBridgeClient;
  /** The sync queue; its resource policy must let events.amazonaws.com send (rules take no role for SQS). */
  queueArn: string;
  namePrefix?: string;
  /** Default SCHEDULE_RETRY_POLICY. */
  retryPolicy?: RetryPolicy;
  /** Where EventBridge puts fires it could not deliver (its queue policy must let events.amazonaws.com send). */
  deadLetterArn?: string;
}

/** The one target of every syncron rule. */
export const TARGET_ID = "syncron-queue";
/** Zones that are UTC all year; scheduled rules know no other. */
const UTC_ZONES = new Set(["UTC", "Etc/UTC", "Etc/GMT", "GMT"]);

interface RuleState {
  rule: DescribeRuleCommandOutput;
  targets: Target[];
}

/**
 * The fallback AWS backend on EventBridge scheduled rules (default bus), for accounts without
 * EventBridge Scheduler. Rules run in UTC only, so `check` refuses any other zone. Rules cannot fill
 * in a scheduled time: an input transformer copies the event's `time` (the minute the rule fired
 * for) into `scheduled_time`, which the worker uses exactly as it uses Scheduler's.
 */
export function createEventBridgeRulesScheduler(options: EventBridgeRulesOptions): Scheduler {
  const { client, queueArn } = options;
  const prefix = options.namePrefix ?? DEFAULT_NAME_PREFIX;

  const validate = (spec: ScheduleSpec) => {
    const valid = validateSpec(spec, prefix);
    if (!UTC_ZONES.has(spec.timezone)) {
      throw new ScheduleValidationError(
        `timezone ${JSON.stringify(spec.timezone)} is not supported by the eventbridge-rules backend, whose rules run in UTC only: use "UTC" or the eventbridge-scheduler backend.`,
        "timezone",
      );
    }
    return valid;
  };

  const target = (configId: string): Target => ({
    Id: TARGET_ID,
    Arn: queueArn,
    InputTransformer: { InputPathsMap: { time: "$.time" }, InputTemplate: scheduleInput(configId, "<time>") },
    RetryPolicy: options.retryPolicy ?? SCHEDULE_RETRY_POLICY,
    ...(options.deadLetterArn ? { DeadLetterConfig: { Arn: options.deadLetterArn } } : {}),
  });

  const call = async <T>(action: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw toSchedulerError(action, error);
    }
  };

  const read = async (name: string): Promise<RuleState | undefined> => {
    try {
      const rule = await client.send(new DescribeRuleCommand({ Name: name }));
      const { Targets = [] } = await client.send(new ListTargetsByRuleCommand({ Rule: name }));
      return { rule, targets: Targets };
    } catch (error) {
      if (awsErrorName(error) === "ResourceNotFoundException") return undefined;
      throw toSchedulerError(`DescribeRule ${name}`, error);
    }
  };

  const putTargets = async (name: string, configId: string) => {
    const output = await call(`PutTargets ${name}`, () =>
      client.send(new PutTargetsCommand({ Rule: name, Targets: [target(configId)] })),
    );
    const failed = output.FailedEntries?.[0];
    if (failed)
      throw new SchedulerError(`PutTargets ${name} failed: ${failed.ErrorCode} ${failed.ErrorMessage}`);
  };

  const removeTargets = async (name: string, ids: string[]) => {
    const output = await call(`RemoveTargets ${name}`, () =>
      client.send(new RemoveTargetsCommand({ Rule: name, Ids: ids })),
    );
    const failed = output.FailedEntries?.[0];
    if (failed)
      throw new SchedulerError(`RemoveTargets ${name} failed: ${failed.ErrorCode} ${failed.ErrorMessage}`);
  };

  /** Targets first: a rule that still has targets cannot be deleted. False when there was no rule. */
  const removeRule = async (name: string): Promise<boolean> => {
    let ids: string[];
    try {
      const { Targets = [] } = await client.send(new ListTargetsByRuleCommand({ Rule: name }));
      ids = Targets.flatMap((t) => (t.Id ? [t.Id] : []));
    } catch (error) {
      if (awsErrorName(error) === "ResourceNotFoundException") return false;
      throw toSchedulerError(`ListTargetsByRule ${name}`, error);
    }
    if (ids.length > 0) await removeTargets(name, ids);
    await call(`DeleteRule ${name}`, () => client.send(new DeleteRuleCommand({ Name: name })));
    return true;
  };

  const info = (
    configId: string,
    rule: {
      Name?: string | undefined;
      ScheduleExpression?: string | undefined;
      State?: string | undefined;
      Description?: string | undefined;
    },
    targets: readonly Target[],
  ) =>
    ({
      config_id: configId,
      name: rule.Name ?? "",
      expression: rule.ScheduleExpression ?? "",
      timezone: "UTC",
      state: rule.State === "DISABLED" ? "DISABLED" : "ENABLED",
      // The description and every target: a removed, changed or added target is drift.
      definition: JSON.stringify([rule.Description ?? "", targets.map(targetKey).sort()]),
    }) satisfies ScheduleInfo;

  return {
    backend: "eventbridge-rules",

    check(spec) {
      validate(spec);
    },

    plan(spec) {
      const { names, expressions } = validate(spec);
      const state = spec.enabled ? "ENABLED" : "DISABLED";
      const description = describeSchedule(spec);
      return expressions.map((expression, i) =>
        info(
          spec.config_id,
          { Name: names[i], ScheduleExpression: expression, State: state, Description: description },
          [target(spec.config_id)],
        ),
      );
    },

    async upsert(spec): Promise<UpsertResult> {
      const { names, expressions } = validate(spec);
      const current = await Promise.all(names.map(read));
      const wantedTarget = target(spec.config_id);
      const outcomes: UpsertResult[] = [];
      for (const [i, name] of names.entries()) {
        const expression = expressions[i];
        const existing = current[i];
        if (expression === undefined) {
          if (existing) outcomes.push((await removeRule(name)) ? "updated" : "unchanged");
          continue;
        }
        const rule = {
          Name: name,
          ScheduleExpression: expression,
          State: spec.enabled ? ("ENABLED" as const) : ("DISABLED" as const),
          Description: describeSchedule(spec),
        };
        const ruleDiffers =
          !existing ||
          existing.rule.ScheduleExpression !== rule.ScheduleExpression ||
          existing.rule.State !== rule.State ||
          (existing.rule.Description ?? "") !== rule.Description;
        const others = (existing?.targets ?? []).filter((t) => t.Id !== TARGET_ID);
        const targetDiffers = !existing?.targets.some((t) => targetKey(t) === targetKey(wantedTarget));
        if (ruleDiffers) await call(`PutRule ${name}`, () => client.send(new PutRuleCommand(rule)));
        if (targetDiffers) await putTargets(name, spec.config_id);
        // Only syncron's target belongs on syncron's rule.
        if (others.length > 0)
          await removeTargets(
            name,
            others.flatMap((t) => (t.Id ? [t.Id] : [])),
          );
        const changed = ruleDiffers || targetDiffers || others.length > 0;
        outcomes.push(!existing ? "created" : changed ? "updated" : "unchanged");
      }
      return combine(outcomes);
    },

    async remove(configId) {
      let names: string[];
      try {
        names = scheduleNames(configId, prefix);
      } catch {
        return false; // an id that cannot name a rule has none
      }
      const removed = await Promise.all(names.map(removeRule));
      return removed.some(Boolean);
    },

    async list() {
      const rules: { configId: string; rule: NonNullable<ListRulesCommandOutput["Rules"]>[number] }[] = [];
      let nextToken: string | undefined;
      do {
        const page: ListRulesCommandOutput = await call("ListRules", () =>
          client.send(
            new ListRulesCommand({
              NamePrefix: prefix,
              Limit: 100,
              ...(nextToken ? { NextToken: nextToken } : {}),
            }),
          ),
        );
        for (const rule of page.Rules ?? []) {
          const configId = rule.Name ? configIdOf(rule.Name, prefix) : undefined;
          if (configId && rule.ScheduleExpression) rules.push({ configId, rule });
        }
        nextToken = page.NextToken;
      } while (nextToken);
      // ListRules shows no targets: read each rule's, so a removed or changed target is drift too.
      const infos = await mapLimit(rules, 8, async ({ configId, rule }) => {
        try {
          const { Targets = [] } = await client.send(new ListTargetsByRuleCommand({ Rule: rule.Name }));
          return info(configId, rule, Targets);
        } catch (error) {
          if (awsErrorName(error) === "ResourceNotFoundException") return undefined; // deleted meanwhile
          throw toSchedulerError(`ListTargetsByRule ${rule.Name}`, error);
        }
      });
      return infos.filter((i) => i !== undefined);
    },
  };
}

/** One target as a comparable string: id, queue, input transformer, retry policy, dead-letter queue. */
function targetKey(target: Target): string {
  return JSON.stringify([
    target.Id ?? "",
    target.Arn ?? "",
    target.RoleArn ?? "",
    canonicalJson(target.Input),
    canonicalJson(target.InputTransformer?.InputTemplate),
    Object.entries(target.InputTransformer?.InputPathsMap ?? {}).sort(),
    target.RetryPolicy?.MaximumEventAgeInSeconds ?? null,
    target.RetryPolicy?.MaximumRetryAttempts ?? null,
    target.DeadLetterConfig?.Arn ?? "",
  ]);
}
