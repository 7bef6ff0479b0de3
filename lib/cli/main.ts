/**
 * The `syncron` command: a thin dispatcher; each command lives in its own file and is loaded on demand.
 * It owns the usage contract: a command throws UsageError, and this prints `syncron <command>: <message>`
 * with the command's usage to stderr and exits USAGE_ERROR. Commands never import this file.
 */
import { UsageError } from "./args.ts";

/** What a command module exports. */
export interface CommandModule {
  readonly usage: string;
  /** Runs the command; resolves to the process exit code. Throws UsageError for bad arguments. */
  run(args: string[]): Promise<number>;
}

interface CommandEntry {
  readonly summary: string;
  readonly load: () => Promise<CommandModule>;
}

/** Summaries stay here so `--help` loads no command module (and no AWS SDK). */
const commands: Record<string, CommandEntry> = {
  cron: { summary: "check a cron expression and its next runs", load: () => import("./cron-command.ts") },
  sync: { summary: "copy or mirror files between two locations", load: () => import("./sync-command.ts") },
  dev: { summary: "run the API, worker and scheduler locally", load: () => import("./dev-command.ts") },
  status: { summary: "show configs, schedules, runs, queues", load: () => import("./status-command.ts") },
  drive: { summary: "add, list, show, check, remove named drives", load: () => import("./drive-command.ts") },
  config: {
    summary: "add, list, show, edit, remove and run sync configs",
    load: () => import("./config-command.ts"),
  },
  runs: {
    summary: "list runs newest first, follow them, retry or cancel one",
    load: () => import("./runs-command.ts"),
  },
  import: {
    summary: "bring the seed system's sync configs over (--from-seed FILE --map …)",
    load: () => import("./import-command.ts"),
  },
};

/** Exit code for a usage error (bad flags, missing arguments). */
const USAGE_ERROR = 2;

const help = (): string => {
  const lines = ["Usage: syncron <command> [options]", "", "Commands:"];
  for (const [name, { summary }] of Object.entries(commands)) lines.push(`  ${name.padEnd(8)} ${summary}`);
  lines.push("", "Run `syncron <command> --help` for a command's options.");
  return lines.join("\n");
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    console.log(help());
    return name === undefined ? USAGE_ERROR : 0;
  }
  if (name === "--version" || name === "-v") {
    // Imported, not read from disk: the bundle (dist/cli/) carries the version it was built from.
    const { default: manifest } = await import("../../package.json", { with: { type: "json" } });
    console.log(manifest.version);
    return 0;
  }
  const entry = commands[name];
  if (!entry) {
    console.error(`syncron: unknown command "${name}"\n\n${help()}`);
    return USAGE_ERROR;
  }
  const command = await entry.load();
  if (args.includes("--help") || args.includes("-h")) {
    console.log(command.usage);
    return 0;
  }
  try {
    return await command.run(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`syncron ${name}: ${error.message}\n\n${command.usage}`);
    return USAGE_ERROR;
  }
}
