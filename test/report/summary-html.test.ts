import { XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { summaryHtml } from "../../src/report/summary-html";
import { finding, panel, summary } from "./fixtures";

describe("summary.html", () => {
  const html = summaryHtml(
    summary({
      findings: [finding({ summary: "a <b> & c", signature: "sig<&>" })],
      map: [panel({ kind: "sev", memEncrypt: false, cbitPlacement: "window-bottom" })],
    }),
  );

  it("embeds the divergence map as inline, well-formed SVG", () => {
    const svg = html.slice(html.indexOf("<svg"), html.indexOf("</svg>") + 6);
    expect(svg.length).toBeGreaterThan(1000);
    expect(XMLValidator.validate(svg)).toBe(true);
  });

  it("escapes text and shows the findings table with the replay command", () => {
    expect(html).toContain("<code>sig&lt;&amp;&gt;</code>");
    expect(html).not.toContain("sig<&>");
    expect(html).toContain("<code>vmm-difffuzz replay crashes/93dfe74b0cb8ac72.json</code>");
    expect(html).toMatch(/<th>first hit<\/th>/);
  });

  it("opens with the review verdict in plain words, before anything else, and counts real-CPU findings", () => {
    const verdict = html.indexOf("<h2>Review verdict</h2>");
    expect(verdict).toBeGreaterThan(html.indexOf("<h1>"));
    expect(verdict).toBeLessThan(html.indexOf('<ul class="about">'));
    expect(html).toContain("On real AMD hosts, posted breaks 1 thing the tree did not, by the specs (1 crash).");
    expect(html).toContain("<li>1 findings on real CPUs (1 signatures in all)");
    expect(html).toMatch(/<th>reach<\/th><th>introduced<\/th><th>basis<\/th>/);
    expect(html).toContain("<td>real-cpu (zen2-rome)</td><td>introduced</td><td>spec</td>");
  });
});
