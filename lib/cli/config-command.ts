/** `syncron config add|list|show|edit|rm|run`: sync configs through a running API, without hand-written JSON. */
import { createInterface } from "node:readline/promises";
import { describeCron } from "../cron/describe.ts";
import {
  type ApiClient,
  type ApiReply,
  ApiUnreachableError,
  apiClientFrom,
  type Json,
  listAll,
  replyError,
  TOKEN_USAGE,
  URL_USAGE,
} from "./api-client.ts";
import { parseFlags, UsageError, wholeNumber } from "./args.ts";
import { localeFromEnv } from "./locale.ts";
import { shortTime } from "./status-report.ts";
import { table } from "./table.ts";

export const usage = `Usage: syncron config <action> [options]

  syncron config add --name N --source LOC --target LOC --cron EXPR [FIELDS]   create a config
  syncron config list                              every config: schedule in words, next run, last run
  syncron config show ID                           one config
  syncron config edit ID [FIELDS]                  change only the fields given
  syncron config rm ID [--yes]                     delete it (asks first on a terminal)
  syncron config run ID [--wait]                   run it now: prints the task id; --wait follows the run

Fields (add and edit):
  --name TEXT               a name for people
  --source LOC, --target LOC
                            a path, s3://…, webdav://… or name:path of a drive (see syncron drive)
  --cron EXPR               5-field cron, e.g. "0 2 * * *"
  --timezone ZONE           IANA zone the cron is read in (default UTC)
  --mode copy|mirror|overwrite
  --compare size-mtime|checksum|size
  --include RULE, --exclude RULE
                            a glob ("*.tmp", "/cache/**"), or a rule as JSON:
                            '{"kind":"regex","on":"name","pattern":"\\\\.tmp$","ignore_case":true}'
                            (repeatable; on edit the list given replaces the stored one)
  --no-include, --no-exclude
                            edit: empty the list
  --max-delete N|P%|none    the most a mirror may delete (none: the default, half of the target)
  --end-time ISO|none       stop firing after this instant
  --tps N|none              the most drive calls per second this config's runs make, both drives
                            together, besides each drive's own tps (none: no limit of its own)
  --enabled, --disabled

Options:
${URL_USAGE}
  --json        print the API's JSON
  --if-version N
                edit: only if the config is still at version N (as \`show\` printed it)
  --yes         rm: do not ask
  --wait        run: follow the run until it finishes; exit 1 unless it succeeds
  --interval S  run --wait: seconds between polls (default 1)
  -h, --help    show this help

${TOKEN_USAGE}
Exit codes: 0 done, 1 refused by the API or the run did not succeed, 2 usage error.

Examples:
  syncron config add --name photos --source ./photos --target nas:/backup/photos \\
    --cron "0 2 * * *" --timezone Asia/Shanghai --mode mirror --exclude "*.tmp" --max-delete 10%
  syncron config edit 01JD… --cron "30 3 * * *" --disabled
  syncron config run 01JD… --wait`;

const FIELD_FLAGS = {
  name: { type: "string" },
  source: { type: "string" },
  target: { type: "string" },
  cron: { type: "string" },
  timezone: { type: "string" },
  mode: { type: "string" },
  compare: { type: "string" },
  include: { type: "string", multiple: true },
  exclude: { type: "string", multiple: true },
  "no-include": { type: "boolean" },
  "no-exclude": { type: "boolean" },
  "max-delete": { type: "string" },
  "end-time": { type: "string" },
  tps: { type: "string" },
  enabled: { type: "boolean" },
  disabled: { type: "boolean" },
} as const;

const FLAGS = {
  ...FIELD_FLAGS,
  url: { type: "string" },
  json: { type: "boolean" },
  "if-version": { type: "string" },
  yes: { type: "boolean" },
  wait: { type: "boolean" },
  interval: { type: "string" },
} as const;

type Values = ReturnType<typeof parseFlags<typeof FLAGS>>["values"];

/** The flags each action takes besides --url and --json. */
const ACTION_FLAGS: Record<string, readonly string[]> = {
  add: Object.keys(FIELD_FLAGS).filter((flag) => !flag.startsWith("no-")),
  list: [],
  show: [],
  edit: [...Object.keys(FIELD_FLAGS), "if-version"],
  rm: ["yes"],
  run: ["wait", "interval"],
};

const CONFIGS = "/api/v1/sync-configs";
const STRING_FIELDS = ["name", "source", "target", "cron", "timezone", "mode", "compare"] as const;

/** `--include`/`--exclude` values: a JSON object is a structured rule, anything else a glob. */
function rules(flag: string, values: string[]): unknown[] {
  return values.map((value) => {
    if (!value.trimStart().startsWith("{")) return value;
    try {
      return JSON.parse(value);
    } catch (error) {
      throw new UsageError(
        `${flag}: ${JSON.stringify(value)} is not a JSON rule (${(error as Error).message})`,
      );
    }
  });
}

/** The config fields the flags set, as the API names them; the API checks their values. */
export function configFields(values: Partial<Values>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of STRING_FIELDS) if (values[field] !== undefined) body[field] = values[field];
  for (const list of ["include", "exclude"] as const) {
    const given = values[list];
    if (values[`no-${list}`]) {
      if (given) throw new UsageError(`--no-${list} and --${list} contradict each other`);
      body[list] = [];
    } else if (given) body[list] = rules(`--${list}`, given);
  }
  const maxDelete = values["max-delete"];
  if (maxDelete !== undefined)
    body.max_delete = maxDelete === "none" ? null : /^\d+$/.test(maxDelete) ? Number(maxDelete) : maxDelete;
  const endTime = values["end-time"];
  if (endTime !== undefined) body.end_time = endTime === "none" ? null : endTime;
  // A number as a number; anything else as given, for the API's schema to refuse by name.
  if (values.tps !== undefined)
    body.tps =
      values.tps === "none"
        ? null
        : values.tps.trim() !== "" && Number.isFinite(Number(values.tps))
          ? Number(values.tps)
          : values.tps;
  if (values.enabled && values.disabled)
    throw new UsageError("--enabled and --disabled contradict each other");
  if (values.enabled) body.enabled = true;
  if (values.disabled) body.enabled = false;
  return body;
}

/** An API field path (`max_delete`, `include.2.pattern`) as the flag that set it. */
const flagOf = (path: string): string => {
  const [field] = path.split(".");
  return field ? `--${field.replace(/_/g, "-")}` : "";
};

/** An error reply as lines: the code and message, then each bad field under the flag that set it. */
export function failure(action: string, reply: ApiReply): string {
  const details = reply.body?.error?.details;
  const fields: { path: string; message: string }[] = Array.isArray(details)
    ? details.filter((d) => typeof d?.path === "string" && typeof d?.message === "string")
    : [];
  if (fields.length === 0) return `syncron config ${action}: ${replyError(reply)}`;
  return [
    `syncron config ${action}: ${reply.body.error.code}`,
    ...fields.map(
      (field) =>
        `  ${field.path ? `${flagOf(field.path)}: ` : ""}${field.message.replace(/^Invalid input: expected \w+, received undefined$/, "required")}`,
    ),
  ].join("\n");
}

/** The schedule of a config in words, in the user's language (LANG); the expression itself if it cannot be described. */
function schedule(config: Json, env: NodeJS.ProcessEnv): string {
  let words: string;
  try {
    words = describeCron(config.cron, localeFromEnv(env));
  } catch {
    words = config.cron;
  }
  return `${words}${config.timezone && config.timezone !== "UTC" ? ` (${config.timezone})` : ""}`;
}

const nextRun = (config: Json): string =>
  config.enabled === false ? "disabled" : shortTime(config.next_runs?.[0] ?? null);

const lastRun = (config: Json): string =>
  config.last_run ? `${config.last_run.status} ${shortTime(config.last_run.finished_at)}` : "-";

const rulesText = (list: unknown[] | undefined): string =>
  list && list.length > 0
    ? list.map((rule) => (typeof rule === "string" ? rule : JSON.stringify(rule))).join(", ")
    : "-";

/** `list`: one row per config. */
export function formatList(configs: Json[], env: NodeJS.ProcessEnv): string {
  if (configs.length === 0) return "no configs yet: syncron config add --help";
  return table(
    ["ID", "NAME", "MODE", "CRON", "SCHEDULE", "NEXT RUN", "LAST RUN"],
    configs.map((c) => [c.id, c.name, c.mode, c.cron, schedule(c, env), nextRun(c), lastRun(c)]),
  );
}

/** `show`: one config, field by field. */
export function formatConfig(c: Json, env: NodeJS.ProcessEnv): string {
  const rows: [string, string][] = [
    ["id", c.id],
    ["name", c.name],
    ["source", c.source],
    ["target", c.target],
    ["mode", `${c.mode} (compare ${c.compare})`],
    ["cron", `${c.cron}: ${schedule(c, env)}`],
    ["enabled", String(c.enabled)],
    ["next runs", c.enabled === false ? "disabled" : (c.next_runs ?? []).map(shortTime).join(", ") || "-"],
    ["include", rulesText(c.include)],
    ["exclude", rulesText(c.exclude)],
    [
      "max delete",
      c.max_delete === null || c.max_delete === undefined
        ? "default (half the target)"
        : String(c.max_delete),
    ],
    ["end time", c.end_time ? shortTime(c.end_time) : "never"],
    ["tps", c.tps === null || c.tps === undefined ? "none (each drive's own tps only)" : String(c.tps)],
    ["last run", c.last_run ? `${lastRun(c)} (task ${c.last_run.task_id})` : "-"],
    ["version", String(c.version)],
  ];
  if (c.schedule_error) rows.push(["schedule error", JSON.stringify(c.schedule_error)]);
  return rows.map(([key, value]) => `${key.padEnd(11)} ${value}`).join("\n");
}

/** `edit`: what changed, `field: old -> new`. */
function changes(before: Json, after: Json, fields: string[]): string {
  const shown = (value: unknown) => JSON.stringify(value ?? null);
  const lines = fields
    .filter((field) => shown(before[field]) !== shown(after[field]))
    .map((field) => `  ${field}: ${shown(before[field])} -> ${shown(after[field])}`);
  return [
    `updated config ${after.id} (version ${before.version} -> ${after.version})`,
    ...(lines.length > 0 ? lines : ["  nothing changed"]),
  ].join("\n");
}

/** Asks a yes/no question on the terminal; anything but y/yes is no. */
async function confirm(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await prompt.question(question)).trim());
  } finally {
    prompt.close();
  }
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Polls task-result until the run is final (`ready`), telling each new status on stderr. */
async function follow(api: ApiClient, taskId: string, intervalMs: number): Promise<ApiReply> {
  let seen = "";
  for (;;) {
    const reply = await api.request(
      "GET",
      `/api/v1/task/scheduler/task-result/${encodeURIComponent(taskId)}`,
    );
    if (reply.status !== 200) return reply;
    const { status, progress } = reply.body;
    const line = `${status}${progress?.files_planned ? ` ${progress.files_done}/${progress.files_planned} files` : ""}`;
    if (line !== seen && !reply.body.ready) process.stderr.write(`${taskId}: ${line}\n`);
    seen = line;
    if (reply.body.ready) return reply;
    await sleep(intervalMs);
  }
}

/** The last line of `run --wait`: the final status, the counts, the error. */
function runSummary(run: Json): string {
  const r = run.result ?? {};
  const counts =
    run.result === null || run.result === undefined
      ? ""
      : `: copied ${r.copied ?? 0}, updated ${r.updated ?? 0}, deleted ${r.deleted ?? 0}, unchanged ${r.skipped ?? 0}, failed ${r.failed ?? 0}`;
  return `${run.task_id} ${run.status}${counts}${run.error ? `\n  error: ${run.error.code}: ${run.error.message}` : ""}`;
}

export async function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseFlags(args, FLAGS);
  const [action, id, ...extra] = positionals;
  const allowed = action === undefined ? undefined : ACTION_FLAGS[action];
  if (allowed === undefined) {
    throw new UsageError(
      action ? `unknown action "${action}"` : "give an action: add, list, show, edit, rm, run",
    );
  }
  for (const flag of Object.keys(values)) {
    if (flag !== "url" && flag !== "json" && !allowed.includes(flag))
      throw new UsageError(`config ${action} does not take --${flag}`);
  }
  const takesId = action !== "add" && action !== "list";
  if (takesId && id === undefined) throw new UsageError(`config ${action} needs a config ID`);
  const unexpected = takesId ? extra[0] : id;
  if (unexpected !== undefined) throw new UsageError(`Unexpected argument '${unexpected}'`);
  const path = `${CONFIGS}/${encodeURIComponent(id ?? "")}`;
  const fields = configFields(values);
  const ifVersion =
    values["if-version"] === undefined
      ? undefined
      : wholeNumber("--if-version", values["if-version"], 1, { max: Number.MAX_SAFE_INTEGER });
  const intervalMs = Math.round(Number(values.interval ?? "1") * 1000);
  if (!(intervalMs >= 100 && intervalMs <= 3_600_000))
    throw new UsageError(
      `--interval: ${JSON.stringify(values.interval)} is not a number of seconds 0.1-3600`,
    );
  if (action === "edit" && Object.keys(fields).length === 0)
    throw new UsageError("config edit needs at least one field to change (--cron, --disabled, …)");
  const api = apiClientFrom(values.url, env);
  const print = (json: unknown, text: string) =>
    console.log(values.json ? JSON.stringify(json, null, 2) : text);
  const failed = (reply: ApiReply) => {
    console.error(failure(action as string, reply));
    return 1;
  };

  try {
    switch (action) {
      case "add": {
        const reply = await api.request("POST", CONFIGS, { json: fields });
        if (reply.status !== 201) return failed(reply);
        print(reply.body, `created config ${reply.body.id}\n${formatConfig(reply.body, env)}`);
        return 0;
      }
      case "list": {
        const listed = await listAll(api, CONFIGS);
        if ("error" in listed) return failed(listed.error);
        print(listed.items, formatList(listed.items, env));
        return 0;
      }
      case "show": {
        const reply = await api.request("GET", path);
        if (reply.status !== 200) return failed(reply);
        print(reply.body, formatConfig(reply.body, env));
        return 0;
      }
      case "edit": {
        const before = await api.request("GET", path);
        if (before.status !== 200) return failed(before);
        // The version read (or the one the user saw) goes in If-Match: a config changed meanwhile is a 409, not overwritten.
        const version = ifVersion ?? before.body.version;
        const reply = await api.request("PATCH", path, {
          json: fields,
          headers: { "if-match": `"${version}"` },
        });
        if (reply.status !== 200) return failed(reply);
        print(reply.body, changes(before.body, reply.body, Object.keys(fields)));
        return 0;
      }
      case "rm": {
        if (!values.yes) {
          if (!process.stdin.isTTY)
            throw new UsageError("config rm asks first: give --yes when not on a terminal");
          const shown = await api.request("GET", path);
          if (shown.status !== 200) return failed(shown);
          if (!(await confirm(`delete config ${id} (${JSON.stringify(shown.body.name)})? [y/N] `))) {
            console.error("not deleted");
            return 1;
          }
        }
        const reply = await api.request("DELETE", path);
        if (reply.status !== 200) return failed(reply);
        print(reply.body, `deleted config ${id}`);
        return 0;
      }
      case "run": {
        const reply = await api.request(
          "POST",
          `/api/v1/task/scheduler/execute-sync/${encodeURIComponent(id ?? "")}`,
        );
        if (reply.status !== 202) return failed(reply);
        if (!values.wait) {
          print(reply.body, reply.body.task_id);
          return 0;
        }
        if (!values.json) console.log(reply.body.task_id);
        const final = await follow(api, reply.body.task_id, intervalMs);
        if (final.status !== 200) return failed(final);
        print(final.body, runSummary(final.body));
        return final.body.status === "SUCCESS" ? 0 : 1;
      }
      default:
        throw new UsageError(`unknown action "${action}"`);
    }
  } catch (error) {
    if (!(error instanceof ApiUnreachableError)) throw error;
    console.error(`syncron config ${action}: ${error.message}`);
    return 1;
  }
}
