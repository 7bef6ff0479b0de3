import { createHash, timingSafeEqual } from "node:crypto";
import type { ApiAuthKind } from "../env.ts";
import { unauthorized } from "./errors.ts";
import { type ApiEvent, header } from "./http.ts";

/** The header that carries `SYNCRON_API_TOKEN` wherever `Authorization` is taken by IAM or a JWT. */
export const TOKEN_HEADER = "X-Syncron-Token";

const digest = (value: string): Buffer => createHash("sha256").update(value, "utf8").digest();

/**
 * True when `presented` equals `expected`, in time independent of where they differ:
 * both are hashed first so `timingSafeEqual` always compares 32 equal-length bytes.
 */
export function tokensMatch(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/** How the API's token is demanded: the token, and what API Gateway checked before the handler. */
export interface TokenAuth {
  readonly token?: string | undefined;
  /** Default `none` (`syncron dev`, `sst dev`): `Authorization` carries nothing else. */
  readonly gatewayAuth?: ApiAuthKind | undefined;
}

const bearer = (event: ApiEvent): string | undefined =>
  /^Bearer[ ]+(\S+)\s*$/i.exec(header(event, "authorization") ?? "")?.[1];

/**
 * Throws 401 unless the request presents the token: in {@link TOKEN_HEADER}, or, only where
 * `gatewayAuth` is `none`, as `Authorization: Bearer <token>` (on a deployed stage that header
 * carries the SigV4 signature or the JWT, so it is never read as the token there).
 * No-op when the token is unset or empty.
 */
export function assertAuthorized(event: ApiEvent, auth: TokenAuth): void {
  if (!auth.token) return;
  const bearerAllowed = (auth.gatewayAuth ?? "none") === "none";
  const presented = [header(event, TOKEN_HEADER), bearerAllowed ? bearer(event) : undefined];
  const token = auth.token;
  if (!presented.some((value) => value !== undefined && tokensMatch(value.trim(), token))) {
    throw unauthorized(bearerAllowed);
  }
}
