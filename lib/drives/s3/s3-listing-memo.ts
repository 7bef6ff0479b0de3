import { createHash } from "node:crypto";

/** What a HEAD taught about one object: its mod time (from `mtime` metadata) and md5 (from `md5chksum`). */
export interface ObjectFacts {
  readonly modTime?: number;
  readonly md5?: string;
}

/** Entries a memo keeps at most (17–33 bytes each saved: at most 660 kB; digests and md5s do not compress). */
export const MAX_MEMO_ENTRIES = 20_000;
const DIGEST_BYTES = 8;
const HAS_MOD_TIME = 1;
const HAS_MD5 = 2;

/**
 * What the last run learnt from HEADing each listed S3 object, so a re-sync does not HEAD it again:
 * the mod time and md5 of an object are trusted while ListObjectsV2 shows the same key, size and
 * ETag (an overwrite changes the ETag, so a changed object is HEADed again). Keys are kept as an
 * 8-byte digest of bucket, key, size and ETag; saved, the memo holds the objects this run saw or
 * wrote (deleted ones drop out), at most `maxEntries` (beyond, objects are simply HEADed), and with
 * `keepUnseen` (a run that did not walk the whole tree) the last run's other entries after them.
 */
export class S3ListingMemo {
  readonly #previous = new Map<string, ObjectFacts>();
  readonly #next = new Map<string, ObjectFacts>();

  /** `saved` is what `save()` returned after the last run (ignored when it cannot be read). */
  constructor(
    saved?: Uint8Array,
    readonly maxEntries = MAX_MEMO_ENTRIES,
  ) {
    if (saved) load(Buffer.from(saved.buffer, saved.byteOffset, saved.byteLength), this.#previous);
  }

  /** The facts learnt about this exact object (same key, size and ETag), or undefined. */
  recall(bucket: string, key: string, size: number, etag: string | undefined): ObjectFacts | undefined {
    if (!etag) return undefined;
    const id = digest(bucket, key, size, etag);
    const facts = this.#next.get(id) ?? this.#previous.get(id);
    if (facts) this.#keep(id, facts);
    return facts;
  }

  /** Remembers what a HEAD (or this drive's own write) showed about an object. */
  learn(bucket: string, key: string, size: number, etag: string | undefined, facts: ObjectFacts): void {
    if (etag) this.#keep(digest(bucket, key, size, etag), facts);
  }

  get size(): number {
    return this.#next.size;
  }

  /**
   * This run's memo, for the next run's constructor. `keepUnseen`: also what the last run knew of
   * objects this run did not list (an interrupted or failed run, whose next run lists them), as room allows.
   */
  save(options: { keepUnseen?: boolean } = {}): Uint8Array {
    const entries = new Map(this.#next);
    if (options.keepUnseen)
      for (const [id, facts] of this.#previous) {
        if (entries.size >= this.maxEntries) break;
        if (!entries.has(id)) entries.set(id, facts);
      }
    const parts: Buffer[] = [];
    for (const [id, facts] of entries) {
      const md5 = facts.md5 && /^[0-9a-f]{32}$/.test(facts.md5) ? Buffer.from(facts.md5, "hex") : undefined;
      const head = Buffer.alloc(DIGEST_BYTES + 1 + (facts.modTime !== undefined ? 8 : 0));
      Buffer.from(id, "hex").copy(head);
      head[DIGEST_BYTES] = (facts.modTime !== undefined ? HAS_MOD_TIME : 0) | (md5 ? HAS_MD5 : 0);
      if (facts.modTime !== undefined) head.writeDoubleLE(facts.modTime, DIGEST_BYTES + 1);
      parts.push(head);
      if (md5) parts.push(md5);
    }
    return Buffer.concat(parts);
  }

  #keep(id: string, facts: ObjectFacts): void {
    if (this.#next.has(id) || this.#next.size < this.maxEntries) this.#next.set(id, facts);
  }
}

const digest = (bucket: string, key: string, size: number, etag: string): string =>
  createHash("sha256")
    .update(`${bucket}\0${key}\0${size}\0${etag.replace(/"/g, "")}`)
    .digest()
    .subarray(0, DIGEST_BYTES)
    .toString("hex");

/** Reads a saved memo; stops at the first malformed entry (a memo is only ever an optimisation). */
function load(bytes: Buffer, into: Map<string, ObjectFacts>): void {
  for (let at = 0; at + DIGEST_BYTES + 1 <= bytes.length; ) {
    const id = bytes.subarray(at, at + DIGEST_BYTES).toString("hex");
    const flags = bytes[at + DIGEST_BYTES]!;
    at += DIGEST_BYTES + 1;
    const end = at + (flags & HAS_MOD_TIME ? 8 : 0) + (flags & HAS_MD5 ? 16 : 0);
    if (flags > (HAS_MOD_TIME | HAS_MD5) || end > bytes.length) return;
    const modTime = flags & HAS_MOD_TIME ? bytes.readDoubleLE(at) : undefined;
    if (flags & HAS_MOD_TIME) at += 8;
    const md5 = flags & HAS_MD5 ? bytes.subarray(at, at + 16).toString("hex") : undefined;
    if (flags & HAS_MD5) at += 16;
    into.set(id, { ...(modTime !== undefined ? { modTime } : {}), ...(md5 ? { md5 } : {}) });
  }
}
