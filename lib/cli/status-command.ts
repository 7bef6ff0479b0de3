/** `syncron status`: work in progress. */
export const usage = "Usage: syncron status [--url URL] [--json]";
export async function run(_args: string[]): Promise<number> {
  console.error("syncron status: not implemented yet");
  return 1;
}
