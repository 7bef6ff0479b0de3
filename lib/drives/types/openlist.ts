import * as z from "../../util/zod.ts";
import { refSegments } from "../drive-ref.ts";
import {
  type DriveType,
  httpUrlField,
  LOGIN_FIELDS,
  limitsOf,
  RATE_LIMIT_FIELDS,
  secretField,
} from "./drive-type.ts";

/**
 * An OpenList (or Alist v3) site through its REST API: `url` is the site, a path is a folder inside
 * OpenList (`pan:/baidu/backup`). Log in with `username` + `password`, or give a `token`.
 */
export const openlistDriveType: DriveType = {
  type: "openlist",
  fields: {
    ...RATE_LIMIT_FIELDS,
    url: httpUrlField(),
    ...LOGIN_FIELDS,
    token: secretField("token").optional(),
    refresh: z.boolean().optional(),
    keeps_mod_times: z.boolean().optional(),
  },
  secrets: ["password", "token"],
  secretsGoTo: ["url"],
  check(fields) {
    const login = fields.username !== undefined || fields.password !== undefined;
    if (fields.token !== undefined && login)
      return [{ path: "token", message: "give either a token or username and password, not both" }];
    if (fields.token === undefined && (fields.username === undefined || fields.password === undefined))
      return [{ path: "password", message: "give username and password (OpenList's login), or a token" }];
    return [];
  },
  locate(fields, path) {
    return {
      kind: "openlist",
      url: String(fields.url).replace(/\/+$/, ""),
      root: `/${refSegments(path).join("/")}`,
      ...(typeof fields.username === "string" ? { username: fields.username } : {}),
      ...(typeof fields.password === "string" ? { password: fields.password } : {}),
      ...(typeof fields.token === "string" ? { token: fields.token } : {}),
      ...(typeof fields.refresh === "boolean" ? { refresh: fields.refresh } : {}),
      ...(typeof fields.keeps_mod_times === "boolean" ? { keepsModTimes: fields.keeps_mod_times } : {}),
      ...limitsOf(fields),
    };
  },
};
