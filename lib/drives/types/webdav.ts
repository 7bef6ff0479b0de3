import * as z from "../../util/zod.ts";
import { refSegments } from "../drive-ref.ts";
import { LocationError, parseLocation } from "../location.ts";
import { type DriveType, secretField } from "./drive-type.ts";

/** A WebDAV account (OpenList/Alist, Nextcloud, Nutstore, …): `url` is its root folder. */
export const webdavDriveType: DriveType = {
  type: "webdav",
  fields: {
    url: z
      .string()
      .max(2048)
      .regex(
        /^https?:\/\/[^/?#@]+(\/[^?#]*)?$/i,
        "url must be an http:// or https:// URL without credentials, query or fragment",
      ),
    username: z.string().min(1).max(256).optional(),
    password: secretField("password").optional(),
    vendor: z.enum(["nextcloud", "owncloud", "other"]).optional(),
  },
  secrets: ["password"],
  locate(fields, path) {
    const url = String(fields.url).replace(/\/+$/, "");
    const segments = refSegments(path).map(encodeURIComponent);
    const location = parseLocation(
      `${url.replace(/^http/i, "webdav")}${segments.map((s) => `/${s}`).join("")}`,
    );
    if (location.kind !== "webdav") throw new LocationError("not a webdav location");
    return {
      ...location,
      ...(typeof fields.username === "string" ? { username: fields.username } : {}),
      ...(typeof fields.password === "string" ? { password: fields.password } : {}),
      ...(typeof fields.vendor === "string"
        ? { vendor: fields.vendor as "nextcloud" | "owncloud" | "other" }
        : {}),
    };
  },
};
