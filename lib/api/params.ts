import * as z from "../util/zod.ts";
import { parseWith } from "./body.ts";
import { badRequest, notFound, shown } from "./errors.ts";
import { type ApiEvent, header, pathParam } from "./http.ts";

/** Config ids (lib/store ID_PATTERN, 1-128 chars) and task ids (which embed a config id) fit this. */
export const PATH_ID = /^[A-Za-z0-9_.-]{1,200}$/;

/** Largest page a listing returns. */
const MAX_PAGE_SIZE = 100;

export const PageQuery = z.object({
  limit: z.coerce
    .number({ error: "limit must be a whole number" })
    .int({ error: "limit must be a whole number" })
    .min(1, { error: "limit must be at least 1" })
    .max(MAX_PAGE_SIZE, { error: `limit must be at most ${MAX_PAGE_SIZE}` })
    .optional(),
  cursor: z.string().min(1, { error: "cursor must not be empty" }).optional(),
});

/** The query of task-result/{task_id}/items. */
export const ItemsQuery = z.strictObject({
  op: z
    .enum(["copy", "update", "delete", "skip"], { error: "op must be one of copy, update, delete, skip" })
    .optional(),
  status: z
    .enum(["done", "failed", "planned"], { error: "status must be one of done, failed, planned" })
    .optional(),
  include_skips: z.enum(["true", "false"], { error: "include_skips must be true or false" }).optional(),
  ...PageQuery.shape,
});

/** `?op=&status=&include_skips=&limit=&cursor=` of a run's per-file items. 400 naming the bad parameter. */
export function itemsParams(event: ApiEvent) {
  const { op, status, include_skips, limit, cursor } = parseWith(
    ItemsQuery,
    event.queryStringParameters ?? {},
  );
  return {
    ...(op === undefined ? {} : { op }),
    ...(status === undefined ? {} : { status }),
    includeSkips: include_skips === "true",
    ...(limit === undefined ? {} : { limit }),
    ...(cursor === undefined ? {} : { cursor }),
  };
}

/** `?limit=&cursor=` of a listing. 400 naming the bad parameter. */
export function pageParams(event: ApiEvent): { limit?: number; cursor?: string } {
  const { limit, cursor } = parseWith(PageQuery, event.queryStringParameters ?? {});
  return { ...(limit === undefined ? {} : { limit }), ...(cursor === undefined ? {} : { cursor }) };
}

/**
 * An id path parameter. An id that could never have been issued is a 404 for `what`, like an
 * unknown one, so a lookup never reaches the store with it.
 */
export function idParam(event: ApiEvent, name: string, what: string): string {
  const id = pathParam(event, name);
  if (!PATH_ID.test(id)) {
    throw notFound(`${what} ${JSON.stringify(shown(id))} not found`);
  }
  return id;
}

/**
 * The expected version from `If-Match` (`"3"`, `3` or `W/"3"`), for optimistic concurrency:
 * a stale version is a 409. Undefined when the header is absent.
 */
export function expectedVersion(event: ApiEvent): number | undefined {
  const value = header(event, "if-match");
  if (value === undefined) return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(value);
  if (!match?.[1]) {
    throw badRequest(`If-Match must be a config version such as "3", got ${JSON.stringify(value)}`, [
      { path: "If-Match", message: "must be a config version number" },
    ]);
  }
  return Number(match[1]);
}
