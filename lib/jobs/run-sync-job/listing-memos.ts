import type { Location } from "../../drives/location.ts";
import type { DriveExtras } from "../../drives/open-drive.ts";
import { S3ListingMemo } from "../../drives/s3/s3-listing-memo.ts";
import type { MemoSide } from "../../reports/listing-memos.ts";
import type { JobLog } from "../deps.ts";
import type { WorkerDeps } from "./types.ts";

/** The memos of one run's S3 sides, loaded before the sync and saved after it. */
export interface RunMemos {
  readonly source: DriveExtras;
  readonly target: DriveExtras;
  /** `complete`: the run listed the whole tree, so objects it did not see are gone. Never throws. */
  save(complete: boolean): Promise<void>;
}

/**
 * Loads what the config's last run learnt of its S3 listings (only S3 sides have a memo). A memo is
 * an optimisation: one that cannot be read or stored is logged, and the run goes on without it.
 */
export async function loadRunMemos(
  deps: Pick<WorkerDeps, "listingMemos">,
  configId: string,
  locations: Record<MemoSide, Location>,
  log: JobLog,
): Promise<RunMemos> {
  const store = deps.listingMemos;
  const sides = (["source", "target"] as const).filter((side) => store && locations[side].kind === "s3");
  const memos = new Map<MemoSide, S3ListingMemo>();
  await Promise.all(
    sides.map(async (side) => {
      let saved: Uint8Array | undefined;
      try {
        saved = await store?.load(configId, side);
      } catch (error) {
        log("warn", "listing memo not read", { side, error: String(error) });
      }
      memos.set(side, new S3ListingMemo(saved));
    }),
  );
  const extras = (side: MemoSide): DriveExtras => {
    const memo = memos.get(side);
    return memo ? { memo } : {};
  };
  return {
    source: extras("source"),
    target: extras("target"),
    async save(complete) {
      await Promise.all(
        [...memos].map(async ([side, memo]) => {
          try {
            await store?.save(configId, side, memo.save({ keepUnseen: !complete }));
          } catch (error) {
            log("warn", "listing memo not stored", { side, error: String(error) });
          }
        }),
      );
    },
  };
}
