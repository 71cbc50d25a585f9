// Issue 10 item 5 (R50): low-bandwidth mode, server side. A browser that says `Save-Data: on` (Chrome's Lite mode,
// an OS data saver) or `Sec-CH-Prefers-Reduced-Data: reduce` gets the Worker's pages without islands: every flow
// already works as plain links and forms (no-JavaScript parity, item 4), so the islands' scripts are the
// non-essential part. HTML answers say `Vary: Save-Data, Sec-CH-Prefers-Reduced-Data` so no cache hands one
// variant to the other. (Static pages come from the assets before the Worker runs; they carry no island in the
// header any more, and the record page's availability island is the only one left there.)
// Applied by middleware/security-headers.ts to every HTML answer.

export const LOW_BANDWIDTH_VARY = ["Save-Data", "Sec-CH-Prefers-Reduced-Data"] as const;

/** Does the request ask for less data? (`Save-Data: on`, RFC-draft token list; the reduced-data client hint.) */
export function wantsReducedData(headers: Headers): boolean {
  const saveData = (headers.get("Save-Data") ?? "").toLowerCase().split(/[;,]/).map((t) => t.trim());
  const reduced = (headers.get("Sec-CH-Prefers-Reduced-Data") ?? "").toLowerCase().replace(/"/g, "").trim();
  return saveData.includes("on") || reduced === "reduce";
}

/** Data blocks (JSON-LD) are content for crawlers, not code: they stay. */
const DATA_TYPES = new Set(["application/ld+json", "application/json"]);

/** The page without its islands: the <astro-island> elements, the island loader scripts, module scripts and preloads. */
export function withoutIslands(res: Response): Response {
  return new HTMLRewriter()
    .on("astro-island", { element: (el) => void el.remove() })
    .on("script", {
      element(el) {
        const type = (el.getAttribute("type") ?? "").toLowerCase();
        if (DATA_TYPES.has(type)) return;
        // /cart-lines.js stays: a kilobyte that shows the cart count and session on pages the Worker did not fill.
        if (el.getAttribute("src") === "/cart-lines.js") return;
        el.remove();
      },
    })
    .on('link[rel="modulepreload"]', { element: (el) => void el.remove() })
    .transform(res);
}

/** An HTML answer as the request wants it: without islands if it asks for less data; `Vary` named either way. */
export function applyLowBandwidth(request: Headers, res: Response): Response {
  const out = wantsReducedData(request) ? withoutIslands(res) : res;
  for (const name of LOW_BANDWIDTH_VARY) out.headers.append("Vary", name);
  return out;
}
