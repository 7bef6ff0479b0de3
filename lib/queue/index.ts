export * from "./errors.ts";
export * from "./message.ts";
export * from "./redrive.ts";
export * from "./sqs-producer.ts";
