import { createHash, timingSafeEqual } from "node:crypto";
import { unauthorized } from "./errors.ts";
import { type ApiEvent, header } from "./http.ts";

const digest = (value: string): Buffer => createHash("sha256").update(value, "utf8").digest();

/**
 * True when `presented` equals `expected`, in time independent of where they differ:
 * both are hashed first so `timingSafeEqual` always compares 32 equal-length bytes.
 */
export function tokensMatch(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/** Throws 401 unless the request carries `Authorization: Bearer <token>`. No-op when `token` is unset or empty. */
export function assertAuthorized(event: ApiEvent, token: string | undefined): void {
  if (!token) return;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header(event, "authorization") ?? "");
  if (!match?.[1] || !tokensMatch(match[1], token)) throw unauthorized();
}
