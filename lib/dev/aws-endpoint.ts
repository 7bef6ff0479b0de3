/** Connection facts for an AWS-compatible endpoint (an emulator, LocalStack, or real AWS when `endpoint` is absent). */
export interface AwsEndpoint {
  readonly endpoint?: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** Dummy credentials: the local emulators accept anything. */
export const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" } as const;
export const LOCAL_REGION = "us-east-1";
