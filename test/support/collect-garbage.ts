/** A full garbage collection now, then a turn of the event loop so FinalizationRegistry callbacks run. */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

setFlagsFromString("--expose-gc");
// A new context built after the flag has `gc`, whatever flags the test process started with.
const gc = runInNewContext("gc") as () => void;

export async function collectGarbage(): Promise<void> {
  for (let round = 0; round < 2; round++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
