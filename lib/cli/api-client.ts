/**
 * The one HTTP client of the `syncron` commands that talk to a running API (`drive`, `config`,
 * `status`, …): where the API is (`--url`, `$SYNCRON_URL`, the dev stack), the token header, JSON in
 * and out, paged listings, and error replies as one line a person reads.
 */
import { TOKEN_HEADER } from "../api/auth.ts";
import { ENV } from "../env.ts";
import { UsageError } from "./args.ts";

/** Where `syncron dev` listens by default. */
export const DEV_API_URL = "http://127.0.0.1:8000";

/** The `--url` line of a command's usage. */
export const URL_USAGE = `  --url URL     the API (default $SYNCRON_URL, else ${DEV_API_URL})`;

/** The environment line of a command's usage. */
export const TOKEN_USAGE = `Environment: ${ENV.apiToken}, sent in the ${TOKEN_HEADER} header when set.`;

// biome-ignore lint/suspicious/noExplicitAny: API replies, read field by field
export type Json = any;

/** One reply: the status and the body parsed as JSON (`{}` when empty). */
export interface ApiReply {
  readonly status: number;
  readonly body: Json;
}

/** The API cannot be reached, or answered something that is not JSON. The message names the URL. */
export class ApiUnreachableError extends Error {
  override name = "ApiUnreachableError";
}

export interface ApiClient {
  /** The API's base URL, without a trailing `/`. */
  readonly url: string;
  /** One call; `json` is sent as the body. Throws ApiUnreachableError only: an error status is a reply. */
  request(
    method: string,
    path: string,
    options?: { json?: unknown; headers?: Record<string, string> },
  ): Promise<ApiReply>;
}

/** A client for `url`, sending `token` in the token header when there is one. */
export function createApiClient(
  url: string,
  options: { token?: string | undefined; fetch?: typeof fetch } = {},
): ApiClient {
  const base = url.replace(/\/+$/, "");
  const doFetch = options.fetch ?? fetch;
  return {
    url: base,
    async request(method, path, { json, headers } = {}) {
      let response: Response;
      try {
        response = await doFetch(`${base}${path}`, {
          method,
          headers: {
            ...(json === undefined ? {} : { "content-type": "application/json" }),
            ...(options.token ? { [TOKEN_HEADER]: options.token } : {}),
            ...headers,
          },
          ...(json === undefined ? {} : { body: JSON.stringify(json) }),
        });
      } catch (error) {
        throw new ApiUnreachableError(
          `cannot reach the API at ${base} (${(error as Error).message}): is \`syncron dev\` running? (--url)`,
          { cause: error },
        );
      }
      const text = await response.text();
      try {
        return { status: response.status, body: text ? JSON.parse(text) : {} };
      } catch {
        throw new ApiUnreachableError(
          `${method} ${path} answered ${response.status} with a body that is not JSON: is ${base} a syncron API?`,
        );
      }
    },
  };
}

/** The API's URL: `--url`, else `$SYNCRON_URL`, else the dev stack. Throws UsageError unless http(s). */
export function apiUrl(urlFlag: string | undefined, env: NodeJS.ProcessEnv): string {
  const url = urlFlag ?? env.SYNCRON_URL ?? DEV_API_URL;
  if (!/^https?:\/\/[^/]+/.test(url)) {
    throw new UsageError(`--url must be an http(s) URL (got ${JSON.stringify(url)})`);
  }
  return url;
}

/** The token a command sends: `$SYNCRON_API_TOKEN`, when set. */
export const apiToken = (env: NodeJS.ProcessEnv): string | undefined => env[ENV.apiToken] || undefined;

/** The client a command uses: {@link apiUrl} and {@link apiToken}. Throws UsageError for a bad URL. */
export const apiClientFrom = (urlFlag: string | undefined, env: NodeJS.ProcessEnv): ApiClient =>
  createApiClient(apiUrl(urlFlag, env), { token: apiToken(env) });

/**
 * An error reply as one line: `CODE: message`, the message naming the field (the API's
 * VALIDATION_FAILED message already lists each bad field as `field: why`).
 */
export function replyError(reply: ApiReply): string {
  const error = reply.body?.error as { code?: string; message?: string } | undefined;
  return `${error?.code ?? `HTTP ${reply.status}`}: ${error?.message ?? "request failed"}`;
}

/** Every item of a paged listing (`items` and `next_cursor`), or the first error reply. */
export async function listAll(
  client: ApiClient,
  path: string,
): Promise<{ items: Json[] } | { error: ApiReply }> {
  const items: Json[] = [];
  const sep = path.includes("?") ? "&" : "?";
  let cursor: string | null = null;
  do {
    const reply = await client.request(
      "GET",
      `${path}${sep}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    if (reply.status !== 200) return { error: reply };
    items.push(...(reply.body.items as Json[]));
    cursor = (reply.body.next_cursor as string | null) ?? null;
  } while (cursor);
  return { items };
}
