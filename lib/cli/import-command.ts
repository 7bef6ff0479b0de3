/** `syncron import --from-seed FILE --map ID=DRIVE:/FOLDER…`: the seed system's configs into a running API. */
import { readFile } from "node:fs/promises";
import { DriveMapError, mapFlagEntry } from "../jobs/seed-import/drive-map.ts";
import type { RowReport, SeedImportReport } from "../jobs/seed-import/import-report.ts";
import { rowsOfExport } from "../jobs/seed-import/seed-export.ts";
import {
  type ApiClient,
  ApiUnreachableError,
  apiClientFrom,
  replyError,
  TOKEN_USAGE,
  URL_USAGE,
} from "./api-client.ts";
import { parseFlags, UsageError } from "./args.ts";
import { combinedReport, inExport, planImport } from "./import-requests.ts";

export const usage = `Usage: syncron import --from-seed FILE --map ACCOUNT=DRIVE:/FOLDER [--map …] [options]

Imports the seed system's sync configs (a JSON export of its SyncConfig rows: an array, or
{"sync_configs": [...]}, or the seed's page reply {"data": {"items": [...]}}). Each row keeps its id,
so the seed's POST /api/v1/task/scheduler/execute-sync/1 runs config 1. --map sends a seed drive
account id (the rows' user_id) to a syncron drive and a folder in it: --map 3=openlist:/baidu makes
src_path /share/a the source openlist:/baidu/share/a. Every row of a request is checked before any
of them is written; a row that cannot be carried is listed with why and nothing of it is written. Running it
again changes nothing (same id, same content: unchanged; other content: a conflict).

An export of more than 1,000 rows (or 256 KiB) goes in several requests, one report for all. If a
request fails, the rows before it are imported and reported, the rest are not: run the same command
again to finish (the rows already imported are reported unchanged).

Options:
  --from-seed FILE   the export (JSON)
  --map A=D:/F       seed drive account A → drive D, folder /F (repeat for each account)
  --dry-run          show what each row becomes and what cannot be carried; write nothing
  --replace          replace a config whose id a row has but whose content differs
  --timezone ZONE    time zone of the crons and of times without an offset (default Asia/Shanghai)
${URL_USAGE}
  --json        print the report as JSON
  -h, --help    show this help

${TOKEN_USAGE}
Exit codes: 0 every row imported (or unchanged), 1 a row not carried, in conflict or failed, or the
API refused the request, 2 usage error.`;

const OUTCOME_TEXT: Record<RowReport["outcome"], string> = {
  created: "created",
  would_create: "would create",
  replaced: "replaced",
  would_replace: "would replace",
  unchanged: "unchanged",
  conflict: "CONFLICT",
  not_carried: "NOT CARRIED",
  failed: "FAILED",
};

/** One row of the report as lines a person reads. */
function rowLines(row: RowReport): string[] {
  const head = `row ${row.index} (seed id ${row.seed_id ?? "?"}): ${OUTCOME_TEXT[row.outcome]}`;
  const lines: string[] = [];
  const config = row.config;
  if (config) {
    lines.push(
      `${head}  → config ${row.id} "${config.name}"`,
      `    ${config.source} → ${config.target}  ${config.mode}  "${config.cron}" ${config.timezone}` +
        `${config.enabled ? "" : "  disabled"}${config.end_time ? `  ends ${config.end_time}` : ""}` +
        `  tps ${config.tps ?? "none"}${config.exclude.length > 0 ? `  ${config.exclude.length} exclude rule(s)` : ""}` +
        `${row.last_sync ? `  last sync ${row.last_sync}` : ""}`,
    );
  } else lines.push(head);
  for (const problem of row.problems ?? [])
    lines.push(`    not carried: ${problem.field}: ${problem.message}`);
  if (row.differs)
    lines.push(`    stored config ${row.id} differs in: ${row.differs.join(", ")} (--replace to replace it)`);
  if (row.error) lines.push(`    ${row.error}`);
  if (row.schedule_error) lines.push(`    schedule not applied: ${row.schedule_error}`);
  for (const note of row.notes) lines.push(`    note: ${note}`);
  return lines;
}

/** The report as text: every row, then the counts. */
export function formatImportReport(report: SeedImportReport): string {
  const counts = Object.entries(report.summary)
    .filter(([, count]) => count > 0)
    .map(([outcome, count]) => `${count} ${OUTCOME_TEXT[outcome as RowReport["outcome"]].toLowerCase()}`);
  return [
    ...report.rows.flatMap(rowLines),
    `${report.dry_run ? "dry run, nothing written: " : ""}${counts.join(", ") || "no rows"}`,
  ].join("\n");
}

async function readExport(file: string): Promise<unknown[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new UsageError(`--from-seed: cannot read ${file}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--from-seed: ${file} is not JSON: ${(error as Error).message}`);
  }
  const rows = rowsOfExport(value);
  if (!rows) {
    throw new UsageError(
      `--from-seed: ${file} holds no rows: expected an array of SyncConfig rows, {"sync_configs": [...]} or {"data": {"items": [...]}}`,
    );
  }
  return rows;
}

export async function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    "from-seed": { type: "string" },
    map: { type: "string", multiple: true },
    "dry-run": { type: "boolean" },
    replace: { type: "boolean" },
    timezone: { type: "string" },
    url: { type: "string" },
    json: { type: "boolean" },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const file = values["from-seed"];
  if (!file) throw new UsageError("give the seed export: --from-seed FILE");
  let map: Record<string, string>;
  try {
    map = Object.fromEntries((values.map ?? []).map(mapFlagEntry));
  } catch (error) {
    if (error instanceof DriveMapError) throw new UsageError(error.message);
    throw error;
  }
  const client = apiClientFrom(values.url, env);
  const rows = await readExport(file);
  const dryRun = values["dry-run"] ?? false;
  const envelope = {
    map,
    dry_run: dryRun,
    replace: values.replace ?? false,
    ...(values.timezone ? { timezone: values.timezone } : {}),
  };
  const { chunks, refused } = planImport(rows, envelope);
  const answered: RowReport[] = [];
  for (const [i, chunk] of chunks.entries()) {
    const first = chunk.indexes[0] ?? 0;
    const where = `request ${i + 1} of ${chunks.length} (rows ${first}-${chunk.indexes.at(-1)})`;
    const error = await send(client, { ...envelope, rows: chunk.rows }, (report) =>
      answered.push(...inExport(chunk, report)),
    );
    if (error === undefined) {
      if (chunks.length > 1) console.error(`${where} done`);
      continue;
    }
    if (i === 0) {
      console.error(`syncron import: ${chunks.length > 1 ? `${where}: ` : ""}${error}`);
      return 1;
    }
    // Rows refused without a request are reported only where the requests reached.
    const report = combinedReport(dryRun, [...refused.filter((row) => row.index < first), ...answered]);
    const message =
      `${where} failed: ${error}. The rows before row ${first} are as reported above; rows from ${first} ` +
      "on were not imported (a request that broke off may have written some of its rows). Run the same " +
      "command again to finish: the rows already imported are reported unchanged.";
    console.log(
      values.json
        ? JSON.stringify({ ...report, incomplete: { first_row_not_imported: first, message } }, null, 2)
        : formatImportReport(report),
    );
    console.error(`syncron import: ${message}`);
    return 1;
  }
  const report = combinedReport(dryRun, [...refused, ...answered]);
  console.log(values.json ? JSON.stringify(report, null, 2) : formatImportReport(report));
  const { not_carried, conflict, failed } = report.summary;
  return not_carried + conflict + failed > 0 ? 1 : 0;
}

/** One import request; its report goes to `onReport`. Resolves to why it failed, if it did. */
async function send(
  client: ApiClient,
  body: Record<string, unknown>,
  onReport: (report: SeedImportReport) => void,
): Promise<string | undefined> {
  try {
    const reply = await client.request("POST", "/api/v1/sync-configs/import", { json: body });
    if (reply.status !== 200) return replyError(reply);
    onReport(reply.body as SeedImportReport);
    return undefined;
  } catch (error) {
    if (!(error instanceof ApiUnreachableError)) throw error;
    return error.message;
  }
}
