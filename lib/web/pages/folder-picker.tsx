import { useState } from "preact/hooks";
import { api, type Page } from "../api.ts";
import { useUi } from "../context.ts";
import { useLoad } from "../load.ts";

interface Entries {
  path: string;
  items: { name: string; type: "file" | "directory" }[];
}

const join = (dir: string, name: string) => (dir === "" ? name : `${dir}/${name}`);
const parent = (dir: string) => dir.split("/").slice(0, -1).join("/");

/** Browses a named drive's folders (GET /api/v1/drives/{name}/entries) and picks one as `name:path`. */
export function FolderPicker({ onPick }: { onPick: (field: "source" | "target", location: string) => void }) {
  const { t } = useUi();
  const drives = useLoad(
    () =>
      api<Page<{ name: string }>>("GET", "/api/v1/drives").catch(() => ({ items: [], next_cursor: null })),
    [],
  );
  const [drive, setDrive] = useState("");
  const [dir, setDir] = useState("");
  const entries = useLoad(
    () =>
      drive
        ? api<Entries>(
            "GET",
            `/api/v1/drives/${encodeURIComponent(drive)}/entries?path=${encodeURIComponent(dir)}`,
          )
        : Promise.resolve(undefined),
    [drive, dir],
  );
  if (!drives.data || drives.data.items.length === 0) return null;
  const location = `${drive}:${dir === "" ? "/" : `/${dir}`}`;
  return (
    <fieldset class="picker">
      <legend>{t("browse")}</legend>
      <label>
        {t("drive")}{" "}
        <select
          value={drive}
          onChange={(e) => {
            setDrive(e.currentTarget.value);
            setDir("");
          }}
        >
          <option value="">—</option>
          {drives.data.items.map((d) => (
            <option key={d.name} value={d.name}>
              {d.name}
            </option>
          ))}
        </select>
      </label>
      {drive && (
        <>
          <p>
            <code>{location}</code>
          </p>
          <ul aria-label={t("folders")}>
            {dir !== "" && (
              <li>
                <button type="button" class="link" onClick={() => setDir(parent(dir))}>
                  ..
                </button>
              </li>
            )}
            {entries.data?.items
              .filter((entry) => entry.type === "directory")
              .map((entry) => (
                <li key={entry.name}>
                  <button type="button" class="link" onClick={() => setDir(join(dir, entry.name))}>
                    {entry.name}/
                  </button>
                </li>
              ))}
          </ul>
          <div class="buttons">
            <button type="button" onClick={() => onPick("source", location)}>
              {t("useAsSource")}
            </button>
            <button type="button" onClick={() => onPick("target", location)}>
              {t("useAsTarget")}
            </button>
          </div>
        </>
      )}
    </fieldset>
  );
}
