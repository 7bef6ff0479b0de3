/** `syncron status`: configs, schedules, next runs, recent runs and queue depth of a running stack. */
import { parseArgs } from "node:util";
import { ENV } from "../../infra/env.ts";
import { fetchStatus, formatStatus, StatusError } from "../local/status-report.ts";
import { USAGE_ERROR } from "./main.ts";

export const usage = `Usage: syncron status [--url URL] [--json]

Shows a running syncron's configs (schedule, next run, last run), its recent runs and its queue
depth (available, in flight, delayed, dead letter), read from the HTTP API (task-status and the
sync-config routes).

Options:
  --url URL     the API (default $SYNCRON_URL, else http://127.0.0.1:8000)
  --json        print one JSON object
  -h, --help    show this help

Environment: ${ENV.apiToken}, sent as a bearer token when set.
Exit codes: 0 shown, 1 the API cannot be reached or answers an error, 2 usage error.`;

export async function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let values: { url?: string | undefined; json?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: { url: { type: "string" }, json: { type: "boolean" } },
    }));
  } catch (error) {
    console.error(`syncron status: ${(error as Error).message}\n\n${usage}`);
    return USAGE_ERROR;
  }
  const url = values.url ?? env.SYNCRON_URL ?? "http://127.0.0.1:8000";
  if (!/^https?:\/\/[^/]+/.test(url)) {
    console.error(`syncron status: --url must be an http(s) URL (got ${JSON.stringify(url)})`);
    return USAGE_ERROR;
  }
  try {
    const report = await fetchStatus(url, { token: env[ENV.apiToken] || undefined });
    console.log(values.json ? JSON.stringify(report, null, 2) : formatStatus(report));
    return 0;
  } catch (error) {
    if (!(error instanceof StatusError)) throw error;
    console.error(`syncron status: ${error.message}`);
    return 1;
  }
}
