/** A cron expression or time zone that syncron cannot accept; the message is one sentence naming the field and the token. */
export class CronError extends Error {
  override name = "CronError";
}
