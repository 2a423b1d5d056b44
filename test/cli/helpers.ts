// In-process runs of the command line with a capturing Io, and temporary files for them.
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { onTestFinished } from "vitest";
import type { Io } from "../../src/cli/io";
import { main } from "../../src/cli/main";
import { scenarioToText } from "../../src/scenario/codec";
import type { Scenario } from "../../src/scenario/types";

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export async function cli(...argv: string[]): Promise<CliResult> {
  let out = "";
  let err = "";
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), errIsTty: false };
  const code = await main(argv, io);
  return { code, out, err };
}

/** A fresh temporary folder, removed when the test that made it finishes. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "vmm-difffuzz-cli-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes `content` (a scenario, a JSON value or raw text) into `dir/name`; returns the path. */
export function writeInput(dir: string, name: string, content: Scenario | object | string): string {
  const path = join(dir, name);
  const text =
    typeof content === "string"
      ? content
      : "host" in content && (content as Scenario).host?.cpus?.[0]?.cpuid instanceof Map
        ? scenarioToText(content as Scenario)
        : `${JSON.stringify(content, null, 2)}\n`;
  writeFileSync(path, text);
  return path;
}

/** Non-empty lines of a text. */
export function lines(text: string): string[] {
  return text.split("\n").filter((l) => l !== "");
}
