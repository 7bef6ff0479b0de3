import { isAbsolute, join } from "node:path";
import * as z from "../../util/zod.ts";
import { refSegments } from "../drive-ref.ts";
import { assertLocalAllowed, LocalPathRefusedError } from "../local-roots.ts";
import { type DriveType, limitsOf, RATE_LIMIT_FIELDS } from "./drive-type.ts";

/**
 * A folder on the worker's disk (locally: the dev machine's). Paths stay inside `root`, which must lie
 * in the allowed roots (SYNCRON_LOCAL_ROOTS) when the drive is created or changed, and again at each run.
 */
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
  check(fields, { localRoots }) {
    // The API's rule for local locations (SYNCRON_LOCAL_ROOTS, real paths), also when a drive names one.
    try {
      assertLocalAllowed(String(fields.root), localRoots);
      return [];
    } catch (error) {
      if (error instanceof LocalPathRefusedError) return [{ path: "root", message: error.message }];
      throw error;
    }
  },
  locate(fields, path) {
    const root = String(fields.root);
    const segments = refSegments(path);
    return {
      kind: "local",
      root: join(root, ...segments),
      ...(segments.length > 0 ? { within: root } : {}),
      ...limitsOf(fields),
    };
  },
};
