/** `syncron drive add|list|show|check|rm|migrate`: named drives through a running API (and the AWS migration). */
import { driveTypeOf } from "../drives/types/registry.ts";
import {
  type ApiReply,
  ApiUnreachableError,
  apiClientFrom,
  listAll,
  replyError,
  TOKEN_USAGE,
  URL_USAGE,
} from "./api-client.ts";
import { parseFlags, UsageError } from "./args.ts";
import { table } from "./table.ts";

export const usage = `Usage: syncron drive <action> [options]

  syncron drive add NAME type=TYPE [FIELD=VALUE]...   create a drive (secrets not given are prompted for, unechoed)
  syncron drive list                                 list drives
  syncron drive show NAME                            one drive (secrets_set, never a secret)
  syncron drive check NAME [--path P]                log in and list its root: ok, AUTH_FAILED, NOT_FOUND, UNREACHABLE
  syncron drive rm NAME                              delete it (refused while configs use it)
  syncron drive migrate --table T --parameter-path /syncron/<stage>/drives
                                                     on AWS: move credentials out of stored configs into drives

Types and fields: s3 (bucket, endpoint, region, path_style, access_key_id, secret_access_key),
webdav (url, username, password, vendor), local (root); see the README's Drives section.

Options:
${URL_USAGE}
  --json        print JSON
  -h, --help    show this help

${TOKEN_USAGE}
Exit codes: 0 done, 1 refused or failed (a failed check too), 2 usage error.`;

type Env = NodeJS.ProcessEnv;

/** Reads a secret from the terminal without echoing it (or one line from a pipe). */
async function promptSecret(question: string): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) {
    process.stderr.write(question);
    const chunks: Buffer[] = [];
    for await (const chunk of input) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0] ?? "";
  }
  // Echo off before the question shows: what is typed (or pasted) right after it is never echoed.
  input.setRawMode(true);
  process.stderr.write(question);
  return new Promise((resolve, reject) => {
    let value = "";
    input.resume();
    const done = (result: string | Error) => {
      input.setRawMode(false);
      input.pause();
      input.off("data", onData);
      process.stderr.write("\n");
      result instanceof Error ? reject(result) : resolve(result);
    };
    const onData = (data: Buffer) => {
      for (const char of data.toString("utf8")) {
        if (char === "\r" || char === "\n") return done(value);
        if (char === "\u0003") return done(new UsageError("cancelled"));
        if (char === "\u007f") value = value.slice(0, -1);
        else value += char;
      }
    };
    input.on("data", onData);
  });
}

const fieldValue = (text: string): unknown => (text === "true" ? true : text === "false" ? false : text);

/** The body of `drive add`: NAME and FIELD=VALUE pairs; missing secrets prompted for. */
async function addBody(name: string, pairs: string[]): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = { name };
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0)
      throw new UsageError(`expected FIELD=VALUE, got ${JSON.stringify(pair.replace(/=.*/, "=…"))}`);
    body[pair.slice(0, eq)] = fieldValue(pair.slice(eq + 1));
  }
  const type = driveTypeOf(String(body.type ?? ""));
  if (!type) throw new UsageError("give type=s3, type=webdav or type=local (and the type's fields)");
  const wantsSecrets = type.type === "webdav" || (type.type === "s3" && body.access_key_id !== undefined);
  for (const field of type.secrets) {
    if (body[field] !== undefined || !wantsSecrets) continue;
    const secret = await promptSecret(`${field} for drive ${name} (empty: none): `);
    if (secret !== "") body[field] = secret;
  }
  return body;
}

export async function run(args: string[], env: Env = process.env): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    url: { type: "string" },
    json: { type: "boolean" },
    path: { type: "string" },
    table: { type: "string" },
    "parameter-path": { type: "string" },
  });
  const [action, name, ...rest] = positionals;
  const api = apiClientFrom(values.url, env);
  const needName = () => {
    if (!name) throw new UsageError(`drive ${action} needs a drive NAME`);
    return encodeURIComponent(name);
  };
  const print = (json: unknown, text: string) =>
    console.log(values.json ? JSON.stringify(json, null, 2) : text);
  const failed = (reply: ApiReply) => {
    console.error(`syncron drive ${action}: ${replyError(reply)}`);
    return 1;
  };

  try {
    switch (action) {
      case "add": {
        const reply = await api.request("POST", "/api/v1/drives", {
          json: await addBody(needName() && String(name), rest),
        });
        if (reply.status !== 201) return failed(reply);
        print(
          reply.body,
          `created drive ${name} (secrets set: ${(reply.body.secrets_set as string[]).join(", ") || "none"})`,
        );
        return 0;
      }
      case "list": {
        const listed = await listAll(api, "/api/v1/drives");
        if ("error" in listed) return failed(listed.error);
        const { items } = listed;
        const rows = items.map((d: Record<string, unknown>) => [
          String(d.name),
          String(d.type),
          (d.secrets_set as string[]).join(",") || "-",
        ]);
        print(items, table(["NAME", "TYPE", "SECRETS SET"], rows));
        return 0;
      }
      case "show": {
        const reply = await api.request("GET", `/api/v1/drives/${needName()}`);
        if (reply.status !== 200) return failed(reply);
        console.log(JSON.stringify(reply.body, null, 2));
        return 0;
      }
      case "check": {
        const query = values.path ? `?path=${encodeURIComponent(values.path)}` : "";
        const reply = await api.request("POST", `/api/v1/drives/${needName()}/check${query}`);
        if (reply.status !== 200) return failed(reply);
        print(reply.body, reply.body.ok ? `drive ${name}: ok` : `drive ${name}: ${replyError(reply)}`);
        return reply.body.ok ? 0 : 1;
      }
      case "rm": {
        const reply = await api.request("DELETE", `/api/v1/drives/${needName()}`);
        if (reply.status !== 200) return failed(reply);
        print(reply.body, `deleted drive ${name}`);
        return 0;
      }
      case "migrate":
        return await migrateOnAws(values.table, values["parameter-path"], values.json ?? false);
      default:
        throw new UsageError(
          action ? `unknown action "${action}"` : "give an action: add, list, show, check, rm, migrate",
        );
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if (error instanceof ApiUnreachableError) {
      console.error(`syncron drive ${action}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

/** The migration against a deployed stage's table and SSM path, with the caller's AWS credentials. */
async function migrateOnAws(
  table: string | undefined,
  path: string | undefined,
  json: boolean,
): Promise<number> {
  if (!table || !path)
    throw new UsageError("drive migrate needs --table NAME and --parameter-path /syncron/<stage>/drives");
  const [
    { SSMClient },
    { createDocumentClient, createStore },
    { createSsmSecretStore },
    { migrateConfigCredentials },
    { driveFor },
  ] = await Promise.all([
    import("@aws-sdk/client-ssm"),
    import("../store/store.ts"),
    import("../secrets/ssm/ssm-secret-store.ts"),
    import("../jobs/drives/migrate-credentials.ts"),
    import("../drives/open-drive.ts"),
  ]);
  const store = createStore({ client: createDocumentClient({}), tableName: table });
  const secrets = createSsmSecretStore({ client: new SSMClient({}), path });
  const result = await migrateConfigCredentials({
    configs: store.configs,
    drives: { records: store.drives, secrets, open: (location, name) => driveFor(location, name) },
  });
  console.log(
    json
      ? JSON.stringify(result)
      : `${result.configs_migrated} config(s) migrated; drives created: ${result.drives_created.join(", ") || "none"}`,
  );
  return 0;
}
