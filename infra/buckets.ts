/**
 * What every S3 bucket syncron creates has: a lifecycle rule that aborts multipart uploads left
 * incomplete (a worker killed mid-upload leaves its parts, billed as storage and listed nowhere,
 * until something aborts them). SST's bucket lifecycle has no field for it, so a bucket lists
 * {@link ABORT_UPLOADS_RULE} among its rules and gives its lifecycle resource the
 * {@link abortIncompleteUploads} transform, which adds the action to that rule.
 */

/** Days after which an incomplete multipart upload is aborted: a worker's upload lasts 15 minutes at most. */
export const ABORT_INCOMPLETE_UPLOADS_DAYS = 1;

/** The rule's id, for SST's `lifecycle` list (no prefix: the whole bucket). */
export const ABORT_UPLOADS_RULE = { id: "abort-incomplete-multipart-uploads" } as const;

interface LifecycleRule {
  readonly id?: unknown;
  readonly [key: string]: unknown;
}

/** The lifecycle rules with the abort action on {@link ABORT_UPLOADS_RULE} (and its filter the whole bucket). */
export const withAbortAction = <T extends LifecycleRule>(rules: readonly T[]): T[] =>
  rules.map((rule) =>
    rule.id === ABORT_UPLOADS_RULE.id
      ? {
          ...rule,
          filter: { prefix: "" },
          abortIncompleteMultipartUpload: { daysAfterInitiation: ABORT_INCOMPLETE_UPLOADS_DAYS },
        }
      : rule,
  );
