import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { promisify } from "node:util";
import { gunzip, gzip } from "node:zlib";
import type { ReportBlobs } from "./report-blobs.ts";

/** Which location of a config a memo describes. */
export type MemoSide = "source" | "target";

/**
 * What the last run of a config learnt about its S3 listings (`S3ListingMemo.save()`), kept between
 * runs beside the run reports: one small gzip object per config and side, rewritten by each run.
 * A memo is only an optimisation: a missing one means the next listing HEADs each object.
 */
export interface ListingMemos {
  /** The bytes the last `save` stored, or undefined. */
  load(configId: string, side: MemoSide): Promise<Uint8Array | undefined>;
  save(configId: string, side: MemoSide, memo: Uint8Array): Promise<void>;
}

/** Where memos sit inside the stage's reports bucket (expired like reports: a config idle that long HEADs again). */
export const LISTING_MEMOS_PREFIX = "listing-memos/";

const keyOf = (configId: string, side: MemoSide) => `${configId}/${side}.bin.gz`;

/** Memos in a blob store (the reports folder's or bucket's kind), gzipped. */
export function listingMemosIn(blobs: Pick<ReportBlobs, "get" | "put">): ListingMemos {
  return {
    async load(configId, side) {
      const body = await blobs.get(keyOf(configId, side));
      return body && (await promisify(gunzip)(await buffer(body)));
    },
    async save(configId, side, memo) {
      await blobs.put(keyOf(configId, side), Readable.from([await promisify(gzip)(memo)]));
    },
  };
}
