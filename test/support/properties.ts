/**
 * How the property tests run (see the README's "Tests"): one fixed seed and the runs each test states in
 * `npm test`; `npm run test:properties` sets FC_SEED=random and FC_RUNS_FACTOR to explore further.
 * A counterexample found that way is pinned as a plain example test, so CI checks it on every run.
 */

/** The seed of `npm test`: any fixed number does; changing it changes which cases CI checks. */
export const FIXED_SEED = 20_261_201;

/** FC_SEED unset: the fixed seed; "random": a new one; a number: that one (to repeat a run). */
export function propertySeed(value: string | undefined): { seed: number; random: boolean } {
  if (value === undefined || value === "") return { seed: FIXED_SEED, random: false };
  if (value === "random") return { seed: Math.floor(Math.random() * 2 ** 31), random: true };
  const seed = Number(value);
  if (!Number.isSafeInteger(seed)) throw new Error(`FC_SEED: "${value}" is not a whole number or "random"`);
  return { seed, random: false };
}

const factor = Number(process.env.FC_RUNS_FACTOR ?? "1");
if (!(Number.isInteger(factor) && factor >= 1)) {
  throw new Error(`FC_RUNS_FACTOR: "${process.env.FC_RUNS_FACTOR}" is not a whole number ≥ 1`);
}

/** A property's number of runs: `numRuns` in `npm test`, FC_RUNS_FACTOR times as many when exploring. */
export const runs = (numRuns: number): number => numRuns * factor;

/** A property test's timeout, scaled like its runs. */
export const propertyTimeout = (ms: number): number => ms * factor;
