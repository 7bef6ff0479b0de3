import {
  DeleteRuleCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  type PutRuleCommandInput,
  PutTargetsCommand,
  RemoveTargetsCommand,
  ResourceNotFoundException,
  type Target,
} from "@aws-sdk/client-eventbridge";
import { mockClient } from "aws-sdk-client-mock";

const MUTATING = new Set([
  "PutRuleCommand",
  "PutTargetsCommand",
  "RemoveTargetsCommand",
  "DeleteRuleCommand",
]);

interface StoredRule {
  rule: PutRuleCommandInput;
  targets: Map<string, Target>;
}

/**
 * Test double for EventBridge rules on the default bus: aws-sdk-client-mock over an in-memory store
 * that keeps AWS's constraints (a rule with targets cannot be deleted; targets need their rule; paged
 * ListRules by name prefix). `mock` records every request for exact-shape assertions.
 */
export function fakeRulesApi(options: { pageSize?: number } = {}) {
  const pageSize = options.pageSize ?? 100;
  const client = new EventBridgeClient({
    region: "us-east-1",
    credentials: { accessKeyId: "x", secretAccessKey: "x" },
  });
  const mock = mockClient(client);
  const rules = new Map<string, StoredRule>();
  const notFound = (name?: string) =>
    new ResourceNotFoundException({ message: `Rule ${name} does not exist.`, $metadata: {} });
  const existing = (name?: string): StoredRule => {
    const stored = rules.get(name ?? "");
    if (!stored) throw notFound(name);
    return stored;
  };
  const shown = ({ rule }: StoredRule) => ({
    Name: rule.Name,
    Arn: `arn:aws:events:us-east-1:1:rule/${rule.Name}`,
    ScheduleExpression: rule.ScheduleExpression,
    State: rule.State ?? "ENABLED",
    Description: rule.Description,
    EventBusName: "default",
  });

  mock.on(PutRuleCommand).callsFake((input: PutRuleCommandInput) => {
    const stored = rules.get(input.Name ?? "");
    rules.set(input.Name ?? "", { rule: { ...input }, targets: stored?.targets ?? new Map() });
    return { RuleArn: `arn:aws:events:us-east-1:1:rule/${input.Name}` };
  });
  mock.on(DescribeRuleCommand).callsFake((input: { Name?: string }) => ({ ...shown(existing(input.Name)) }));
  mock.on(DeleteRuleCommand).callsFake((input: { Name?: string }) => {
    const stored = rules.get(input.Name ?? "");
    if (stored && stored.targets.size > 0) {
      throw Object.assign(new Error("Rule can't be deleted since it has targets."), {
        name: "ValidationException",
      });
    }
    rules.delete(input.Name ?? "");
    return {};
  });
  mock.on(PutTargetsCommand).callsFake((input: { Rule?: string; Targets?: Target[] }) => {
    const stored = existing(input.Rule);
    for (const target of input.Targets ?? []) stored.targets.set(target.Id ?? "", structuredClone(target));
    return { FailedEntryCount: 0, FailedEntries: [] };
  });
  mock.on(ListTargetsByRuleCommand).callsFake((input: { Rule?: string }) => ({
    Targets: [...existing(input.Rule).targets.values()].map((target) => structuredClone(target)),
  }));
  mock.on(RemoveTargetsCommand).callsFake((input: { Rule?: string; Ids?: string[] }) => {
    const stored = existing(input.Rule);
    for (const id of input.Ids ?? []) stored.targets.delete(id);
    return { FailedEntryCount: 0, FailedEntries: [] };
  });
  mock
    .on(ListRulesCommand)
    .callsFake((input: { NamePrefix?: string; NextToken?: string; Limit?: number }) => {
      const names = [...rules.keys()].filter((name) => name.startsWith(input.NamePrefix ?? "")).sort();
      const start = Number(input.NextToken ?? 0);
      const size = Math.min(input.Limit ?? pageSize, pageSize);
      return {
        Rules: names.slice(start, start + size).map((name) => shown(rules.get(name)!)),
        ...(start + size < names.length ? { NextToken: String(start + size) } : {}),
      };
    });

  return {
    client,
    mock,
    rules,
    /** PutRule/PutTargets/RemoveTargets/DeleteRule requests made so far. */
    mutations: () => mock.calls().filter((call) => MUTATING.has(call.args[0].constructor.name)).length,
  };
}
