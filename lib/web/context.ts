import { createContext } from "preact";
import { useContext } from "preact/hooks";
import { type Language, type MessageKey, translate } from "./i18n.ts";

export interface Ui {
  readonly language: Language;
  readonly t: (key: MessageKey) => string;
  /** A date in the viewer's own time zone, in the page's language. */
  readonly when: (iso: string | null | undefined) => string;
}

export const uiFor = (language: Language): Ui => {
  const format = new Intl.DateTimeFormat(language, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short",
  });
  return {
    language,
    t: (key) => translate(language, key),
    when: (iso) => (iso ? format.format(new Date(iso)) : "—"),
  };
};

export const UiContext = createContext<Ui>(uiFor("en"));
export const useUi = (): Ui => useContext(UiContext);
