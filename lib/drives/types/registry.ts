import * as z from "../../util/zod.ts";
import { COMMON_FIELDS, type DriveFields, type DriveType } from "./drive-type.ts";
import { localDriveType } from "./local.ts";
import { openlistDriveType } from "./openlist.ts";
import { s3DriveType } from "./s3.ts";
import { webdavDriveType } from "./webdav.ts";

/** Every drive type, in one place: a new type is one file and one line here. */
export const DRIVE_TYPES: readonly DriveType[] = [
  s3DriveType,
  webdavDriveType,
  localDriveType,
  openlistDriveType,
];

export const DRIVE_TYPE_NAMES = DRIVE_TYPES.map((type) => type.type);

/** The type called `name`, or undefined. */
export const driveTypeOf = (name: string): DriveType | undefined => DRIVE_TYPES.find((t) => t.type === name);

/** The `type` field alone, checked first so an unknown type gets one clear message. */
export const DriveTypeFieldSchema = z.looseObject({
  type: z.enum(DRIVE_TYPE_NAMES as [string, ...string[]], {
    error: `type must be one of ${DRIVE_TYPE_NAMES.join(", ")}`,
  }),
});

const schemas = new Map<string, { full: z.ZodType; patch: z.ZodType }>(
  DRIVE_TYPES.map((type) => [
    type.type,
    {
      full: z.strictObject({ ...COMMON_FIELDS, type: z.literal(type.type), ...type.fields }),
      // null removes an optional field; name and type never change.
      patch: z.strictObject(
        Object.fromEntries(
          Object.entries(type.fields).map(([key, schema]) => [key, schema.nullable().optional()]),
        ),
      ),
    },
  ]),
);

/** A whole drive of this type as POST and PUT take it: name, type, settings and secrets; unknown fields refused. */
export const driveSchema = (type: DriveType): z.ZodType<DriveFields> =>
  schemas.get(type.type)?.full as z.ZodType<DriveFields>;

/** A PATCH of a drive of this type: any of its fields, `null` removing an optional one. */
export const drivePatchSchema = (type: DriveType): z.ZodType<DriveFields> =>
  schemas.get(type.type)?.patch as z.ZodType<DriveFields>;

/** Splits a drive's fields into settings (DynamoDB) and secrets (the secret store). */
export function splitSecrets(
  type: DriveType,
  fields: DriveFields,
): { settings: Record<string, unknown>; secrets: Record<string, string> } {
  const settings: Record<string, unknown> = {};
  const secrets: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (key === "name" || key === "type" || value === undefined || value === null) continue;
    if (type.secrets.includes(key)) secrets[key] = String(value);
    else settings[key] = value;
  }
  return { settings, secrets };
}
