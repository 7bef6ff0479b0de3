/**
 * The zod API syncron uses, as named exports. Imported as a namespace (`import * as z`, this file),
 * `z.object(…)` reads as before, but a bundler keeps only what is used; zod's own `z` keeps all of
 * its classic namespace, 40 locales and JSON-Schema conversion included (470 kB of each Lambda
 * bundle, bench:coldstart). Add a name here when a schema needs one; test/house forbids the other way.
 */

export type { infer, input, output } from "zod";
export {
  array,
  boolean,
  coerce,
  discriminatedUnion,
  enum,
  iso,
  literal,
  looseObject,
  NEVER,
  number,
  object,
  record,
  strictObject,
  string,
  undefined,
  union,
  unknown,
  ZodError,
  ZodObject,
  ZodType,
} from "zod";
export type * as core from "zod/v4/core";
/** The standalone converter (zod/v4/core), not the classic namespace's: the OpenAPI document (lib/api/openapi). */
export { toJSONSchema } from "zod/v4/core";
