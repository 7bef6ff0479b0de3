import * as z from "../../util/zod.ts";
import { refSegments } from "../drive-ref.ts";
import { LocationError, parseLocation } from "../location.ts";
import { type DriveType, httpUrlField, LOGIN_FIELDS, limitsOf, RATE_LIMIT_FIELDS } from "./drive-type.ts";

/** A WebDAV account (OpenList/Alist, Nextcloud, Nutstore, …): `url` is its root folder. */
export const webdavDriveType: DriveType = {
  type: "webdav",
  fields: {
    ...RATE_LIMIT_FIELDS,
    url: httpUrlField(),
    ...LOGIN_FIELDS,
    vendor: z.enum(["nextcloud", "owncloud", "other"]).optional(),
  },
  secrets: ["password"],
  secretsGoTo: ["url"],
  locate(fields, path) {
    const url = String(fields.url).replace(/\/+$/, "");
    const segments = refSegments(path).map(encodeURIComponent);
    const location = parseLocation(
      `${url.replace(/^http/i, "webdav")}${segments.map((s) => `/${s}`).join("")}`,
    );
    if (location.kind !== "webdav") throw new LocationError("not a webdav location");
    return {
      ...location,
      ...limitsOf(fields),
      ...(typeof fields.username === "string" ? { username: fields.username } : {}),
      ...(typeof fields.password === "string" ? { password: fields.password } : {}),
      ...(typeof fields.vendor === "string"
        ? { vendor: fields.vendor as "nextcloud" | "owncloud" | "other" }
        : {}),
    };
  },
};
