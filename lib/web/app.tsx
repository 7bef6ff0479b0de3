import { useEffect, useMemo, useState } from "preact/hooks";
import { type Credentials, onTokenNeeded } from "./api.ts";
import { UiContext, uiFor } from "./context.ts";
import { browserLanguage, LANGUAGES, type Language } from "./i18n.ts";
import { ConfigForm } from "./pages/config-form.tsx";
import { ConfigsPage } from "./pages/configs.tsx";
import { DrivesPage } from "./pages/drives.tsx";
import { RunPage, RunsPage } from "./pages/runs.tsx";
import { SystemPage } from "./pages/system.tsx";
import { TokenDialog } from "./pages/token-dialog.tsx";
import { href, type Route, useRoute } from "./route.ts";

const LANGUAGE_KEY = "syncron.language";
const LANGUAGE_NAMES: Record<Language, string> = { en: "English", "zh-CN": "简体中文" };

const initialLanguage = (): Language => {
  const saved = localStorage.getItem(LANGUAGE_KEY);
  return (LANGUAGES as readonly string[]).includes(saved ?? "")
    ? (saved as Language)
    : browserLanguage(navigator.languages);
};

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case "configs":
      return <ConfigsPage />;
    case "new":
      return <ConfigForm />;
    case "edit":
      return <ConfigForm id={route.id} />;
    case "runs":
      return <RunsPage configId={route.id} />;
    case "run":
      return <RunPage configId={route.id} taskId={route.taskId} />;
    case "drives":
      return <DrivesPage />;
    case "system":
      return <SystemPage />;
  }
}

export function App() {
  const [language, setLanguage] = useState(initialLanguage);
  const [tokenWanted, setTokenWanted] = useState<((given: Credentials) => void) | undefined>();
  const route = useRoute();
  const ui = useMemo(() => uiFor(language), [language]);

  useEffect(() => {
    document.documentElement.lang = language;
    localStorage.setItem(LANGUAGE_KEY, language);
  }, [language]);
  useEffect(() => onTokenNeeded(() => new Promise((resolve) => setTokenWanted(() => resolve))), []);

  const nav = [
    { to: href("configs"), label: ui.t("navConfigs"), on: ["configs", "new", "edit", "runs", "run"] },
    { to: href("drives"), label: ui.t("navDrives"), on: ["drives"] },
    { to: href("system"), label: ui.t("navSystem"), on: ["system"] },
  ];
  return (
    <UiContext.Provider value={ui}>
      <header class="top">
        <a class="brand" href={href("configs")}>
          {ui.t("appName")}
        </a>
        <nav aria-label="main">
          {nav.map((item) => (
            <a key={item.to} href={item.to} aria-current={item.on.includes(route.page) ? "page" : undefined}>
              {item.label}
            </a>
          ))}
          <a href="docs/">{ui.t("navDocs")}</a>
        </nav>
        <label class="language">
          {ui.t("language")}{" "}
          <select value={language} onChange={(e) => setLanguage(e.currentTarget.value as Language)}>
            {LANGUAGES.map((code) => (
              <option key={code} value={code} lang={code}>
                {LANGUAGE_NAMES[code]}
              </option>
            ))}
          </select>
        </label>
      </header>
      <main>
        <Page route={route} />
      </main>
      {tokenWanted && (
        <TokenDialog
          onToken={(given) => {
            tokenWanted(given);
            setTokenWanted(undefined);
          }}
        />
      )}
    </UiContext.Provider>
  );
}
