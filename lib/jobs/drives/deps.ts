import type { Drive } from "../../drives/drive.ts";
import type { Location } from "../../drives/location.ts";
import type { SecretStore } from "../../secrets/secret-store.ts";
import type { DriveRepository } from "../../store/drives.ts";

/** What the drive use cases need: the records (DynamoDB), the secrets (secret store), and a way to open a location. */
export interface DriveDeps {
  readonly records: DriveRepository;
  readonly secrets: SecretStore;
  /** Opens a resolved location (`name` is shown in logs and errors: never a secret). */
  readonly open: (location: Location, name: string) => Drive | Promise<Drive>;
}
