import { isAbsolute, join } from "node:path";
import * as z from "../../util/zod.ts";
import { refSegments } from "../drive-ref.ts";
import { type DriveType, limitsOf, RATE_LIMIT_FIELDS } from "./drive-type.ts";

/** A folder on the worker's disk (locally: the dev machine's). Paths stay inside `root`. */
export const localDriveType: DriveType = {
  type: "local",
  fields: {
    ...RATE_LIMIT_FIELDS,
    root: z
      .string()
      .min(1)
      .max(2048)
      .refine((root) => isAbsolute(root), "root must be an absolute path")
      .refine((root) => !root.includes("\0"), "root must not contain a NUL character"),
  },
  secrets: [],
  locate(fields, path) {
    return { kind: "local", root: join(String(fields.root), ...refSegments(path)), ...limitsOf(fields) };
  },
};
