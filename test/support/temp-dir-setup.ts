import { afterAll } from "vitest";
import { removeTempDirs } from "./temp-dir.ts";

/** vitest setupFile: after each test file (its own afterAll hooks first), its temp folders go. */
afterAll(removeTempDirs);
