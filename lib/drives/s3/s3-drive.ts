import { createHash } from "node:crypto";
import { PassThrough, pipeline, Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  type S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { mapLimit } from "../../util/map-limit.ts";
import { checkBody } from "../body-check.ts";
import {
  baseName,
  checkPath,
  type Drive,
  type DriveFeatures,
  type Entry,
  type FileEntry,
  type HashType,
  joinPath,
  parentOf,
} from "../drive.ts";
import {
  DirectoryNotEmptyError,
  DirectoryNotFoundError,
  DriveError,
  FileNotFoundError,
  IsADirectoryError,
  NotSupportedError,
} from "../errors.ts";
import { copyObject } from "./s3-copy.ts";
import { isS3NotFound, toS3DriveError } from "./s3-errors.ts";
import { S3Keys } from "./s3-keys.ts";
import type { ObjectFacts, S3ListingMemo } from "./s3-listing-memo.ts";
import {
  contentTypeOf,
  etagMayBeMd5,
  formatMtime,
  MD5_KEY,
  MTIME_KEY,
  md5FromEtag,
  md5HexToBase64,
  md5Of,
  parseMtime,
  type StoredObject,
} from "./s3-metadata.ts";

export interface S3DriveOptions {
  readonly bucket: string;
  /** Key prefix the drive is rooted at, without leading/trailing slashes ("" = the bucket). */
  readonly prefix?: string;
  /** Injected; the drive destroys it on `close()` only when `ownsClient`. */
  readonly client: S3Client;
  readonly ownsClient?: boolean;
  /** Redacted display name; defaults to `s3://bucket/prefix`. */
  readonly name?: string;
  /** Multipart part size in bytes (≥ 5 MiB); bodies larger than one part go multipart. Default 8 MiB. */
  readonly partSize?: number;
  /** Parts uploaded in parallel per file (memory ≈ partSize × queueSize). Default 4. */
  readonly queueSize?: number;
  /** Keys per ListObjectsV2 page (max 1000). */
  readonly listPageSize?: number;
  /** HEAD requests in flight while listing (one per file, to read the mtime metadata). Default 16. */
  readonly headConcurrency?: number;
  /**
   * rclone's `--use-server-modtime`: take LastModified (upload time) instead of HEADing each listed
   * object for its `mtime` metadata. Much cheaper listings, but mod times can no longer be kept,
   * so `canSetModTime` is false and the engine compares by size.
   */
  readonly useServerModTime?: boolean;
  /**
   * The endpoint and credentials this drive talks to, as one opaque string: two drives of one store
   * (equal `store`, or one client) copy between them server-side (`copyFrom`: CopyObject).
   */
  readonly store?: string;
  /**
   * What the last run learnt from HEADs (mod times, md5chksum): a listed object whose key, size and
   * ETag it knows is not HEADed again. The drive adds what this run learns; save it for the next run.
   */
  readonly memo?: S3ListingMemo;
  /** Above this size a server-side copy goes in UploadPartCopy parts (default 5 GiB, CopyObject's limit). */
  readonly copyCutoff?: number;
  /** Part size of such a multipart copy (default 512 MiB). */
  readonly copyPartSize?: number;
}

/** Every S3 drive, for `copyFrom` to recognise a peer of the same store. */
const s3Drives = new WeakMap<
  Drive,
  { readonly client: S3Client; readonly bucket: string; readonly keys: S3Keys; readonly store?: string }
>();

/**
 * A drive over an S3 bucket (or an S3-compatible store: give the client its endpoint and path style).
 * Directories are key prefixes: `mkdir` is a no-op and empty directories do not exist. The source
 * mod time travels in `X-Amz-Meta-Mtime` as rclone writes it; MD5s come from plain ETags or rclone's
 * `md5chksum` metadata, else by reading the object.
 */
export function createS3Drive(options: S3DriveOptions): Drive {
  const { bucket, client } = options;
  const keys = new S3Keys(options.prefix ?? "");
  const useServerModTime = options.useServerModTime ?? false;
  const partSize = Math.max(options.partSize ?? 8 * 1024 * 1024, 5 * 1024 * 1024);
  const features: DriveFeatures = {
    hashes: new Set<HashType>(["md5"]),
    modTimePrecisionMs: 1,
    canSetModTime: !useServerModTime,
    keepsEmptyDirectories: false,
    caseInsensitive: false,
    atomicWrites: true, // an object appears only when its PUT or multipart upload completes
    md5BeforeWriteAbove: partSize,
  };
  const name = options.name ?? `s3://${bucket}${keys.prefix ? `/${keys.prefix}` : ""}`;
  let closed = false;

  const head = async (path: string, signal?: AbortSignal) => {
    try {
      return await client.send(new HeadObjectCommand({ Bucket: bucket, Key: keys.file(path) }), {
        ...(signal ? { abortSignal: signal } : {}),
      });
    } catch (error) {
      throw toS3DriveError(error, "stat", path);
    }
  };

  /** True when at least one key lives under `dir/` (a directory in S3 terms). */
  const hasChildren = async (dir: string): Promise<boolean> => {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: keys.dir(dir), MaxKeys: 1 }),
    );
    return (page.KeyCount ?? page.Contents?.length ?? 0) > 0 || (page.CommonPrefixes?.length ?? 0) > 0;
  };

  /**
   * The child directories of each directory this drive listed to the end (a sync lists the target
   * before writing into it), kept up to date by its own writes: a write then needs no ListObjectsV2
   * to know that no directory is in its way. Only "none there" is trusted; a directory it
   * remembers is checked again (it may have emptied since).
   */
  const childDirs = new Map<string, Set<string>>();
  const isDirectory = async (path: string): Promise<boolean> => {
    // The nearest listed folder above: if it had no such child folder, nothing lives under `path`.
    for (let at = path; at !== ""; at = parentOf(at)) {
      const known = childDirs.get(parentOf(at));
      if (!known) continue;
      if (!known.has(baseName(at))) return false;
      break;
    }
    return hasChildren(path);
  };
  /** After a write of `a/b/c`: `a` and `a/b` exist; a folder that was not there holds only what this drive wrote. */
  const rememberAncestors = (path: string): void => {
    const parts = path.split("/").slice(0, -1);
    for (let i = 0, dir = ""; i < parts.length; dir = joinPath(dir, parts[i] ?? ""), i++) {
      const known = childDirs.get(dir);
      const child = parts[i] ?? "";
      if (!known || known.has(child)) continue;
      known.add(child);
      const created = joinPath(dir, child);
      if (!childDirs.has(created)) childDirs.set(created, new Set());
    }
  };

  const entryFromHead = (
    path: string,
    head: StoredObject & { ContentLength?: number | undefined; LastModified?: Date | undefined },
  ): FileEntry => {
    const md5 = md5Of(head);
    const modTime =
      (useServerModTime ? undefined : parseMtime(head.Metadata?.[MTIME_KEY])) ?? head.LastModified?.getTime();
    return {
      kind: "file",
      path,
      size: head.ContentLength ?? 0,
      ...(modTime !== undefined ? { modTime } : {}),
      ...(md5 ? { hashes: { md5 } } : {}),
    };
  };

  const memo = options.memo;
  /** A listed object's entry from what an earlier HEAD learnt (the memo), as `entryFromHead` makes it. */
  const memoEntry = (path: string, size: number, known: ObjectFacts): FileEntry => {
    // The HEAD's verdict, not the listed ETag: an SSE-KMS or SSE-C ETag is no MD5.
    const md5 = known.md5;
    return {
      kind: "file",
      path,
      size,
      ...(known.modTime !== undefined ? { modTime: known.modTime } : {}),
      ...(md5 ? { hashes: { md5 } } : {}),
    };
  };
  const factsOf = (entry: FileEntry): ObjectFacts => ({
    ...(entry.modTime !== undefined ? { modTime: entry.modTime } : {}),
    ...(entry.hashes?.md5 ? { md5: entry.hashes.md5 } : {}),
  });

  const stat = async (path: string, signal?: AbortSignal): Promise<FileEntry> => {
    checkPath(path);
    try {
      return entryFromHead(path, await head(path, signal));
    } catch (error) {
      if (error instanceof FileNotFoundError && path !== "" && (await hasChildren(path).catch(() => false))) {
        throw new IsADirectoryError(`s3 stat "${path}": is a directory`, path, { cause: error });
      }
      throw error;
    }
  };

  const read = async (
    path: string,
    readOptions?: { signal?: AbortSignal },
  ): Promise<ReadableStream<Uint8Array>> => {
    checkPath(path);
    const signal = readOptions?.signal;
    try {
      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: keys.file(path) }), {
        ...(signal ? { abortSignal: signal } : {}),
      });
      if (!object.Body)
        throw new DriveError(`s3 read "${path}": empty response body`, path, { retryable: true });
      return object.Body.transformToWebStream() as ReadableStream<Uint8Array>;
    } catch (error) {
      if (isS3NotFound(error) && (await hasChildren(path).catch(() => false))) {
        throw new IsADirectoryError(`s3 read "${path}": is a directory`, path, { cause: error });
      }
      throw toS3DriveError(error, "read", path);
    }
  };

  /**
   * A key no drive path can name (`a//b`, `a/./c`, `a/../d`, a leading `/`) fails the listing:
   * skipped, its object reads as absent, and a sync would say SUCCESS without it (rclone logs it and
   * exits 0: its issue #9383 calls that data loss).
   */
  const noPath = (dir: string, key: string, what: string): DriveError =>
    new DriveError(
      `s3 list "${dir}": ${what} ${JSON.stringify(key)} cannot be a path (an empty, "." or ".." segment): rename it to sync it`,
      dir,
    );

  const drive: Drive = {
    name,
    features,

    async *list(dir, listOptions) {
      checkPath(dir, { allowRoot: true });
      const signal = listOptions?.signal;
      const prefix = keys.dir(dir);
      let token: string | undefined;
      let found = false;
      const dirs = new Set<string>();
      do {
        let page: ListObjectsV2CommandOutput;
        try {
          page = await client.send(
            new ListObjectsV2Command({
              Bucket: bucket,
              Prefix: prefix,
              Delimiter: "/",
              ...(token ? { ContinuationToken: token } : {}),
              ...(options.listPageSize ? { MaxKeys: options.listPageSize } : {}),
            }),
            { ...(signal ? { abortSignal: signal } : {}) },
          );
        } catch (error) {
          throw toS3DriveError(error, "list", dir, "directory");
        }
        for (const common of page.CommonPrefixes ?? []) {
          found = true;
          const child = common.Prefix?.slice(prefix.length, -1);
          if (child === undefined) continue;
          if (!keys.isName(child)) throw noPath(dir, common.Prefix!, "keys under");
          dirs.add(child);
          yield { kind: "directory", path: keys.join(dir, child) } satisfies Entry;
        }
        const objects = (page.Contents ?? []).filter((object) => {
          found = true;
          const child = object.Key?.slice(prefix.length);
          if (child === undefined || child === "") return false; // a directory marker (`dir/`): the folder itself
          if (!keys.isName(child)) throw noPath(dir, object.Key!, "the key");
          return true;
        });
        const entries = await mapLimit(objects, options.headConcurrency ?? 16, async (object) => {
          const path = keys.join(dir, object.Key!.slice(prefix.length));
          if (useServerModTime) {
            // A listing does not say how an object is encrypted: its ETag may be no MD5 (SSE-KMS, SSE-C).
            return entryFromHead(path, { LastModified: object.LastModified, ContentLength: object.Size });
          }
          const size = object.Size ?? 0;
          const known = memo?.recall(bucket, object.Key!, size, object.ETag);
          if (known) return memoEntry(path, size, known);
          try {
            const found = await head(path, signal);
            const entry = entryFromHead(path, found);
            memo?.learn(bucket, object.Key!, entry.size, found.ETag, factsOf(entry));
            return entry;
          } catch (error) {
            if (error instanceof FileNotFoundError) return undefined; // deleted while listing
            throw error;
          }
        });
        for (const entry of entries) if (entry) yield entry;
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      childDirs.set(dir, dirs);
      if (!found && dir !== "") throw new DirectoryNotFoundError(`s3 list "${dir}": no such directory`, dir);
    },

    stat: (path) => stat(path),

    read,

    async write(path, body, source, writeOptions) {
      checkPath(path);
      const signal = writeOptions?.signal;
      // S3 would happily store `d` beside `d/…`; a drive must not let a file shadow a directory.
      if (
        await isDirectory(path).catch((error: unknown) =>
          Promise.reject(toS3DriveError(error, "write", path)),
        )
      ) {
        throw new IsADirectoryError(`s3 write "${path}": a directory is in the way`, path);
      }
      // Failing inside the stream, before the body ends, abandons the upload: the previous object stays.
      const check = checkBody("s3", path, source, { md5: true });
      const nodeBody = Readable.fromWeb(body as WebReadableStream<Uint8Array>);
      const sink = new PassThrough();
      pipeline(nodeBody, check, sink, () => {});
      const metadata: Record<string, string> = {};
      if (source.modTime !== undefined) metadata[MTIME_KEY] = formatMtime(source.modTime);
      const sourceMd5 = md5HexToBase64(source.hashes?.md5);
      if (sourceMd5) metadata[MD5_KEY] = sourceMd5;
      const upload = new Upload({
        client,
        params: {
          Bucket: bucket,
          Key: keys.file(path),
          Body: sink,
          Metadata: metadata,
          ContentType: contentTypeOf(path),
        },
        partSize,
        queueSize: options.queueSize ?? 4,
        leavePartsOnError: false,
      });
      const onAbort = () => {
        void upload.abort();
        nodeBody.destroy(signal?.reason as Error);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      let stored: StoredObject;
      try {
        if (signal?.aborted) throw signal.reason;
        stored = await upload.done();
      } catch (error) {
        nodeBody.destroy();
        throw toS3DriveError(error, "write", path);
      } finally {
        signal?.removeEventListener("abort", onAbort);
      }
      rememberAncestors(path);
      // The body matched the source (checkBody); an ETag that is an MD5 and differs means S3 stored
      // other bytes. A KMS or customer-key ETag is no MD5: there the request checksums the SDK sends
      // to AWS (CRC32) are what S3 verified.
      const written = check.md5() ?? "";
      const etagMd5 = etagMayBeMd5(stored) ? md5FromEtag(stored.ETag) : undefined;
      if (etagMd5 !== undefined && etagMd5 !== written) {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: keys.file(path) })).catch(() => {});
        throw new DriveError(
          `s3 write "${path}": corrupted on transfer (md5 ${written} sent, ${etagMd5} stored); object removed`,
          path,
          { retryable: true },
        );
      }
      const entry: FileEntry =
        source.modTime === undefined
          ? { ...(await stat(path)), hashes: { md5: written } }
          : { kind: "file", path, size: check.size(), modTime: source.modTime, hashes: { md5: written } };
      memo?.learn(bucket, keys.file(path), entry.size, stored.ETag, factsOf(entry));
      return entry;
    },

    /**
     * From a drive of the same store: CopyObject (UploadPartCopy parts above `copyCutoff`), so no byte
     * passes through this process. The source is HEADed first: a size other than the listed one fails
     * (the previous object stays), and the copy is made of that version only (If-Match on its ETag).
     */
    async copyFrom(from, source, path, copyOptions) {
      const peer = s3Drives.get(from);
      const sameStore = peer && (peer.client === client || (options.store && peer.store === options.store));
      if (!peer || !sameStore) return undefined;
      checkPath(path);
      const signal = copyOptions?.signal;
      const sendOptions = signal ? { abortSignal: signal } : {};
      const sourceKey = peer.keys.file(checkPath(source.path));
      const [blocked, head] = await Promise.all([
        isDirectory(path).catch((error: unknown) => Promise.reject(toS3DriveError(error, "copy", path))),
        peer.client
          .send(new HeadObjectCommand({ Bucket: peer.bucket, Key: sourceKey }), sendOptions)
          .catch((error: unknown) => Promise.reject(toS3DriveError(error, "copy", source.path))),
      ]);
      if (blocked) throw new IsADirectoryError(`s3 copy "${path}": a directory is in the way`, path);
      if (head.ContentLength !== source.size) {
        throw new DriveError(
          `s3 copy "${path}": the source has ${head.ContentLength} bytes, not the ${source.size} it listed; previous object kept`,
          path,
        );
      }
      const md5 = source.hashes?.md5 ?? md5Of(head);
      const metadata: Record<string, string> = {};
      if (source.modTime !== undefined) metadata[MTIME_KEY] = formatMtime(source.modTime);
      const md5Base64 = md5HexToBase64(md5);
      if (md5Base64) metadata[MD5_KEY] = md5Base64;
      let etag: string | undefined;
      try {
        etag = await copyObject({
          client,
          from: { bucket: peer.bucket, key: sourceKey },
          to: { bucket, key: keys.file(path) },
          head,
          metadata,
          concurrency: options.queueSize ?? 4,
          ...(options.copyCutoff !== undefined ? { cutoff: options.copyCutoff } : {}),
          ...(options.copyPartSize !== undefined ? { partSize: options.copyPartSize } : {}),
          ...(signal ? { signal } : {}),
        });
      } catch (error) {
        throw toS3DriveError(error, "copy", path);
      }
      rememberAncestors(path);
      if (source.modTime === undefined) return stat(path);
      const entry: FileEntry = {
        kind: "file",
        path,
        size: source.size,
        modTime: source.modTime,
        ...(md5 ? { hashes: { md5 } } : {}),
      };
      memo?.learn(bucket, keys.file(path), entry.size, etag, factsOf(entry));
      return entry;
    },

    async delete(path) {
      await stat(path); // S3 deletes are idempotent; the contract wants FileNotFoundError
      try {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: keys.file(path) }));
      } catch (error) {
        throw toS3DriveError(error, "delete", path);
      }
    },

    async mkdir(dir) {
      checkPath(dir, { allowRoot: true }); // prefixes exist while keys live under them
    },

    async rmdir(dir) {
      checkPath(dir, { allowRoot: true });
      let page: ListObjectsV2CommandOutput;
      try {
        page = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: keys.dir(dir), MaxKeys: 2 }),
        );
      } catch (error) {
        throw toS3DriveError(error, "rmdir", dir, "directory");
      }
      const keysUnder = (page.Contents ?? []).map((object) => object.Key);
      const marker = keys.dir(dir);
      if (keysUnder.some((key) => key !== marker)) {
        throw new DirectoryNotEmptyError(`s3 rmdir "${dir}": directory not empty`, dir);
      }
      if (keysUnder.includes(marker)) {
        await client
          .send(new DeleteObjectCommand({ Bucket: bucket, Key: marker }))
          .catch((error: unknown) => {
            throw toS3DriveError(error, "rmdir", dir, "directory");
          });
      }
    },

    async hash(path, type) {
      if (type !== "md5") throw new NotSupportedError(`s3 has no ${type} hashes`, path);
      const entry = await stat(path);
      if (entry.hashes?.md5) return entry.hashes.md5;
      // A multipart object without rclone's md5chksum: read it once.
      const digest = createHash("md5");
      const stream = await read(path);
      for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) digest.update(chunk);
      return digest.digest("hex");
    },

    async close() {
      if (closed) return;
      closed = true;
      if (options.ownsClient) client.destroy();
    },
  };
  s3Drives.set(drive, { client, bucket, keys, ...(options.store ? { store: options.store } : {}) });
  return drive;
}
