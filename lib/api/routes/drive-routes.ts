import { DRIVE_NAME } from "../../drives/drive-ref.ts";
import type { DriveFields } from "../../drives/types/drive-type.ts";
import {
  DriveTypeFieldSchema,
  drivePatchSchema,
  driveSchema,
  driveTypeOf,
} from "../../drives/types/registry.ts";
import type { DriveDeps } from "../../jobs/drives/deps.ts";
import { checkDriveAccess, listDriveEntries } from "../../jobs/drives/probe-drive.ts";
import {
  changeDrive,
  createDrive,
  deleteDrive,
  patchFields,
  replaceFields,
} from "../../jobs/drives/write-drive.ts";
import { NotFoundError } from "../../store/errors.ts";
import { parseWith, readJsonBody } from "../body.ts";
import type { ApiDeps } from "../deps.ts";
import { ApiError, notFound, shown, validationFailed } from "../errors.ts";
import { type ApiEvent, json, pathParam, type RouteHandler } from "../http.ts";
import { expectedVersion, pageParams } from "../params.ts";
import { driveView } from "../views.ts";

export const DRIVES_ROUTE = "/api/v1/drives";

/** Named drives under /api/v1/drives: CRUD (replies say which secrets are set, never one), check, entries. */
export function driveRoutes(deps: ApiDeps) {
  const drives = (): DriveDeps => {
    if (!deps.drives) throw new ApiError(501, "NOT_CONFIGURED", "this API has no drive store configured");
    return deps.drives;
  };
  const useCaseDeps = () => ({
    drives: drives(),
    log: deps.log,
    configs: deps.configs,
    localRoots: deps.localRoots,
  });
  const driveName = (event: ApiEvent): string => {
    const name = pathParam(event, "name");
    if (!DRIVE_NAME.test(name)) throw notFound(`drive ${JSON.stringify(shown(name))} not found`);
    return name;
  };
  const typeOfBody = (body: unknown) => {
    const { type } = parseWith(DriveTypeFieldSchema, body);
    return driveTypeOf(type) ?? (undefined as never);
  };
  const queryPath = (event: ApiEvent): string => event.queryStringParameters?.path ?? "";

  return {
    createDrive: (async (event) => {
      const body = readJsonBody(event);
      const type = typeOfBody(body);
      const fields = parseWith(driveSchema(type), body);
      const record = await createDrive(type, fields, useCaseDeps());
      return json(201, driveView(record), { location: `${DRIVES_ROUTE}/${record.name}` });
    }) satisfies RouteHandler,

    listDrives: (async (event) => {
      const page = await drives().records.list(pageParams(event));
      return json(200, { items: page.items.map(driveView), next_cursor: page.next_cursor });
    }) satisfies RouteHandler,

    getDrive: (async (event) => {
      const name = driveName(event);
      const record = await drives().records.get(name);
      if (!record) throw new NotFoundError("drive", name);
      return json(200, driveView(record));
    }) satisfies RouteHandler,

    patchDrive: (async (event) => {
      const name = driveName(event);
      const body = readJsonBody(event);
      const record = await drives().records.get(name);
      if (!record) throw new NotFoundError("drive", name);
      const type = driveTypeOf(record.type);
      if (!type) throw new NotFoundError("drive", name);
      const patch = parseWith(drivePatchSchema(type), body) as DriveFields;
      if (Object.keys(patch).length === 0) {
        throw validationFailed([{ path: "", message: "a PATCH body must set at least one field" }]);
      }
      const version = expectedVersion(event);
      return json(200, driveView(await changeDrive(name, patchFields(patch), useCaseDeps(), version)));
    }) satisfies RouteHandler,

    putDrive: (async (event) => {
      const name = driveName(event);
      const body = readJsonBody(event);
      const withName = body && typeof body === "object" && !("name" in body) ? { ...body, name } : body;
      const type = typeOfBody(withName);
      const fields = parseWith(driveSchema(type), withName);
      const version = expectedVersion(event);
      return json(200, driveView(await changeDrive(name, replaceFields(fields), useCaseDeps(), version)));
    }) satisfies RouteHandler,

    deleteDrive: (async (event) => {
      const name = driveName(event);
      await deleteDrive(name, useCaseDeps());
      return json(200, { name, deleted: true });
    }) satisfies RouteHandler,

    checkDrive: (async (event) =>
      json(
        200,
        await checkDriveAccess(driveName(event), queryPath(event), useCaseDeps()),
      )) satisfies RouteHandler,

    driveEntries: (async (event) =>
      json(
        200,
        await listDriveEntries(driveName(event), queryPath(event), useCaseDeps()),
      )) satisfies RouteHandler,
  };
}
