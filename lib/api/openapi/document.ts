import { DRIVE_TYPES, drivePatchSchema, driveSchema } from "../../drives/types/registry.ts";
import { SyncConfigInputSchema, SyncConfigPatchSchema } from "../../store/sync-config.ts";
import * as z from "../../util/zod.ts";
import { TOKEN_HEADER } from "../auth.ts";
import { ItemsQuery, PageQuery } from "../params.ts";
import { API_ROUTES, type RouteName, type RouteSpec } from "../route-table.ts";
import { SeedImportBody } from "../routes/import-routes.ts";
import { RunsQuery } from "../routes/run-routes.ts";
import { ValidateCronBody } from "../routes/scheduler-routes.ts";
import * as replies from "./reply-schemas.ts";

/** A drive as POST and PUT take it: one schema per type (lib/drives/types). */
const DRIVE_BODY = z.union(DRIVE_TYPES.map(driveSchema) as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]]);
const DRIVE_PATCH_BODY = z.union(
  DRIVE_TYPES.map(drivePatchSchema) as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]],
);

/** One route's documentation: the request it takes and the replies it gives, as zod schemas. */
interface Operation {
  readonly summary: string;
  readonly tag: "configs" | "drives" | "runs" | "scheduler" | "system";
  readonly body?: z.ZodType;
  readonly query?: z.ZodObject;
  /** Status → reply body; every route also documents the error shape for 4xx/5xx. */
  readonly replies: Readonly<Record<number, z.ZodType>>;
  readonly public?: boolean;
}

type JsonSchema = Record<string, unknown>;

/** Reply bodies used by several routes, written once under `components.schemas`. */
const COMPONENTS = {
  Error: replies.ErrorReply,
  SyncConfig: replies.ConfigReply,
  SyncConfigPage: replies.ConfigPage,
  Run: replies.RunReply,
  RunPage: replies.RunPage,
  TaskResult: replies.TaskResultReply,
  CronReport: replies.CronReply,
  TaskStatus: replies.TaskStatusReply,
  Drive: replies.DriveReply,
} as const satisfies Record<string, z.ZodType>;

const componentName = new Map<z.ZodType, string>(Object.entries(COMPONENTS).map(([n, s]) => [s, n]));

const OPERATIONS: Partial<Record<RouteName, Operation>> = {
  healthz: {
    summary: "Liveness check (no auth)",
    tag: "system",
    replies: { 200: replies.HealthReply },
    public: true,
  },
  openapi: {
    summary: "This document (no auth)",
    tag: "system",
    replies: { 200: z.looseObject({ openapi: z.string() }) },
    public: true,
  },
  createConfig: {
    summary:
      "Create a sync config (and its schedule); 409 TARGET_SHARED when its target overlaps another enabled config's and one of them is a mirror",
    tag: "configs",
    body: SyncConfigInputSchema,
    replies: { 201: replies.ConfigReply },
  },
  previewConfig: {
    summary:
      "Dry-run a config that is not saved: queues a preview run (trigger preview) that writes nowhere; poll task-result/{task_id} and its items (status planned) for what it would copy, update and delete",
    tag: "configs",
    body: SyncConfigInputSchema,
    replies: { 202: replies.PreviewReply },
  },
  listConfigs: {
    summary: "List sync configs",
    tag: "configs",
    query: PageQuery,
    replies: { 200: replies.ConfigPage },
  },
  importConfigs: {
    summary: "Import the seed system's sync configs (a report per row; dry_run writes nothing)",
    tag: "configs",
    body: SeedImportBody,
    replies: { 200: replies.SeedImportReply },
  },
  getConfig: { summary: "Read one sync config", tag: "configs", replies: { 200: replies.ConfigReply } },
  patchConfig: {
    summary: "Change some fields of a sync config (If-Match: version)",
    tag: "configs",
    body: SyncConfigPatchSchema,
    replies: { 200: replies.ConfigReply },
  },
  putConfig: {
    summary: "Replace a sync config (If-Match: version)",
    tag: "configs",
    body: SyncConfigInputSchema,
    replies: { 200: replies.ConfigReply },
  },
  deleteConfig: {
    summary: "Delete a sync config and its schedules",
    tag: "configs",
    replies: { 200: replies.DeletedReply },
  },
  listRuns: {
    summary: "A config's runs, newest first",
    tag: "configs",
    query: PageQuery,
    replies: { 200: replies.RunPage },
  },
  listAllRuns: {
    summary:
      "Every run, newest first; ?status= and ?config_id= narrow it (a page may then be short: follow next_cursor)",
    tag: "runs",
    query: RunsQuery,
    replies: { 200: replies.RunPage },
  },
  retryRun: {
    summary: "Run a FAILURE or CANCELLED run's config again (retry_of links the new run); 409 otherwise",
    tag: "runs",
    replies: { 202: replies.RetryReply },
  },
  cancelRun: {
    summary:
      "Cancel a run: 200 CANCELLED now (PENDING, RETRY), 202 while a STARTED one stops at its next file boundary; 409 when finished",
    tag: "runs",
    replies: { 200: replies.CancelReply, 202: replies.CancelReply },
  },
  createDrive: {
    summary: "Create a named drive; its secrets go to the secret store",
    tag: "drives",
    body: DRIVE_BODY,
    replies: { 201: replies.DriveReply },
  },
  listDrives: {
    summary: "List drives",
    tag: "drives",
    query: PageQuery,
    replies: { 200: replies.DrivePage },
  },
  getDrive: {
    summary: "Read one drive (secrets_set, never a secret)",
    tag: "drives",
    replies: { 200: replies.DriveReply },
  },
  patchDrive: {
    summary:
      "Change some fields: a secret sent rotates it, one not sent is kept, null removes (If-Match: version)",
    tag: "drives",
    body: DRIVE_PATCH_BODY,
    replies: { 200: replies.DriveReply },
  },
  putDrive: {
    summary: "Replace a drive: fields not sent, secrets too, are removed (If-Match: version)",
    tag: "drives",
    body: DRIVE_BODY,
    replies: { 200: replies.DriveReply },
  },
  deleteDrive: {
    summary: "Delete a drive and its secrets (409 DRIVE_IN_USE naming the configs that use it)",
    tag: "drives",
    replies: { 200: replies.DriveDeletedReply },
  },
  checkDrive: {
    summary: "Log in and list the drive's root: ok, or AUTH_FAILED / NOT_FOUND / UNREACHABLE",
    tag: "drives",
    query: z.object({ path: z.string().optional() }),
    replies: { 200: replies.DriveCheckReply },
  },
  driveEntries: {
    summary: "One folder of a drive (name, type, size, mod time)",
    tag: "drives",
    query: z.object({ path: z.string().optional() }),
    replies: { 200: replies.DriveEntriesReply },
  },
  refreshTasks: {
    summary: "Reconcile every schedule with the configs",
    tag: "scheduler",
    replies: { 200: replies.RefreshReply },
  },
  taskStatus: {
    summary: "Backend, schedules with next fire (paged by name), queue depth",
    tag: "scheduler",
    query: PageQuery,
    replies: { 200: replies.TaskStatusReply },
  },
  validateCron: {
    summary: "Validate a cron expression: description and next runs (200 also when invalid: valid=false)",
    tag: "scheduler",
    body: z.union([
      z.string().meta({ description: "The bare expression (the seed's form)" }),
      ValidateCronBody,
    ]),
    replies: { 200: replies.CronReply },
  },
  clearTasks: { summary: "Remove every schedule", tag: "scheduler", replies: { 200: replies.ClearReply } },
  executeSync: {
    summary: "Run a config now (409 CONFIG_BUSY naming the task while a run of it is going)",
    tag: "scheduler",
    replies: { 202: replies.QueuedReply },
  },
  executeAllEnabled: {
    summary: "Run every enabled config now",
    tag: "scheduler",
    replies: { 202: replies.QueuedAllReply },
  },
  taskResult: {
    summary: "One run (the seed's task result)",
    tag: "scheduler",
    replies: { 200: replies.TaskResultReply },
  },
  taskItems: {
    summary: "A run's per-file report, page by page (skips summarised unless asked)",
    tag: "scheduler",
    query: ItemsQuery,
    replies: { 200: replies.TaskItemsReply },
  },
};

const toJson = (schema: z.ZodType, io: "input" | "output"): JsonSchema => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  return rest;
};

/** A reply's schema by reference when it is a component, inline otherwise. */
const jsonSchema = (schema: z.ZodType, io: "input" | "output"): JsonSchema => {
  const named = io === "output" ? componentName.get(schema) : undefined;
  return named ? { $ref: `#/components/schemas/${named}` } : toJson(schema, io);
};

const jsonContent = (schema: JsonSchema) => ({ "application/json": { schema } });

const ERROR_STATUSES: Record<number, string> = {
  400: "Bad input: `details` names each bad field",
  401: "Missing or wrong token",
  404: "Not found",
  409: "Conflict (stale If-Match version, config disabled, ended or busy, target shared with another config where one is a mirror, run not retryable or finished)",
  413: "Body too large",
  415: "Body is not JSON",
  503: "Store, scheduler or queue unavailable; retry later",
};

function operationOf(route: RouteSpec, doc: Operation | undefined): JsonSchema {
  const pathParams = [...route.path.matchAll(/\{([^}]+)\}/g)].map((match) => ({
    name: match[1],
    in: "path",
    required: true,
    schema: { type: "string" },
  }));
  const queryParams = Object.entries(doc?.query?.shape ?? {}).map(([name, schema]) => ({
    name,
    in: "query",
    required: false,
    schema: jsonSchema(schema as z.ZodType, "input"),
  }));
  const responses: Record<string, unknown> = {};
  for (const [status, schema] of Object.entries(doc?.replies ?? { 200: z.looseObject({}) })) {
    responses[status] = { description: "Success", content: jsonContent(jsonSchema(schema, "output")) };
  }
  const errorRef = jsonContent({ $ref: "#/components/schemas/Error" });
  for (const [status, description] of Object.entries(ERROR_STATUSES)) {
    if (doc?.public && status === "401") continue;
    responses[status] = { description, content: errorRef };
  }
  responses.default = { description: "Any other error", content: errorRef };
  return {
    operationId: route.name,
    summary: doc?.summary ?? route.name,
    tags: [doc?.tag ?? "other"],
    ...(pathParams.length + queryParams.length > 0 ? { parameters: [...pathParams, ...queryParams] } : {}),
    ...(doc?.body
      ? { requestBody: { required: true, content: jsonContent(jsonSchema(doc.body, "input")) } }
      : {}),
    ...(doc?.public ? { security: [] } : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of every route in {@link API_ROUTES}, from the zod schemas the routes use. */
export function openApiDocument(version: string): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of API_ROUTES) {
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = operationOf(route, OPERATIONS[route.name]);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "syncron API",
      version,
      description:
        "Scheduled file sync. JSON in and out (`Content-Type: application/json`), snake_case; every error is `{error:{code,message,details}}`.",
    },
    tags: [
      { name: "configs", description: "Sync configs and their runs" },
      { name: "runs", description: "Every run; retry and cancel" },
      { name: "drives", description: "Named drives (name:path locations); secrets in a secret store" },
      { name: "scheduler", description: "The seed's scheduler routes, paths unchanged" },
      { name: "system", description: "Health and this document" },
    ],
    security: [{ token: [] }, { bearer: [] }],
    paths,
    components: {
      schemas: Object.fromEntries(
        Object.entries(COMPONENTS).map(([name, schema]) => [name, toJson(schema, "output")]),
      ),
      securitySchemes: {
        token: { type: "apiKey", in: "header", name: TOKEN_HEADER, description: "SYNCRON_API_TOKEN" },
        bearer: {
          type: "http",
          scheme: "bearer",
          description: "SYNCRON_API_TOKEN (syncron dev), or the JWT on AWS",
        },
      },
    },
  };
}

/** The routes with full documentation (the rest get their path parameters and the error shape only). */
export const documentedRoutes = (): RouteName[] => Object.keys(OPERATIONS) as RouteName[];
