// `vmm-difffuzz replay [--impl NAME] [--against NAME] [--json] FILE…`: runs A and B on each file and prints
// both sides, the findings and the decoded CPU profile. Exit 0 when they agree, 1 when they diverge.
import type { Outcome } from "../cpu/events";
import type { Finding } from "../diff/finding";
import type { LabelledFinding } from "../diff/labels";
import { replayScenario, type ReplayOptions } from "../engine/driver/replay-scenario";
import { findingWords } from "../report/finding-words";
import { labelLine } from "../report/label-words";
import { findingJson, outcomeJson } from "../report/json-outcome";
import { profileWords } from "../report/profile-words";
import { sideBySide } from "../report/side-by-side";
import type { ParsedArgs } from "./flags";
import { readInputFile } from "./input-files";
import { EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, UsageError, type Io } from "./io";
import { bool, flag } from "./options";

/** Findings that make two implementations disagree; pte-bits (info: same CPU behaviour) do not. */
export function diverges(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity !== "info");
}

/** The panic or fault message of a side that crashed (for the finding's sentence). */
export function crashReason(o: Outcome | null): string | undefined {
  if (!o) return undefined;
  const events = [...o.createEvents, ...o.steps.flatMap((s) => s.events)];
  const crash = events.find((e) => e.kind === "host-crash");
  return crash?.kind === "host-crash" ? crash.reason : undefined;
}

export function findingLines(findings: readonly LabelledFinding[], reason?: string): string {
  if (findings.length === 0) return "  agree: no finding\n";
  return findings
    .map((f) => {
      const at = f.step === null ? "final PTEs" : f.step < 0 ? "VM creation" : `step ${f.step}`;
      const words = findingWords(f.signature, f.class === "host-crash" ? reason : undefined);
      // The diff's detail adds the concrete values (e.g. the shift count); a crash's sentence already quotes the panic.
      const detail = f.class === "host-crash" ? "" : `    ${f.detail}\n`;
      return (
        `  FINDING [${f.severity}] ${f.class} at ${at}: ${words}\n${detail}    ${labelLine(f)}\n` +
        `    signature: ${f.signature}\n`
      );
    })
    .join("");
}

export interface ReplayCommandOptions extends ReplayOptions {
  readonly files: readonly string[];
  readonly json: boolean;
}

export function resolveReplayOptions(args: ParsedArgs): ReplayCommandOptions {
  if (args.positional.length === 0) throw new UsageError("replay needs at least one FILE");
  return Object.freeze({
    files: Object.freeze([...args.positional]),
    impl: flag(args, "impl") ?? null,
    against: flag(args, "against") ?? null,
    baseline: flag(args, "baseline") ?? null,
    json: bool(args, "json"),
  });
}

export function replayCommand(args: ParsedArgs, io: Io): number {
  const o = resolveReplayOptions(args);
  const { json } = o;
  let status = EXIT_OK;
  const results: unknown[] = [];
  for (const file of o.files) {
    const input = readInputFile(file);
    if (!input.ok) {
      io.err(`${input.error}\n`);
      status = EXIT_BAD_INPUT;
      continue;
    }
    const recorded = input.kind === "finding" ? input.finding : null;
    const { a, b, findings, ...pair } = replayScenario(input.scenario, recorded, o);
    if (diverges(findings) && status === EXIT_OK) status = EXIT_FINDINGS;
    const profile = profileWords(input.scenario);
    if (json) {
      results.push({
        file,
        profile,
        impl: pair.impl,
        against: pair.against,
        baseline: pair.baseline,
        agree: !diverges(findings),
        findings: findings.map((f) => ({
          ...findingJson(f),
          words: findingWords(f.signature, f.class === "host-crash" ? (crashReason(a) ?? crashReason(b)) : undefined),
        })),
        outcomes: { A: a && outcomeJson(a), B: b && outcomeJson(b) },
      });
      continue;
    }
    io.out(`${file}: ${profile}\n`);
    if (a && b) io.out(sideBySide(a, b, input.scenario.steps, io.columns));
    io.out(findingLines(findings, crashReason(a) ?? crashReason(b)));
  }
  if (json) io.out(`${JSON.stringify(results, null, 2)}\n`);
  return status;
}
