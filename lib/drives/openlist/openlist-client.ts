/**
 * OpenList's (and Alist v3's) HTTP API: login, the `{code, message, data}` reply wrapper (HTTP 200
 * with the error in `code`), the token, and the conversion of failures into drive errors.
 */

import { sleep } from "../../util/sleep.ts";
import {
  AuthenticationError,
  DirectoryNotFoundError,
  DriveError,
  FileNotFoundError,
  statusToDriveError,
} from "../errors.ts";
import type { RequestGate } from "../rate-limit.ts";

export interface OpenListAuth {
  /** OpenList login; the token is renewed before it expires and after a 401. */
  readonly username?: string;
  readonly password?: string;
  /** A static token (the admin token of Settings → Other, or a copied JWT) instead of a login. */
  readonly token?: string;
}

interface Reply {
  code: number;
  message: string;
  data: unknown;
}

/** A reply whose `code` is not 200. */
export class OpenListReplyError extends Error {
  override name = "OpenListReplyError";
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** HTTP 429 answers one JSON call waits out before it fails (retryable). */
const THROTTLE_ATTEMPTS = 5;
/** Renew a login token this long before its `exp`. */
const RENEW_BEFORE_MS = 60_000;
/** Server messages that mean a missing object (`internal/errs/object.go`, `errors.go`). */
const NOT_FOUND = /object not found|storage not found|not a folder|not a file/i;
/** Storage-side failures a later attempt may get past: drive APIs' frequency limits, timeouts, resets. */
const TRANSIENT =
  /frequen|too many|rate.?limit|throttl|timed? ?out|temporar|try again|EOF|connection reset|503|502/i;

export class OpenListClient {
  readonly origin: string;
  private token: string | undefined;
  private tokenExpiresAt = Number.POSITIVE_INFINITY;
  private renewBeforeMs = RENEW_BEFORE_MS;
  private login: Promise<string> | undefined;

  constructor(
    url: string,
    private readonly auth: OpenListAuth,
    private readonly gate?: RequestGate,
  ) {
    this.origin = url.replace(/\/+$/, "");
    if (auth.token !== undefined) this.token = auth.token;
  }

  /** Who this client acts as on which server: drives with the same identity may copy between them. */
  get identity(): string {
    return `${this.origin}\n${this.auth.username ?? ""}\n${this.auth.token ?? ""}`;
  }

  private async currentToken(signal?: AbortSignal): Promise<string> {
    if (this.auth.token !== undefined) return this.auth.token;
    if (this.token !== undefined && Date.now() < this.tokenExpiresAt - this.renewBeforeMs) return this.token;
    this.login ??= this.logIn(signal).finally(() => {
      this.login = undefined;
    });
    return this.login;
  }

  private async logIn(signal?: AbortSignal): Promise<string> {
    if (this.auth.username === undefined) {
      throw new AuthenticationError("openlist: give a username and password, or a token", "");
    }
    const reply = await this.send("/api/auth/login", {
      method: "POST",
      body: JSON.stringify({ username: this.auth.username, password: this.auth.password ?? "" }),
      ...(signal ? { signal } : {}),
    });
    if (reply.code !== 200) {
      // 401 wrong credentials, 429 locked after five wrong ones (server/handles/auth.go): both need the config changed.
      throw new AuthenticationError(
        `openlist login as "${this.auth.username}" refused: ${reply.message}`,
        "",
        { cause: new OpenListReplyError(reply.code, reply.message) },
      );
    }
    const token = (reply.data as { token?: unknown } | null)?.token;
    if (typeof token !== "string" || token === "")
      throw new DriveError("openlist login: no token in the reply", "");
    this.token = token;
    const { exp, iat } = jwtClaims(token);
    // Renew a minute before expiry (a tenth of the lifetime for short-lived tokens).
    this.renewBeforeMs =
      exp !== undefined && iat !== undefined ? Math.min(RENEW_BEFORE_MS, (exp - iat) / 10) : RENEW_BEFORE_MS;
    this.tokenExpiresAt = exp ?? Number.POSITIVE_INFINITY;
    return token;
  }

  /**
   * One HTTP request through the rate gate; turns HTTP-level failures (proxies, 429, network) into
   * errors. A redirect is followed only where the caller asks (a `/d/` download, whose storage link
   * may be elsewhere): fetch re-sends a 307/308's body to wherever it points, and API calls carry
   * the login's password or a file's bytes, so any other redirect fails, naming where it leads.
   */
  async fetch(path: string, init: RequestInit & { signal?: AbortSignal }): Promise<Response> {
    await this.gate?.beforeRequest(init.signal ?? undefined);
    const response = await fetch(`${this.origin}${path}`, { redirect: "manual", ...init });
    if (init.redirect === undefined && response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      const location = response.headers.get("location");
      const where = location === null ? "nowhere" : new URL(location, `${this.origin}${path}`).origin;
      throw new HttpStatusError(
        response.status,
        `redirects to ${where}, not followed (the request carries credentials or file bytes): set the drive's url to the server it leads to`,
      );
    }
    if (response.status === 429) {
      const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
      this.gate?.throttled(retryAfterMs);
      await response.body?.cancel();
      throw new ThrottleError(retryAfterMs);
    }
    return response;
  }

  /** One JSON call; an HTTP 429 is waited out (Retry-After, through the gate) and sent again, a few times. */
  private async send(
    path: string,
    init: RequestInit & { signal?: AbortSignal },
    token?: string,
  ): Promise<Reply> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.sendOnce(path, init, token);
      } catch (error) {
        if (!(error instanceof ThrottleError) || attempt >= THROTTLE_ATTEMPTS) throw error;
        // With a gate, its pause covers the wait; without one, wait here.
        if (!this.gate) await sleep(error.retryAfterMs ?? 1000 * attempt, init.signal ?? undefined);
      }
    }
  }

  private async sendOnce(
    path: string,
    init: RequestInit & { signal?: AbortSignal },
    token?: string,
  ): Promise<Reply> {
    const response = await this.fetch(path, {
      ...init,
      headers: {
        "Content-Type": "application/json",
        ...(token !== undefined ? { Authorization: token } : {}),
        ...(init.headers as Record<string, string> | undefined),
      },
    });
    const text = await response.text();
    if (response.status !== 200) throw new HttpStatusError(response.status, this.masked(text).slice(0, 200));
    let reply: Reply;
    try {
      reply = JSON.parse(text) as Reply;
    } catch {
      throw new HttpStatusError(response.status, `not a JSON reply: ${this.masked(text).slice(0, 100)}`);
    }
    if (typeof reply.message === "string") reply.message = this.masked(reply.message);
    return reply;
  }

  /**
   * A server's text, for an error message, with this client's secrets as `***`: a server, or a proxy
   * in front of it, may quote the request it refused, and a login's body is the password. Also as
   * the JSON string the body carried it in (quotes and non-ASCII escaped).
   */
  private masked(text: string): string {
    let out = text;
    for (const secret of [this.auth.password, this.auth.token, this.token]) {
      if (!secret) continue;
      for (const form of new Set([secret, JSON.stringify(secret).slice(1, -1)]))
        out = out.split(form).join("***");
    }
    return out;
  }

  /**
   * POSTs `body` as JSON (or GETs) an /api route with the token and returns `data`; throws OpenListReplyError
   * for an error `code`. A 401 (expired or invalidated token) triggers one new login, then the call again.
   */
  async call<T>(
    path: string,
    body: unknown,
    signal?: AbortSignal,
    method: "POST" | "GET" = "POST",
  ): Promise<T> {
    return this.authorized(async (token) => {
      const reply = await this.send(
        path,
        {
          method,
          ...(method === "POST" ? { body: JSON.stringify(body) } : {}),
          ...(signal ? { signal } : {}),
        },
        token,
      );
      if (reply.code !== 200) throw new OpenListReplyError(reply.code, reply.message);
      return reply.data as T;
    }, signal);
  }

  /**
   * Runs `request` with a token, once more after a fresh login if the server answered 401 (unless
   * `again` is false: a streamed body cannot be sent twice).
   */
  async authorized<T>(
    request: (token: string) => Promise<T>,
    signal?: AbortSignal,
    again = true,
  ): Promise<T> {
    const token = await this.currentToken(signal);
    try {
      return await request(token);
    } catch (error) {
      if (
        !(error instanceof OpenListReplyError) ||
        error.code !== 401 ||
        this.auth.token !== undefined ||
        !again
      ) {
        if (error instanceof OpenListReplyError && error.code === 401 && this.token === token)
          this.token = undefined;
        throw error;
      }
      if (this.token === token) this.token = undefined;
      return request(await this.currentToken(signal));
    }
  }
}

/** An HTTP 429 from the server or a proxy in front of it. */
export class ThrottleError extends Error {
  override name = "ThrottleError";
  readonly status = 429;
  constructor(readonly retryAfterMs: number | undefined) {
    super(`throttled (HTTP 429${retryAfterMs !== undefined ? `, retry after ${retryAfterMs} ms` : ""})`);
  }
}

/** An HTTP status other than 200 (OpenList itself answers 200; a proxy or /d/ may not). */
export class HttpStatusError extends Error {
  override name = "HttpStatusError";
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(`HTTP ${status}${detail ? `: ${detail}` : ""}`);
  }
}

/**
 * Converts a failed OpenList call into the DriveError it means: reply code 401 (and 403 "permission")
 * AuthenticationError; "object not found" (code 500, `internal/errs`) and 404 the not-found error of
 * `missing`; storage-side frequency limits and timeouts retryable; HTTP 429/5xx and network failures
 * retryable. Aborts pass through.
 */
export function toOpenListError(
  error: unknown,
  action: string,
  path: string,
  missing: "file" | "directory" = "file",
): Error {
  const reason = error instanceof Error ? error.message : String(error);
  const message = `openlist ${action} "${path}" failed: ${reason}`;
  if (error instanceof OpenListReplyError) {
    const options = { cause: error };
    if (error.code === 401 || (error.code === 403 && /permission/i.test(error.message)))
      return new AuthenticationError(message, path, options);
    if (error.code === 404 || NOT_FOUND.test(error.message)) {
      return missing === "file"
        ? new FileNotFoundError(message, path, options)
        : new DirectoryNotFoundError(message, path, options);
    }
    const retryable = error.code === 429 || (error.code === 500 && TRANSIENT.test(error.message));
    return new DriveError(message, path, { ...options, retryable });
  }
  const status = (error as { status?: unknown })?.status;
  return statusToDriveError(error, {
    status: typeof status === "number" ? status : undefined,
    message,
    path,
    missing,
  });
}

/** The `exp` and `iat` of a JWT in ms, where it has them. */
const jwtClaims = (token: string): { exp?: number; iat?: number } => {
  try {
    const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()) as Record<
      string,
      unknown
    >;
    return {
      ...(typeof payload.exp === "number" ? { exp: payload.exp * 1000 } : {}),
      ...(typeof payload.iat === "number" ? { iat: payload.iat * 1000 } : {}),
    };
  } catch {
    return {};
  }
};

/** `Retry-After` as seconds or an HTTP date, in ms. */
export const parseRetryAfter = (value: string | null): number | undefined => {
  if (value === null || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
};
