/** `syncron runs [retry|cancel ID]`: every run newest first, followed as it changes, through a running API. */
import { RUN_STATUSES } from "../store/run.ts";
import { sleep } from "../util/sleep.ts";
import {
  type ApiClient,
  type ApiReply,
  ApiUnreachableError,
  apiClientFrom,
  type Json,
  replyError,
  TOKEN_USAGE,
  URL_USAGE,
} from "./api-client.ts";
import { parseFlags, UsageError } from "./args.ts";
import { formatBytes } from "./format-bytes.ts";
import { columns } from "./table.ts";

/** How often `--follow` asks the API for the newest runs. */
const FOLLOW_INTERVAL_MS = 2_000;
const DEFAULT_LIMIT = 20;

export const usage = `Usage: syncron runs [options]
       syncron runs retry TASK_ID
       syncron runs cancel TASK_ID

  syncron runs                 the newest runs, newest first (GET /api/v1/runs)
  syncron runs retry TASK_ID   run a FAILURE or CANCELLED run's config again (retry_of links them)
  syncron runs cancel TASK_ID  cancel a run: a pending one never starts, a running one stops at its
                               next file boundary, deleting nothing, and ends CANCELLED

Options:
  --config ID   only this config's runs
  --status S    only runs in this state (${RUN_STATUSES.join(", ")})
  --previews    the previews (dry runs of unsaved configs) instead of the runs of configs
  --limit N     how many runs (1-100, default ${DEFAULT_LIMIT})
  --follow      keep polling (every ${FOLLOW_INTERVAL_MS / 1000} s) and print each new run and status change until Ctrl-C
${URL_USAGE}
  --json        print JSON (with --follow: one run per line)
  -h, --help    show this help

${TOKEN_USAGE}
Exit codes: 0 done (Ctrl-C ends --follow with 0), 1 refused or failed, 2 usage error.`;

const when = (iso: string | null | undefined): string => (iso ? iso.replace("T", " ").slice(0, 19) : "-");

/** Fixed widths, so a run printed by `--follow` lines up with the header printed before it. */
const WIDTHS = [28, 28, 10, 12, 20, 22, 0];
const HEADER = ["TASK", "CONFIG", "STATUS", "TRIGGER", "CREATED (UTC)", "DONE", "ERROR"];
const header = (): string => columns(HEADER, WIDTHS, " ");

/** One run as one line of the table. */
function runLine(run: Json): string {
  const { files_done, bytes_done } = run.progress ?? {};
  return columns(
    [
      String(run.task_id),
      String(run.config_id),
      String(run.status),
      String(run.trigger),
      when(run.created_at),
      `${files_done ?? 0} files, ${formatBytes(bytes_done ?? 0)}`,
      run.error?.code ?? (run.retry_of ? `retry of ${run.retry_of}` : ""),
    ],
    WIDTHS,
    " ",
  );
}

function listPath(
  values: { config?: string | undefined; status?: string | undefined; previews?: boolean | undefined },
  limit: number,
) {
  const query = new URLSearchParams({ limit: String(limit) });
  if (values.config) query.set("config_id", values.config);
  if (values.status) query.set("status", values.status);
  if (values.previews) query.set("previews", "true");
  return `/api/v1/runs?${query}`;
}

/** Polls the newest runs and prints each new one and each status change, until `signal` aborts. */
async function follow(
  api: ApiClient,
  path: string,
  first: Json[],
  print: (run: Json) => void,
  signal: AbortSignal,
): Promise<ApiReply | undefined> {
  const seen = new Map<string, string>(first.map((run) => [run.task_id, run.status]));
  for (;;) {
    try {
      await sleep(FOLLOW_INTERVAL_MS, signal);
    } catch {
      return undefined;
    }
    const reply = await api.request("GET", path);
    if (reply.status !== 200) return reply;
    // Oldest first, so the lines read in the order things happened.
    for (const run of [...(reply.body.items as Json[])].reverse()) {
      if (seen.get(run.task_id) === run.status) continue;
      seen.set(run.task_id, run.status);
      print(run);
    }
  }
}

export async function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    url: { type: "string" },
    json: { type: "boolean" },
    config: { type: "string" },
    status: { type: "string" },
    limit: { type: "string" },
    follow: { type: "boolean" },
    previews: { type: "boolean" },
  });
  const [action, taskId, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  const api = apiClientFrom(values.url, env);
  const failed = (reply: ApiReply) => {
    console.error(`syncron runs${action ? ` ${action}` : ""}: ${replyError(reply)}`);
    return 1;
  };
  try {
    if (action === "retry" || action === "cancel") {
      if (!taskId) throw new UsageError(`runs ${action} needs a TASK_ID`);
      const reply = await api.request("POST", `/api/v1/runs/${encodeURIComponent(taskId)}/${action}`);
      if (reply.status !== 200 && reply.status !== 202) return failed(reply);
      console.log(values.json ? JSON.stringify(reply.body, null, 2) : reply.body.message);
      return 0;
    }
    if (action !== undefined)
      throw new UsageError(`unknown action "${action}": give retry or cancel, or none`);
    if (values.status !== undefined && !(RUN_STATUSES as readonly string[]).includes(values.status)) {
      throw new UsageError(
        `--status must be one of ${RUN_STATUSES.join(", ")} (got ${JSON.stringify(values.status)})`,
      );
    }
    const limit = values.limit === undefined ? DEFAULT_LIMIT : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      throw new UsageError(
        `--limit must be a whole number from 1 to 100 (got ${JSON.stringify(values.limit)})`,
      );
    }
    const path = listPath(values, limit);
    const reply = await api.request("GET", path);
    if (reply.status !== 200) return failed(reply);
    const items = reply.body.items as Json[];
    if (!values.follow) {
      console.log(
        values.json ? JSON.stringify(items, null, 2) : [header(), ...items.map(runLine)].join("\n"),
      );
      return 0;
    }
    const print = (run: Json) => console.log(values.json ? JSON.stringify(run) : runLine(run));
    if (!values.json) console.log(header());
    for (const run of [...items].reverse()) print(run);
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    try {
      const error = await follow(api, path, items, print, stop.signal);
      return error ? failed(error) : 0;
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  } catch (error) {
    if (error instanceof ApiUnreachableError) {
      console.error(`syncron runs: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
