/**
 * Evaluates `sst.config.ts` + `infra/` offline, the way the SST CLI does, under Pulumi's mock
 * runtime: no AWS, no Pulumi engine. Run as a child process (Pulumi's runtime is process-global):
 *
 *     node --import tsx test/support/infra/sst-eval.ts '<scenario json>'
 *
 * What SST's CLI does (pkg/project/project.go, pkg/project/stack.go, pkg/js/js.go of sst/sst):
 * 1. builds `sst.config.ts` with `function $config(input) { return input }` as banner and calls
 *    `app({ stage })`;
 * 2. bundles `run()` with esbuild: `$app`, `$cli`, `$dev` are `define`d, `platform/src/shim/run.js`
 *    is injected (the `$resolve`, `$interpolate`, … globals), every file outside `.sst` gets
 *    `import * as aws from "@pulumi/aws"; import * as sst from "<platform>/src/components"`
 *    prepended, `@pulumi/*` and `@aws-sdk/*` stay external (resolved from `.sst/platform/node_modules`);
 * 3. runs the bundle as a Pulumi program; SST components call back into the CLI over JSON-RPC at
 *    `SST_SERVER` (`Runtime.Build` bundles a function, `Provider.Aws.Bootstrap` names the asset
 *    bucket, `Provider.Aws.Appsync` and `Runtime.AddTarget` serve `sst dev`).
 *
 * Here step 3 runs under `runtime.setMocks` and this process answers the RPC: `Runtime.Build`
 * really bundles the handler with esbuild (a missing handler fails the check). Prints one line,
 * `~j` + JSON of {@link EvalResult}.
 */
import { rmSync } from "node:fs";
import { mkdir, readFile, rm } from "node:fs/promises";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { tempDir } from "../temp-dir.ts";

export interface EvalScenario {
  stage: string;
  /** `sst dev` (true) or `sst deploy` (false). */
  dev: boolean;
  /** The environment of the `sst` command (SYNCRON_* deploy settings). */
  env: Record<string, string>;
}

/** One resource the program registered: Pulumi type, logical name, inputs after secrets are unwrapped. */
export interface EvalResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

export type EvalResult =
  | { ok: true; app: Record<string, unknown>; resources: EvalResource[]; outputs: Record<string, unknown> }
  | { ok: false; error: string };

/** The part of `@pulumi/pulumi` used here (typed locally: it lives in `.sst/platform/node_modules`). */
interface PulumiRuntime {
  runtime: {
    setMocks(
      mocks: {
        newResource(args: { type: string; name: string; inputs: Record<string, unknown> }): {
          id: string;
          state: Record<string, unknown>;
        };
        call(args: { token: string; inputs: Record<string, unknown> }): Record<string, unknown>;
      },
      project: string,
      stack: string,
      preview: boolean,
    ): Promise<void>;
    runInPulumiStack(init: () => Promise<unknown>): Promise<Record<string, unknown> | undefined>;
    disconnect(): Promise<void>;
  };
}

export const REPO = resolve(import.meta.dirname, "../../..");
export const PLATFORM = join(REPO, ".sst/platform");
export const ACCOUNT_ID = "123456789012";
export const REGION = "eu-west-1";

async function evaluateApp(stage: string): Promise<Record<string, unknown>> {
  const out = join(PLATFORM, `syncron-app.${process.pid}.mjs`);
  await build({
    stdin: {
      contents: `import mod from "./sst.config.ts"; export default mod;`,
      resolveDir: REPO,
      sourcefile: "eval-app.ts",
      loader: "ts",
    },
    banner: { js: "function $config(input) { return input }" },
    bundle: true,
    format: "esm",
    platform: "node",
    outfile: out,
    logLevel: "silent",
  });
  try {
    const mod = (await import(pathToFileURL(out).href)).default;
    const app = await mod.app({ stage });
    return { removal: "retain", ...app, stage };
  } finally {
    await rm(out, { force: true });
  }
}

/** The SST CLI's JSON-RPC server, as far as syncron's components use it. */
async function startRpcServer(work: string) {
  const methods: Record<string, (args: Record<string, unknown>) => Promise<unknown>> = {
    "Provider.Aws.Bootstrap": async () => ({
      asset: "sst-asset-test",
      assetEcrRegistryId: ACCOUNT_ID,
      assetEcrUrl: `${ACCOUNT_ID}.dkr.ecr.${REGION}.amazonaws.com/sst-asset`,
      state: "sst-state-test",
      appsyncHttp: "appsync.example",
      appsyncRealtime: "appsync-rt.example",
    }),
    "Provider.Aws.Appsync": async () => ({ http: "appsync.example", realtime: "appsync-rt.example" }),
    "Runtime.AddTarget": async () => ({}),
    "Runtime.Build": async (args) => {
      const handler = String(args.handler);
      const dot = handler.lastIndexOf(".");
      const out = join(work, String(args.functionID));
      await mkdir(out, { recursive: true });
      const result = await build({
        entryPoints: [join(REPO, `${handler.slice(0, dot)}.ts`)],
        bundle: true,
        format: "esm",
        platform: "node",
        outfile: join(out, "index.mjs"),
        external: ["@aws-sdk/*"],
        logLevel: "silent",
      }).catch((error: Error) => ({ errors: [{ text: error.message }] }));
      return {
        handler: `index.${handler.slice(dot + 1)}`,
        out,
        errors: result.errors.map((e) => e.text),
        sourcemaps: [],
      };
    },
  };
  const server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    const { method, params } = JSON.parse(body) as { method: string; params: [Record<string, unknown>] };
    const fn = methods[method];
    const reply = fn
      ? await fn(params[0]).then(
          (result) => ({ result }),
          (error: Error) => ({ error: error.message }),
        )
      : { error: `rpc: can't find method ${method}` };
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(reply));
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

/** Computed outputs AWS would fill in, enough for every `.arn`/`.url`/`.name` the program reads. */
function mockState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const [, module = "x"] = type.split(":");
  const service = module.split("/")[0] ?? "x";
  const physical = typeof inputs.name === "string" ? inputs.name : `${name}-mock`;
  const arn =
    service === "sqs"
      ? `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:${physical}`
      : service === "iam"
        ? `arn:aws:iam::${ACCOUNT_ID}:role/${physical}`
        : `arn:aws:${service}:${REGION}:${ACCOUNT_ID}:${module.split("/")[1] ?? "r"}/${physical}`;
  return {
    ...inputs,
    name: physical,
    arn,
    url: service === "sqs" ? `https://sqs.${REGION}.amazonaws.com/${ACCOUNT_ID}/${physical}` : undefined,
    apiEndpoint: `https://${physical}.execute-api.${REGION}.amazonaws.com`,
    domainName: inputs.domainName ?? `${name.toLowerCase()}.cloudfront.net`,
    executionArn: `arn:aws:execute-api:${REGION}:${ACCOUNT_ID}:${physical}`,
    invokeArn: `arn:aws:apigateway:${REGION}:lambda:path/${physical}`,
    bucket: inputs.bucket ?? physical,
    base64: "AAAA",
    hex: "00",
    result: "mock",
  };
}

interface DocumentStatementInput {
  sid?: string;
  effect?: string;
  actions?: string[];
  notActions?: string[];
  resources?: string[];
  principals?: { type: string; identifiers: string[] }[];
  conditions?: { test: string; variable: string; values: string[] }[];
}

/** What `aws.iam.getPolicyDocument` renders: its statement inputs as IAM JSON. */
function policyDocumentJson(inputs: Record<string, unknown>) {
  const statements = (inputs.statements ?? []) as DocumentStatementInput[];
  return {
    Version: "2012-10-17",
    Statement: statements.map((s) => ({
      ...(s.sid ? { Sid: s.sid } : {}),
      Effect: s.effect ?? "Allow",
      ...(s.actions ? { Action: s.actions } : {}),
      ...(s.notActions ? { NotAction: s.notActions } : {}),
      ...(s.resources ? { Resource: s.resources } : {}),
      ...(s.principals
        ? { Principal: Object.fromEntries(s.principals.map((p) => [p.type, p.identifiers])) }
        : {}),
      ...(s.conditions
        ? {
            Condition: Object.fromEntries(s.conditions.map((c) => [c.test, { [c.variable]: c.values }])),
          }
        : {}),
    })),
  };
}

/** Pulumi invokes (data sources) the program makes. */
function mockCall(token: string, inputs: Record<string, unknown>): Record<string, unknown> {
  switch (token) {
    case "aws:iam/getPolicyDocument:getPolicyDocument": {
      const json = JSON.stringify(policyDocumentJson(inputs));
      return { json, minifiedJson: json, statements: inputs.statements, id: "policy" };
    }
    case "aws:index/getRegion:getRegion":
      return { name: REGION, region: REGION, id: REGION };
    case "aws:index/getPartition:getPartition":
      return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return {
        accountId: ACCOUNT_ID,
        arn: `arn:aws:iam::${ACCOUNT_ID}:user/ci`,
        userId: "ci",
        id: ACCOUNT_ID,
      };
    default:
      process.stderr.write(`unexpected invoke ${token}\n`);
      throw new Error(`unexpected invoke ${token}`);
  }
}

export async function evaluate(scenario: EvalScenario): Promise<EvalResult> {
  // The environment of the `sst` command: app() already reads it (the stage file's folder).
  for (const [key, value] of Object.entries(scenario.env)) process.env[key] = value;
  const app = await evaluateApp(scenario.stage);
  const work = await tempDir("syncron-sst-eval-");
  // This runs as its own process (no vitest hooks), and a call still in flight can make the folder
  // again after the `finally` below removed it: remove it once more as the process ends.
  process.once("exit", () => rmSync(work, { recursive: true, force: true }));
  const rpc = await startRpcServer(work);
  process.env.SST_SERVER = rpc.url;
  process.env.SST_AWS_REGION = REGION;
  const require = createRequire(join(PLATFORM, "package.json"));
  const pulumi = require("@pulumi/pulumi") as PulumiRuntime;
  const resources: EvalResource[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        resources.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: mockState(args.type, args.name, args.inputs) };
      },
      call: (args) => mockCall(args.token, args.inputs),
    },
    String(app.name),
    scenario.stage,
    false,
  );
  const cli = {
    command: scenario.dev ? "dev" : "deploy",
    dev: scenario.dev,
    paths: { home: join(work, "home"), root: REPO, work: join(REPO, ".sst"), platform: PLATFORM },
    state: { version: {} },
  };
  const outfile = join(PLATFORM, `syncron-eval.${process.pid}.mjs`);
  try {
    await build({
      stdin: {
        contents: [
          `import { run } from "${join(PLATFORM, "src/auto/run.ts")}";`,
          `import mod from "${join(REPO, "sst.config.ts")}";`,
          "export default await run(mod.run);",
        ].join("\n"),
        resolveDir: REPO,
        sourcefile: "eval.ts",
        loader: "ts",
      },
      banner: {
        js: [
          "import { createRequire as topLevelCreateRequire } from 'module';",
          "const require = topLevelCreateRequire(import.meta.url);",
          'import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url";',
          "const __filename = topLevelFileUrlToPath(import.meta.url);",
          'const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url));',
        ].join("\n"),
      },
      mainFields: ["module", "main"],
      format: "esm",
      platform: "node",
      bundle: true,
      nodePaths: [join(PLATFORM, "node_modules")],
      define: { $app: JSON.stringify(app), $cli: JSON.stringify(cli), $dev: String(scenario.dev) },
      inject: [join(PLATFORM, "src/shim/run.js")],
      plugins: [
        {
          name: "InjectGlobals",
          setup(b) {
            b.onLoad({ filter: /\.(js|ts|jsx|tsx)$/ }, async (args) => {
              const contents = await readFile(args.path, "utf8");
              const globals = `import * as aws from "@pulumi/aws";\nimport * as sst from "${join(PLATFORM, "src/components")}";\n`;
              return {
                contents: args.path.includes(".sst") ? contents : globals + contents,
                loader: "default",
              };
            });
          },
        },
      ],
      external: [
        "@pulumi/*",
        "undici",
        "@pulumiverse/*",
        "@sst-provider/*",
        "@aws-sdk/*",
        "esbuild",
        "archiver",
        "glob",
        "vite",
      ],
      outfile,
      logLevel: "silent",
    });
    // As Pulumi's Node.js language host runs a program: inside the root stack resource.
    const outputs = await pulumi.runtime.runInPulumiStack(
      async () => (await import(pathToFileURL(outfile).href)).default,
    );
    await pulumi.runtime.disconnect();
    return { ok: true, app, resources, outputs: outputs ?? {} };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  } finally {
    rpc.close();
    await rm(outfile, { force: true });
    await rm(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await evaluate(JSON.parse(process.argv[2] ?? "{}") as EvalScenario);
  process.stdout.write(`~j${JSON.stringify(result)}\n`, () => process.exit(0));
}
