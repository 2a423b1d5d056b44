// `vmm-difffuzz replay [--impl NAME] [--against NAME] [--json] FILE…`: runs A and B on each file and prints
// both sides, the findings and the decoded CPU profile. Exit 0 when they agree, 1 when they diverge.
import type { Finding } from "../diff/finding";
import { runPair } from "../diff/run-pair";
import { DEFAULT_IMPL, implementation, REFERENCE } from "../impls";
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

export function findingLines(findings: readonly Finding[]): string {
  if (findings.length === 0) return "  agree: no finding\n";
  return findings
    .map((f) => {
      const at = f.step === null ? "final PTEs" : f.step < 0 ? "VM creation" : `step ${f.step}`;
      return `  FINDING [${f.severity}] ${f.class} at ${at}: ${f.detail}\n    signature: ${f.signature}\n`;
    })
    .join("");
}

export function replayCommand(args: ParsedArgs, io: Io): number {
  if (args.positional.length === 0) throw new UsageError("replay needs at least one FILE");
  const json = bool(args, "json");
  let status = EXIT_OK;
  const results: unknown[] = [];
  for (const file of args.positional) {
    const input = readInputFile(file);
    if (!input.ok) {
      io.err(`${input.error}\n`);
      status = EXIT_BAD_INPUT;
      continue;
    }
    const recorded = input.kind === "finding" ? input.finding : null;
    const implA = implementation(flag(args, "impl") ?? recorded?.impl ?? DEFAULT_IMPL);
    const implB = implementation(flag(args, "against") ?? recorded?.against ?? REFERENCE);
    const { a, b, findings } = runPair(input.scenario, implA, implB);
    if (diverges(findings) && status === EXIT_OK) status = EXIT_FINDINGS;
    const profile = profileWords(input.scenario);
    if (json) {
      results.push({
        file,
        profile,
        impl: implA.name,
        against: implB.name,
        agree: !diverges(findings),
        findings: findings.map(findingJson),
        outcomes: { A: a && outcomeJson(a), B: b && outcomeJson(b) },
      });
      continue;
    }
    io.out(`${file}: ${profile}\n`);
    if (a && b) io.out(sideBySide(a, b, input.scenario.steps));
    io.out(findingLines(findings));
  }
  if (json) io.out(`${JSON.stringify(results, null, 2)}\n`);
  return status;
}
