import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  type HeadObjectCommandOutput,
  type S3Client,
  UploadPartCopyCommand,
} from "@aws-sdk/client-s3";
import { mapLimit } from "../../util/map-limit.ts";

/** The largest object one CopyObject may copy (AWS); above it, a multipart upload of UploadPartCopy ranges. */
export const MAX_COPY_OBJECT_BYTES = 5 * 1024 ** 3;
/** Parts of a multipart copy: 10,000 at most, so at least size/10,000 each; rclone's chunk is alike. */
const MIN_COPY_PART_BYTES = 512 * 1024 ** 2;
const MAX_PARTS = 10_000;

export interface ObjectCopy {
  readonly client: S3Client;
  readonly from: { readonly bucket: string; readonly key: string };
  readonly to: { readonly bucket: string; readonly key: string };
  /** The source as HEAD saw it: the copy is made only of that version (If-Match on its ETag). */
  readonly head: Pick<HeadObjectCommandOutput, "ContentLength" | "ETag">;
  /** User metadata of the new object (mtime, md5chksum), replacing the source's. */
  readonly metadata: Record<string, string>;
  /** Above this size, copy in parts (default: CopyObject's limit, 5 GiB). */
  readonly cutoff?: number;
  /** Part size of a multipart copy (default 512 MiB, more for objects over 5 TB / 10,000 parts). */
  readonly partSize?: number;
  /** Parts copied in parallel. */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
}

/** `bucket/key`, URL-encoded as `x-amz-copy-source` wants it (slashes kept). */
const copySource = (bucket: string, key: string): string =>
  `${bucket}/${key.split("/").map(encodeURIComponent).join("/")}`;

/**
 * Copies one object inside the store (no byte through this process): CopyObject up to the cutoff,
 * else CreateMultipartUpload, UploadPartCopy per range, CompleteMultipartUpload (aborted on any
 * failure, so no part is left billed). The new object appears whole or not at all. Resolves to its ETag.
 */
export async function copyObject(copy: ObjectCopy): Promise<string | undefined> {
  const { client, from, to, head, metadata, signal } = copy;
  const size = head.ContentLength ?? 0;
  const source = {
    CopySource: copySource(from.bucket, from.key),
    ...(head.ETag ? { CopySourceIfMatch: head.ETag } : {}),
  };
  const sendOptions = signal ? { abortSignal: signal } : {};
  if (size <= (copy.cutoff ?? MAX_COPY_OBJECT_BYTES)) {
    const copied = await client.send(
      new CopyObjectCommand({
        Bucket: to.bucket,
        Key: to.key,
        ...source,
        MetadataDirective: "REPLACE",
        Metadata: metadata,
      }),
      sendOptions,
    );
    return copied.CopyObjectResult?.ETag;
  }
  const partSize = Math.max(copy.partSize ?? MIN_COPY_PART_BYTES, Math.ceil(size / MAX_PARTS));
  const { UploadId } = await client.send(
    new CreateMultipartUploadCommand({ Bucket: to.bucket, Key: to.key, Metadata: metadata }),
    sendOptions,
  );
  try {
    const ranges = Array.from({ length: Math.ceil(size / partSize) }, (_, i) => i);
    const parts = await mapLimit(ranges, copy.concurrency ?? 4, async (index) => {
      const start = index * partSize;
      const end = Math.min(size, start + partSize) - 1;
      const part = await client.send(
        new UploadPartCopyCommand({
          Bucket: to.bucket,
          Key: to.key,
          UploadId,
          PartNumber: index + 1,
          ...source,
          CopySourceRange: `bytes=${start}-${end}`,
        }),
        sendOptions,
      );
      return { PartNumber: index + 1, ETag: part.CopyPartResult?.ETag };
    });
    const done = await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: to.bucket,
        Key: to.key,
        UploadId,
        MultipartUpload: { Parts: parts },
      }),
      sendOptions,
    );
    return done.ETag;
  } catch (error) {
    await client
      .send(new AbortMultipartUploadCommand({ Bucket: to.bucket, Key: to.key, UploadId }))
      .catch(() => undefined);
    throw error;
  }
}
