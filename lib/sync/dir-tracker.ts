import { createHash } from "node:crypto";
import type { CheckpointCounters, SyncCheckpoint, SyncOptions } from "./types.ts";

/** Counts that come from listing a directory; carried in a checkpoint only for finished directories. */
export interface WalkCounts {
  skipped: number;
  files_checked: number;
  source_files: number;
  target_files: number;
}

export const zeroWalkCounts = (): WalkCounts => ({
  skipped: 0,
  files_checked: 0,
  source_files: 0,
  target_files: 0,
});

const addInto = (sum: WalkCounts, more: WalkCounts): void => {
  sum.skipped += more.skipped;
  sum.files_checked += more.files_checked;
  sum.source_files += more.source_files;
  sum.target_files += more.target_files;
};

/** A directory being walked: done when listed, its transfers settled and its subdirectories done. */
export interface DirNode {
  readonly path: string;
  readonly parent: DirNode | undefined;
  pendingChildren: number;
  pendingFiles: number;
  listed: boolean;
  /** False once anything in it failed, was interrupted or (mirror) is left to delete: re-walk it on resume. */
  clean: boolean;
  readonly own: WalkCounts;
  readonly cleanChildren: string[];
  readonly cleanChildCounts: WalkCounts;
}

/** Keeps a checkpoint under DynamoDB's 400 KB item limit with room to spare. */
const MAX_DONE_CHARS = 64_000;

/**
 * Tracks which directory subtrees are finished, collapsed to the highest finished ancestor so the set
 * stays as small as the walk's frontier, and the listing counts of those subtrees.
 */
export class DirTracker {
  private readonly done: Set<string>;
  private readonly open = new Set<DirNode>();
  private readonly committed: WalkCounts;

  constructor(checkpoint: SyncCheckpoint | undefined) {
    this.done = new Set(checkpoint?.done_dirs ?? []);
    const counters = checkpoint?.counters;
    this.committed = counters
      ? {
          skipped: counters.skipped,
          files_checked: counters.files_checked,
          source_files: counters.source_files,
          target_files: counters.target_files,
        }
      : zeroWalkCounts();
  }

  isDone(path: string): boolean {
    return this.done.has(path);
  }

  /** Starts tracking a directory; its parent must already count it in `pendingChildren`. */
  start(path: string, parent: DirNode | undefined): DirNode {
    const node: DirNode = {
      path,
      parent,
      pendingChildren: 0,
      pendingFiles: 0,
      listed: false,
      clean: true,
      own: zeroWalkCounts(),
      cleanChildren: [],
      cleanChildCounts: zeroWalkCounts(),
    };
    this.open.add(node);
    return node;
  }

  /** Records a child found finished in the checkpoint: not walked again, its counts already carried. */
  skipDone(parent: DirNode, path: string): void {
    parent.cleanChildren.push(path);
  }

  /** Call whenever a node's pending work shrinks; completes it (and its ancestors) when nothing is left. */
  settle(node: DirNode): void {
    for (let current: DirNode | undefined = node; current; ) {
      if (!current.listed || current.pendingFiles > 0 || current.pendingChildren > 0) return;
      this.open.delete(current);
      const parent: DirNode | undefined = current.parent;
      if (current.clean) {
        for (const child of current.cleanChildren) this.done.delete(child);
        this.done.add(current.path);
        addInto(current.cleanChildCounts, current.own);
        if (parent) {
          parent.cleanChildren.push(current.path);
          addInto(parent.cleanChildCounts, current.cleanChildCounts);
        } else addInto(this.committed, current.cleanChildCounts);
      } else {
        addInto(this.committed, current.cleanChildCounts);
        if (parent) parent.clean = false;
      }
      if (!parent) return;
      parent.pendingChildren--;
      current = parent;
    }
  }

  /** The checkpoint for an interrupted run: finished subtrees and the counters that go with them. */
  snapshot(
    live: Pick<CheckpointCounters, "copied" | "updated" | "bytes_transferred" | "duration_ms">,
    fingerprint: string,
  ): SyncCheckpoint {
    const counts = { ...this.committed };
    for (const node of this.open) addInto(counts, node.cleanChildCounts);
    const done_dirs: string[] = [];
    let chars = 0;
    // Dropping an entry is safe: that subtree is listed again and its files compare equal.
    for (const path of this.done) {
      chars += path.length + 3;
      if (chars > MAX_DONE_CHARS) break;
      done_dirs.push(path);
    }
    return { version: 1, fingerprint, done_dirs, counters: { ...live, ...counts } };
  }
}

/** Identifies the options that shape a plan, so a checkpoint is only reused by the same kind of run. */
export const fingerprintOf = (
  options: Pick<SyncOptions, "mode" | "compare" | "include" | "exclude">,
): string =>
  createHash("sha256")
    .update(JSON.stringify([options.mode, options.compare, options.include, options.exclude]))
    .digest("hex")
    .slice(0, 16);
