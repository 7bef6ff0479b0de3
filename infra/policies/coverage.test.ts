import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { actionsOfCall } from "../../test/support/infra/iam-actions.ts";
import { TABLE_INDEX_NAMES } from "../table.ts";
import { type ApiPolicyInput, apiPolicy } from "./api.ts";
import type { PolicyDocument } from "./document.ts";
import { workerPolicy } from "./worker.ts";

/**
 * The policies must allow every AWS call the deployed code makes: this reads the SDK commands the
 * adapters construct (`new XCommand(`) and maps each to its IAM action. A new call without a
 * policy change fails here instead of with AccessDenied in production.
 */
const root = join(import.meta.dirname, "..", "..");

/** Commands constructed in the non-test .ts files of a folder, minus local-only files. */
function commandsIn(folder: string, exclude: readonly string[] = []): string[] {
  const files = readdirSync(join(root, folder)).filter(
    (f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !f.startsWith("fake-") && !exclude.includes(f),
  );
  const names = files.flatMap((f) =>
    [...readFileSync(join(root, folder, f), "utf8").matchAll(/new (\w+)Command\(|new (Upload)\(/g)].map(
      (m) => m[1] ?? m[2] ?? "",
    ),
  );
  return [...new Set(names)].sort();
}

/** The IAM actions of `service`'s commands (test/support/infra/iam-actions.ts), this service's only. */
const actions = (service: string, commands: string[]) =>
  commands.flatMap((c) => actionsOfCall(`${service}:${c}`)).filter((a) => a.startsWith(`${service}:`));
const allowed = (document: PolicyDocument) => new Set(document.Statement.flatMap((s) => s.Action));

const account = { partition: "aws", region: "eu-west-1", accountId: "123456789012" };
const apiInput = (backend: ApiPolicyInput["backend"]): ApiPolicyInput => ({
  account,
  backend,
  tableArn: "arn:aws:dynamodb:eu-west-1:123456789012:table/t",
  indexNames: TABLE_INDEX_NAMES,
  queueArn: "arn:aws:sqs:eu-west-1:123456789012:q",
  dlqArn: "arn:aws:sqs:eu-west-1:123456789012:dlq",
  scheduleGroup: "syncron-ci",
  schedulerRoleArn: "arn:aws:iam::123456789012:role/r",
  drivesParametersArn: "arn:aws:ssm:eu-west-1:123456789012:parameter/syncron/ci/drives/*",
  reportsBucket: "syncron-ci-reports",
});
const worker = workerPolicy({
  partition: "aws",
  tableArn: "arn:aws:dynamodb:eu-west-1:123456789012:table/t",
  indexNames: TABLE_INDEX_NAMES,
  queueArn: "arn:aws:sqs:eu-west-1:123456789012:q",
  s3Buckets: ["b"],
  drivesParametersArn: "arn:aws:ssm:eu-west-1:123456789012:parameter/syncron/ci/drives/*",
  reportsBucket: "syncron-ci-reports",
});

describe("policies cover the code's AWS calls", () => {
  // table.ts and table-indexes.ts create and upgrade the table for the emulators only; on AWS infra owns it.
  const store = actions("dynamodb", commandsIn("lib/store", ["table.ts", "table-indexes.ts"]));

  it("finds the store's and adapters' commands (the scan itself works)", () => {
    expect(store).toContain("dynamodb:PutItem");
    expect(commandsIn("lib/schedule/eventbridge-scheduler")).toContain("CreateSchedule");
    expect(commandsIn("lib/schedule/eventbridge-rules")).toContain("PutRule");
  });

  it("the store's item actions are exactly what API and worker may do on the table", () => {
    const table = (document: PolicyDocument) => document.Statement.find((s) => s.Sid === "TableData")?.Action;
    expect([...store].sort()).toEqual(
      [...(table(apiPolicy(apiInput("eventbridge-scheduler"))) ?? [])].sort(),
    );
    expect([...store].sort()).toEqual([...(table(worker) ?? [])].sort());
  });

  it("the API may call everything the queue producer calls", () => {
    const producer = actions("sqs", commandsIn("lib/queue"));
    expect(producer.length).toBeGreaterThan(0);
    for (const action of producer)
      expect(allowed(apiPolicy(apiInput("eventbridge-scheduler")))).toContain(action);
  });

  it.each([
    ["eventbridge-scheduler", "lib/schedule/eventbridge-scheduler", "scheduler"],
    ["eventbridge-rules", "lib/schedule/eventbridge-rules", "events"],
  ] as const)(
    "the API may make every %s call, and no other call of that service",
    (backend, folder, service) => {
      const used = actions(service, commandsIn(folder)).sort();
      const granted = [...allowed(apiPolicy(apiInput(backend)))]
        .filter((a) => a.startsWith(`${service}:`))
        .sort();
      expect(granted).toEqual(used);
    },
  );

  it("the API may make every SSM call of the secret store, the worker only its reads", () => {
    // Powertools Parameters sends GetParameter (get) and PutParameter (set); the adapter itself DeleteParameter.
    const used = [...actions("ssm", commandsIn("lib/secrets/ssm")), "ssm:GetParameter", "ssm:PutParameter"];
    expect(used).toContain("ssm:DeleteParameter");
    for (const action of used)
      expect(allowed(apiPolicy(apiInput("eventbridge-scheduler")))).toContain(action);
    expect([...allowed(worker)].filter((a) => a.startsWith("ssm:"))).toEqual([
      "ssm:GetParameter",
      "ssm:GetParameters",
    ]);
  });

  it("the worker may make every S3 call of the S3 drive on the configured buckets", () => {
    const used = commandsIn("lib/drives/s3");
    expect(used).toContain("ListObjectsV2");
    for (const command of used)
      for (const action of actionsOfCall(`s3:${command}`))
        expect(allowed(worker), `S3 ${command} needs ${action}`).toContain(action);
  });
});
