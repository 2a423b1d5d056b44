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
});
