/**
 * The dashboard's one way to the API: JSON in and out, same origin unless VITE_API_URL says where
 * the stage's API is. A 401 asks for the token once; it is kept in sessionStorage (this tab) only.
 */

const BASE = (import.meta.env.VITE_API_URL ?? "").replace(/\/+$/, "");
const TOKEN_KEY = "syncron.api-token";
const JWT_KEY = "syncron.jwt";

/** What a 401 asks for: SYNCRON_API_TOKEN (X-Syncron-Token) and/or a JWT (AWS's JWT authorizer). */
export interface Credentials {
  readonly token?: string;
  readonly jwt?: string;
}

export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

export class ApiFailure extends Error {
  override name = "ApiFailure";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: readonly FieldIssue[] = [],
  ) {
    super(message);
  }
}

type TokenAsker = () => Promise<Credentials>;
let askToken: TokenAsker | undefined;
/** One prompt for every request that met a 401 at the same time. */
let asking: Promise<Credentials> | undefined;
/** Registers the prompt shown when the API answers 401. */
export const onTokenNeeded = (asker: TokenAsker): void => {
  askToken = asker;
};

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const headers: Record<string, string> = { accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) headers["x-syncron-token"] = token;
    const jwt = sessionStorage.getItem(JWT_KEY);
    if (jwt) headers.authorization = `Bearer ${jwt}`;
    const reply = await fetch(`${BASE}${path}`, {
      method,
      headers,
      credentials: "same-origin",
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await reply.text();
    const data = text === "" ? undefined : (JSON.parse(text) as unknown);
    if (reply.status === 401 && askToken && attempt < 3) {
      const ask = askToken;
      asking ??= ask().finally(() => {
        asking = undefined;
      });
      const given = await asking;
      for (const [key, value] of [
        [TOKEN_KEY, given.token],
        [JWT_KEY, given.jwt],
      ] as const) {
        if (value) sessionStorage.setItem(key, value);
        else sessionStorage.removeItem(key);
      }
      continue;
    }
    if (!reply.ok) {
      const error = (data as { error?: { code?: string; message?: string; details?: unknown } } | undefined)
        ?.error;
      throw new ApiFailure(
        reply.status,
        error?.code ?? `HTTP_${reply.status}`,
        error?.message ?? reply.statusText,
        Array.isArray(error?.details) ? (error.details as FieldIssue[]) : [],
      );
    }
    return data as T;
  }
}

/** The reply shapes the dashboard reads (the API's are in /openapi.json). */
export interface LastRun {
  task_id: string;
  status: string;
  finished_at: string | null;
}
export interface Config {
  id: string;
  name: string;
  source: string;
  target: string;
  cron: string;
  timezone: string;
  enabled: boolean;
  mode: string;
  /** Drive calls per second of the config's runs; null: no limit of its own. */
  tps: number | null;
  version: number;
  last_run: LastRun | null;
  next_runs: string[];
}
export interface Progress {
  files_done: number;
  files_planned: number;
  bytes_done: number;
  bytes_planned: number;
}
export interface Run {
  task_id: string;
  config_id: string;
  status: string;
  trigger: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  progress: Progress;
  result: Record<string, unknown> | null;
  error: { code: string; message: string } | null;
  retry_of?: string | null;
  cancel_requested_at?: string | null;
}
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}
export type CronReport =
  | { valid: true; description: string; next_runs: string[]; timezone: string }
  | { valid: false; error: string };

/** Final run states: lib/store/run.ts FINISHED_STATUSES (the dashboard imports no server code; a test keeps them equal). */
export const FINISHED = new Set(["SUCCESS", "FAILURE", "SKIPPED", "CANCELLED"]);
