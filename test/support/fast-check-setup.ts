import fc from "fast-check";
import { propertySeed } from "./properties.ts";

/**
 * vitest setupFile: every fast-check property of the run starts from one seed. `npm test` (and CI) uses
 * a fixed seed, so a property checks the same cases on every run and cannot fail at random;
 * `npm run test:properties` explores with a fresh seed and more runs, and prints the seed to repeat it.
 */
const { seed, random } = propertySeed(process.env.FC_SEED);
if (random) console.log(`fast-check seed ${seed}: FC_SEED=${seed} npm run test:properties repeats this run`);
fc.configureGlobal({ seed });
