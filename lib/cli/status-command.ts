/** `syncron status`: configs, schedules, next runs, recent runs and queue depth of a running stack. */
import { apiToken, apiUrl, TOKEN_USAGE, URL_USAGE } from "./api-client.ts";
import { parseFlags, UsageError } from "./args.ts";
import { fetchStatus, formatStatus, StatusError } from "./status-report.ts";

export const usage = `Usage: syncron status [--url URL] [--json]

Shows a running syncron's configs (schedule, next run, last run), its recent runs and its queue
depth (available, in flight, delayed, dead letter), read from the HTTP API (task-status and the
sync-config routes).

Options:
${URL_USAGE}
  --json        print one JSON object
  -h, --help    show this help

${TOKEN_USAGE}
Exit codes: 0 shown, 1 the API cannot be reached or answers an error, 2 usage error.`;

/** The API's URL and the output form, from the flags and SYNCRON_URL. Throws UsageError. */
function parse(args: string[], env: NodeJS.ProcessEnv): { url: string; json: boolean } {
  const { values, positionals } = parseFlags(args, { url: { type: "string" }, json: { type: "boolean" } });
  if (positionals.length > 0) throw new UsageError(`Unexpected argument '${positionals[0]}'`);
  return { url: apiUrl(values.url, env), json: values.json ?? false };
}

/** Prints the status; exit code 0, or 1 when the API cannot be read. Throws UsageError. */
export async function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { url, json } = parse(args, env);
  try {
    const report = await fetchStatus(url, { token: apiToken(env) });
    console.log(json ? JSON.stringify(report, null, 2) : formatStatus(report));
    return 0;
  } catch (error) {
    if (!(error instanceof StatusError)) throw error;
    console.error(`syncron status: ${error.message}`);
    return 1;
  }
}
