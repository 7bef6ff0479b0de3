import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { openApiDocument } from "../../../lib/api/openapi/document.ts";
import { API_ROUTES } from "../../../lib/api/route-table.ts";

/**
 * Checks API replies against the OpenAPI document the API serves (GET /openapi.json): the route is
 * found by method and path, the reply's status must be documented (or fall under `default`), and
 * its body must match that status's schema. Every reply of the API stack goes through it
 * (test/support/api/api-stack.ts), so the document cannot drift from the code.
 */

const DOC_ID = "https://syncron.invalid/openapi.json";
const document = { $id: DOC_ID, ...openApiDocument("test") } as unknown as Record<string, unknown> & {
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
};
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(document);

const pointer = (...parts: string[]) =>
  parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");

const routes = API_ROUTES.map((route) => ({
  route,
  pattern: new RegExp(`^${route.path.replace(/\{[^/}]+\}/g, "[^/]+")}/?$`),
}));

/** The mismatches of one reply with the document (empty when it conforms, or the route is unknown). */
export function replyProblems(method: string, rawPath: string, status: number, body: unknown): string[] {
  const path = rawPath.split("?")[0] ?? "";
  const match = routes.find(
    ({ route, pattern }) => route.method === method.toUpperCase() && pattern.test(path),
  );
  if (!match) return []; // 404/405 of an unknown route: the error shape is checked below by default
  const method_ = match.route.method.toLowerCase();
  const responses = document.paths[match.route.path]?.[method_]?.responses ?? {};
  const key = String(status) in responses ? String(status) : "default";
  if (!(key in responses)) return [`${method} ${path} answered ${status}, which the document does not list`];
  const validate = ajv.getSchema(
    `${DOC_ID}#/${pointer("paths", match.route.path, method_, "responses", key, "content", "application/json", "schema")}`,
  );
  if (!validate) return [`no schema for ${method} ${path} ${key}`];
  if (validate(body)) return [];
  return (validate.errors ?? []).map(
    (error) =>
      `${method} ${path} ${status}: ${error.instancePath || "/"} ${error.message} (${error.schemaPath})`,
  );
}

/** Throws when the reply does not match the documented schema of its route and status. */
export function assertDocumentedReply(method: string, path: string, status: number, body: unknown): void {
  const problems = replyProblems(method, path, status, body);
  if (problems.length > 0) {
    throw new Error(`reply does not match /openapi.json:\n${problems.join("\n")}\n${JSON.stringify(body)}`);
  }
}
