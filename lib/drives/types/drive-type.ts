import * as z from "../../util/zod.ts";
import { DRIVE_NAME } from "../drive-ref.ts";
import type { LocalRoots } from "../local-roots.ts";
import type { DriveLimits, Location } from "../location.ts";

/** A drive's fields as sent and stored: settings and secrets together (secrets only ever in the secret store). */
export type DriveFields = Readonly<Record<string, unknown>>;

/**
 * One kind of drive account (s3, webdav, local, …): its fields as one zod shape, which of them are
 * secrets, and how a path inside such a drive becomes a {@link Location}. Adding a type is one
 * file exporting one of these, listed in `registry.ts`.
 */
export interface DriveType {
  /** The `type` value clients send. */
  readonly type: string;
  /** The type's own fields (besides `name` and `type`), optional ones `.optional()`. */
  readonly fields: Readonly<Record<string, z.ZodType>>;
  /** Names of the fields that are secrets: kept in the secret store, shown only in `secrets_set`. */
  readonly secrets: readonly string[];
  /**
   * The settings that say where the secrets are sent (a server's URL or endpoint). A change of one
   * must come with the secrets again: kept, they would go to the new place, so anyone allowed to
   * PATCH a drive, yet never shown its secrets, could read them off a server of their own.
   */
  readonly secretsGoTo?: readonly string[];
  /**
   * Rules across fields of a complete drive (e.g. both S3 keys or neither), and rules of the place it
   * is stored in (`context`: a local root inside the allowed roots): `{path, message}` per problem.
   */
  check?(fields: DriveFields, context: DriveCheckContext): { path: string; message: string }[];
  /** Where `path` (a `name:path` location's path) lies inside a drive with these fields. Throws LocationError. */
  locate(fields: DriveFields, path: string): Location;
}

/** What a drive is checked against besides its own fields, where it is created or changed. */
export interface DriveCheckContext {
  /** Folders a local drive's `root` must lie in (real paths); none: local drives are refused. */
  readonly localRoots: LocalRoots;
}

/** Fields every drive type has. */
export const COMMON_FIELDS = {
  name: z
    .string()
    .regex(DRIVE_NAME, "name must be 1-63 of a-z 0-9 - (not starting with -), e.g. nas or backup-1"),
};

/** A secret as a client sends it: a real value, never the `***` the API shows for one. */
export const secretField = (what: string) =>
  z
    .string()
    .min(1, `${what} must not be empty`)
    .max(4096)
    .refine((value) => !/^\*+$/.test(value), `${what} is masked (***): send the secret itself`);

/** `tps` and `bwlimit`, which every drive type takes (rclone's --tpslimit and --bwlimit, per drive). */
export const RATE_LIMIT_FIELDS = {
  tps: z.number().positive("tps must be a positive number of requests per second").max(1000).optional(),
  bwlimit: z
    .number()
    .int("bwlimit must be a whole number of bytes per second")
    .positive("bwlimit must be a positive number of bytes per second")
    .optional(),
};

/** A drive's `tps`/`bwlimit` as a location's `limits` (shared by the drive's name), or nothing. */
export const limitsOf = (fields: DriveFields): { limits?: DriveLimits } => {
  const tps = typeof fields.tps === "number" ? fields.tps : undefined;
  const bwlimit = typeof fields.bwlimit === "number" ? fields.bwlimit : undefined;
  if (tps === undefined && bwlimit === undefined) return {};
  return {
    limits: {
      key: `drive:${String(fields.name ?? "")}`,
      ...(tps !== undefined ? { tps } : {}),
      ...(bwlimit !== undefined ? { bwlimit } : {}),
    },
  };
};

/** A site or folder URL: http(s), without credentials, query or fragment. */
export const httpUrlField = () =>
  z
    .string()
    .max(2048)
    .regex(
      /^https?:\/\/[^/?#@]+(\/[^?#]*)?$/i,
      "url must be an http:// or https:// URL without credentials, query or fragment",
    );

/** A login name and its password, both optional. */
export const LOGIN_FIELDS = {
  username: z.string().min(1).max(256).optional(),
  password: secretField("password").optional(),
};
