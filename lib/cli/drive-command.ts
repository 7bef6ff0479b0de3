/** `syncron drive add|list|show|check|rm|migrate`: named drives through a running API (and the AWS migration). */
import { createInterface } from "node:readline";
import { ANY_LOCAL_ROOT } from "../drives/local-roots.ts";
import type { DriveType } from "../drives/types/drive-type.ts";
import { DRIVE_TYPE_NAMES, DRIVE_TYPES, driveTypeOf } from "../drives/types/registry.ts";
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

/** Every type's fields, from the registry; `*` marks the secrets (`DriveType.secrets`). */
const TYPES_USAGE = [
  "Types and their fields (* secret: asked for, unechoed, when not given; see the README's Drives section):",
  ...DRIVE_TYPES.map(
    (type) =>
      `  ${type.type.padEnd(9)}${Object.keys(type.fields)
        .map((field) => (type.secrets.includes(field) ? `${field}*` : field))
        .join(", ")}`,
  ),
].join("\n");

export const usage = `Usage: syncron drive <action> [options]

  syncron drive add NAME type=TYPE [FIELD=VALUE]...   create a drive (its secrets are asked for, unechoed)
  syncron drive list                                 list drives
  syncron drive show NAME                            one drive (secrets_set, never a secret)
  syncron drive check NAME [--path P]                log in and list its root: ok, AUTH_FAILED, NOT_FOUND, UNREACHABLE
  syncron drive rm NAME                              delete it (refused while configs use it)
  syncron drive migrate --table T --parameter-path /syncron/<stage>/drives
                                                     on AWS: move credentials out of stored configs into drives

${TYPES_USAGE}

Options:
${URL_USAGE}
  --json        print JSON
  -h, --help    show this help

${TOKEN_USAGE}
Exit codes: 0 done, 1 refused or failed (a failed check too), 2 usage error.`;

type Env = NodeJS.ProcessEnv;

/** Asks for one secret: on a terminal without echo, from a pipe one line per question (EOF: empty). */
type AskSecret = (question: string) => Promise<string>;

/** Reads a secret from the terminal without echoing it. */
function promptOnTerminal(question: string): Promise<string> {
  const input = process.stdin;
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

/** Secrets from stdin: the terminal's, or a pipe's lines in order (one per question). */
function secretAsker(): { ask: AskSecret; close(): void } {
  if (process.stdin.isTTY) return { ask: promptOnTerminal, close() {} };
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  const next = lines[Symbol.asyncIterator]();
  return {
    async ask(question) {
      process.stderr.write(question);
      const line = await next.next();
      process.stderr.write("\n");
      return line.done ? "" : line.value;
    },
    close: () => lines.close(),
  };
}

/** `FIELD=VALUE`'s value as the field's schema takes it: the text, else a number or a boolean it spells. */
function fieldValue(type: DriveType, field: string, text: string): unknown {
  const schema = type.fields[field];
  const readings: unknown[] = [
    text,
    ...(text.trim() !== "" && Number.isFinite(Number(text)) ? [Number(text)] : []),
  ];
  if (text === "true" || text === "false") readings.push(text === "true");
  return readings.find((value) => schema?.safeParse(value).success) ?? text;
}

/** Whether `fields` make a whole drive of `type` by its own rules (local roots play no part here). */
const complete = (type: DriveType, fields: Record<string, unknown>): boolean =>
  (type.check?.(fields, { localRoots: ANY_LOCAL_ROOT }) ?? []).length === 0;

/**
 * The body of `drive add`: NAME and FIELD=VALUE pairs, then the type's secrets (`type.secrets`) not
 * given, asked for in order until the drive is whole by the type's rules. The first is always asked
 * when none was given, so a WebDAV password, an S3 key pair or an OpenList password or token never
 * has to be typed on a command line; an empty answer means none.
 */
export async function addBody(
  name: string,
  pairs: string[],
  ask?: AskSecret,
): Promise<Record<string, unknown>> {
  const given = new Map<string, string>();
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0)
      throw new UsageError(`expected FIELD=VALUE, got ${JSON.stringify(pair.replace(/=.*/, "=…"))}`);
    given.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  const type = driveTypeOf(given.get("type") ?? "");
  if (!type) {
    throw new UsageError(
      `give type=${DRIVE_TYPE_NAMES.join(", type=")} (and the type's fields; see syncron drive --help)`,
    );
  }
  const body: Record<string, unknown> = { name };
  for (const [field, text] of given) body[field] = fieldValue(type, field, text);
  const missing = type.secrets.filter((field) => body[field] === undefined);
  if (missing.length === 0) return body;
  const asker = ask ? { ask, close() {} } : secretAsker();
  try {
    const noneGiven = missing.length === type.secrets.length;
    for (const [i, field] of missing.entries()) {
      if (!(noneGiven && i === 0) && complete(type, body)) break;
      const secret = await asker.ask(`${field} for drive ${name} (empty: none): `);
      if (secret !== "") body[field] = secret;
    }
  } finally {
    asker.close();
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
