import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { z } from "zod";

/**
 * A stage's settings, kept with the stage: `infra/stages/<stage>.json`, committed. `region` pins the
 * AWS region the stage deploys to; `settings` holds the deploy settings under their variable names
 * (`SYNCRON_SCHEDULE_BACKEND`, `SYNCRON_JWT_ISSUER`, …, see settings.ts), so a later `sst deploy`
 * from any shell deploys the same stage. Secrets (`SYNCRON_API_TOKEN`) never go in it.
 */
export interface StageFile {
  /** Where it was read, for error messages. */
  path: string;
  region: string;
  settings: Record<string, string>;
}

/** Read at deploy time: the folder of the stage files (default `infra/stages` of the project). */
export const STAGES_DIR_ENV = "SYNCRON_STAGES_DIR";

export class StageFileError extends Error {
  override name = "StageFileError";
}

const schema = z.strictObject({
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "expected an AWS region such as eu-west-1"),
  settings: z.record(z.string(), z.string()).default({}),
});

/**
 * The project root: the nearest folder up from `from` holding sst.config.ts. SST bundles this module
 * (`import.meta` is the bundle's) and may run it below the root (`.sst/`), so the root is searched for.
 */
function projectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "sst.config.ts"))) return dir;
    if (dirname(dir) === dir) throw new StageFileError(`no sst.config.ts in ${from} or above it`);
  }
}

export const stageFilePath = (stage: string, env: Record<string, string | undefined>): string =>
  join(env[STAGES_DIR_ENV] || join(projectRoot(process.cwd()), "infra", "stages"), `${stage}.json`);

/**
 * The stage's file, or undefined when it has none. Throws StageFileError naming the file and the
 * field for a file that is not valid JSON or not of the shape above.
 */
export function readStageFile(stage: string, env: Record<string, string | undefined>): StageFile | undefined {
  const path = stageFilePath(stage, env);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new StageFileError(`${path}: cannot be read: ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new StageFileError(`${path}: not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join(".") || "(top level)";
    throw new StageFileError(`${path}: ${field}: ${issue?.message}`);
  }
  return { path, ...parsed.data };
}
