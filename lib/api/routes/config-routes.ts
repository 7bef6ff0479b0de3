import type { ConfigWriteResult } from "../../jobs/create-config.ts";
import { createConfig } from "../../jobs/create-config.ts";
import { deleteConfig } from "../../jobs/delete-config.ts";
import { requireConfig } from "../../jobs/ports.ts";
import { enqueuePreview } from "../../jobs/preview-config.ts";
import { updateConfig } from "../../jobs/update-config.ts";
import { configInputSchema, SyncConfigPatchSchema } from "../../store/sync-config.ts";
import { parseWith, readJsonBody } from "../body.ts";
import type { ApiDeps } from "../deps.ts";
import { validationFailed } from "../errors.ts";
import { type ApiEvent, json, type RouteHandler } from "../http.ts";
import { expectedVersion, idParam, pageParams } from "../params.ts";
import { configView, runView } from "../views.ts";

/** Sync-config CRUD under /api/v1/sync-configs, and a config's runs. */
export function configRoutes(deps: ApiDeps) {
  const written = ({ config, schedule_error }: ConfigWriteResult) => ({
    ...configView(config, deps.clock()),
    ...(schedule_error === undefined ? {} : { schedule_error }),
  });
  const inputSchema = configInputSchema(deps.defaultTimezone);
  const configId = (event: ApiEvent) => idParam(event, "id", "sync config");
  const versionOption = (event: ApiEvent) => {
    const version = expectedVersion(event);
    return version === undefined ? {} : { expectedVersion: version };
  };

  return {
    createConfig: (async (event) => {
      const fields = parseWith(inputSchema, readJsonBody(event));
      const result = await createConfig(fields, deps);
      return json(201, written(result), { location: `/api/v1/sync-configs/${result.config.id}` });
    }) satisfies RouteHandler,

    previewConfig: (async (event) => {
      const fields = parseWith(inputSchema, readJsonBody(event));
      return json(202, await enqueuePreview(fields, deps));
    }) satisfies RouteHandler,

    listConfigs: (async (event) => {
      const page = await deps.configs.list(pageParams(event));
      const now = deps.clock();
      return json(200, { items: page.items.map((c) => configView(c, now)), next_cursor: page.next_cursor });
    }) satisfies RouteHandler,

    getConfig: (async (event) =>
      json(
        200,
        configView(await requireConfig(deps.configs, configId(event)), deps.clock()),
      )) satisfies RouteHandler,

    patchConfig: (async (event) => {
      const id = configId(event);
      const patch = parseWith(SyncConfigPatchSchema, readJsonBody(event));
      if (Object.values(patch).every((value) => value === undefined)) {
        throw validationFailed([{ path: "", message: "a PATCH body must set at least one field" }]);
      }
      return json(200, written(await updateConfig(id, patch, deps, versionOption(event))));
    }) satisfies RouteHandler,

    putConfig: (async (event) => {
      const id = configId(event);
      const fields = parseWith(inputSchema, readJsonBody(event));
      return json(200, written(await updateConfig(id, fields, deps, versionOption(event))));
    }) satisfies RouteHandler,

    deleteConfig: (async (event) => {
      const id = configId(event);
      const { schedule_error } = await deleteConfig(id, deps);
      return json(200, { id, deleted: true, ...(schedule_error === undefined ? {} : { schedule_error }) });
    }) satisfies RouteHandler,

    listRuns: (async (event) => {
      const id = configId(event);
      const page = pageParams(event);
      await requireConfig(deps.configs, id);
      const runs = await deps.runs.listByConfig(id, page);
      return json(200, { items: runs.items.map(runView), next_cursor: runs.next_cursor });
    }) satisfies RouteHandler,
  };
}
