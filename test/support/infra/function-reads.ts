import { join } from "node:path";
import { build } from "esbuild";
import { ENV } from "../../../lib/env.ts";
import { actionsOfCall } from "./iam-actions.ts";

/**
 * What a Lambda handler's code really uses, read from its esbuild bundle (tree-shaken, the AWS SDK
 * kept external as in the deployed bundle): the `SYNCRON_*` variables it reads and the AWS SDK
 * commands it constructs, each with the IAM actions behind it.
 */
export interface FunctionReads {
  /** `SYNCRON_*` names read through {@link ENV} or literally. */
  env: string[];
  /** `service:Command` of every SDK command (or lib-storage Upload) the bundle constructs. */
  calls: string[];
  /** IAM actions those calls need. */
  actions: string[];
}

/** IAM prefix of each SDK package the code imports commands from. */
const SERVICE_OF_PACKAGE: Record<string, string> = {
  "@aws-sdk/client-dynamodb": "dynamodb",
  "@aws-sdk/lib-dynamodb": "dynamodb",
  "@aws-sdk/client-sqs": "sqs",
  "@aws-sdk/client-scheduler": "scheduler",
  "@aws-sdk/client-eventbridge": "events",
  "@aws-sdk/client-s3": "s3",
  "@aws-sdk/lib-storage": "s3",
  "@aws-sdk/client-ssm": "ssm",
  "@aws-sdk/client-lambda": "lambda",
  "@aws-sdk/client-secrets-manager": "secretsmanager",
};

export async function functionReads(repo: string, entry: string): Promise<FunctionReads> {
  const result = await build({
    entryPoints: [join(repo, entry)],
    bundle: true,
    format: "esm",
    platform: "node",
    write: false,
    external: ["@aws-sdk/*"],
    logLevel: "silent",
  });
  const text = result.outputFiles[0]?.text ?? "";
  const names = Object.values(ENV) as string[];
  const env = new Set<string>();
  for (const [, key] of text.matchAll(/\bENV\d*\.(\w+)/g)) {
    const name = (ENV as Record<string, string>)[key ?? ""];
    if (name) env.add(name);
  }
  for (const [, name] of text.matchAll(/\benv(?:\.|\[")(SYNCRON_\w+)/g)) if (name) env.add(name);
  // local name (after esbuild's renames) → service:Command
  const imported = new Map<string, string>();
  for (const [, list = "", pkg = ""] of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*"(@aws-sdk\/[^"]+)"/g)) {
    const service = SERVICE_OF_PACKAGE[pkg];
    if (!service) {
      if (/Command\b|\bUpload\b/.test(list))
        throw new Error(`${entry} imports commands from ${pkg}: add its IAM prefix to SERVICE_OF_PACKAGE`);
      continue;
    }
    for (const item of list.split(",")) {
      const [name, local = name] = item.trim().split(/\s+as\s+/);
      if (name && local && (name.endsWith("Command") || name === "Upload"))
        imported.set(local, `${service}:${name.replace(/Command$/, "")}`);
    }
  }
  const calls = new Set<string>();
  for (const [, local] of text.matchAll(/new (\w+)\(/g)) {
    const call = imported.get(local ?? "");
    if (call) calls.add(call);
  }
  const actions = new Set([...calls].flatMap(actionsOfCall));
  return {
    env: [...env].filter((name) => names.includes(name) || name.startsWith("SYNCRON_")).sort(),
    calls: [...calls].sort(),
    actions: [...actions].sort(),
  };
}
