import type * as z from "../util/zod.ts";
import {
  badRequest,
  type FieldIssue,
  payloadTooLarge,
  unsupportedMediaType,
  validationFailed,
} from "./errors.ts";
import { type ApiEvent, header, requestMethod } from "./http.ts";

/** Largest accepted request body: 256 KiB (a config is a few hundred bytes). */
export const MAX_BODY_BYTES = 256 * 1024;

/** The raw body as bytes (API Gateway base64-encodes bodies it considers binary). */
function bodyBytes(event: ApiEvent): Buffer {
  if (event.body === undefined || event.body === null) return Buffer.alloc(0);
  return Buffer.from(event.body, event.isBase64Encoded ? "base64" : "utf8");
}

/** Throws 413 when the body is above `limit` bytes. Checked for every route, before anything else reads it. */
export function assertBodySize(event: ApiEvent, limit = MAX_BODY_BYTES): void {
  if (event.body === undefined || event.body === null) return;
  // base64 is 4/3 of the bytes: a cheap upper bound first, exact count only near the limit.
  const approx = event.isBase64Encoded ? Math.floor((event.body.length * 3) / 4) : event.body.length;
  if (approx <= limit / 4) return;
  const size = bodyBytes(event).length;
  if (size > limit) throw payloadTooLarge(size, limit);
}

const isJsonMediaType = (contentType: string): boolean => {
  const media = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return media === "application/json" || /^application\/[a-z0-9.+-]+\+json$/.test(media);
};

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Throws 415 when a mutating request (POST, PUT, PATCH, DELETE) carries a body or a Content-Type
 * that is not JSON, on every route, before it runs: a browser's cross-site form or `text/plain`
 * POST never reaches a route. A request with neither (the seed's `curl -X POST …/refresh-tasks`) passes.
 */
export function assertJsonIfAny(event: ApiEvent): void {
  if (!MUTATING.has(requestMethod(event).toUpperCase())) return;
  const contentType = header(event, "content-type");
  if (contentType === undefined ? bodyBytes(event).length > 0 : !isJsonMediaType(contentType)) {
    throw unsupportedMediaType(contentType);
  }
}

/**
 * The body parsed as JSON. 415 unless the content type is JSON; 400 when the body is empty or
 * not valid JSON. Any JSON value is returned (the seed sends a bare string to validate-cron).
 */
export function readJsonBody(event: ApiEvent): unknown {
  const contentType = header(event, "content-type");
  if (contentType === undefined || !isJsonMediaType(contentType)) throw unsupportedMediaType(contentType);
  const text = bodyBytes(event).toString("utf8");
  if (text.trim() === "") throw badRequest("request body is empty; send a JSON document");
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    // Never JSON.parse's own message: it quotes the text around the fault ('Unexpected token 'Z',
    // ..."password":Zq9SECRETz"... is not valid JSON'), and a body may carry a drive's secrets.
    const position = /at position (\d+)/.exec((error as Error).message)?.[1];
    throw badRequest(
      `request body is not valid JSON${position === undefined ? "" : ` (at character ${Number(position) + 1})`}`,
    );
  }
}

/** Zod issues as `{path, message}` pairs, the `details` of a 400. */
function fieldIssues(error: z.ZodError, value: unknown): FieldIssue[] {
  return error.issues.flatMap((issue) =>
    // Zod's "expected object, received number" names no field: say which document was wrong.
    issue.path.length === 0 && issue.code === "invalid_type" && issue.expected === "object"
      ? [{ path: "", message: `request must be a JSON object (got ${jsonKind(value)})` }]
      : issuesOf(issue, []),
  );
}

/** The kind of a JSON value as a person would name it: an array, null, a number, a string… */
export const jsonKind = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;

/**
 * A union's bare "Invalid input" says nothing; when the value is of the type of exactly one member
 * (an object where a string or an object is allowed), that member's own issues name what is wrong.
 */
function issuesOf(issue: z.core.$ZodIssue, base: readonly PropertyKey[]): FieldIssue[] {
  const path = [...base, ...issue.path];
  if (issue.code === "invalid_union") {
    const sameType = issue.errors.filter(
      (branch) => !(branch.length === 1 && branch[0]?.code === "invalid_type" && branch[0].path.length === 0),
    );
    if (sameType.length === 1) return sameType[0]!.flatMap((inner) => issuesOf(inner, path));
  }
  return [{ path: path.map(String).join("."), message: issue.message }];
}

/** Parses `value` with `schema`, or throws a 400 naming every bad field. */
export function parseWith<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationFailed(fieldIssues(result.error, value), result.error);
  return result.data;
}
