// Shared browser set-up for the e2e tests: Debian's Chromium through playwright-core, axe-core injected.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { CHROMIUM_ARGS, findChromium } from "../support/chromium.ts";
import { openLocalPlatform } from "../../db/cli/platform.ts";

export const BASE = process.env.SHIORI_URL ?? "http://127.0.0.1:8787";

export async function launch(): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error("Chromium not found: install Debian's chromium package");
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
}

export async function newContext(
  browser: Browser,
  opts: { javaScriptEnabled?: boolean; width?: number; bypassCSP?: boolean } = {},
): Promise<BrowserContext> {
  return browser.newContext({
    javaScriptEnabled: opts.javaScriptEnabled ?? true,
    viewport: { width: opts.width ?? 1024, height: 800 },
    locale: "ja-JP",
    // axe-core is injected as a script; the site's CSP must not stop the test tool itself. The security tests
    // (tests/e2e/security.test.ts) pass false: there the CSP is what is being tested.
    bypassCSP: opts.bypassCSP ?? true,
  });
}

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's WCAG 2.x A/AA rules over the whole page; returns the violations (none expected). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    // @ts-expect-error axe is injected above
    const result = await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } });
    return result.violations.map((v: AxeViolation) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
}

export function describeViolations(v: AxeViolation[]): string {
  return v.map((x) => `${x.id} (${x.impact}): ${x.help} — ${x.nodes.map((n) => n.target.join(" ")).join(", ")}`).join("\n");
}

/** The local D1 as the browser tests reach it (wrangler's platform proxy on .wrangler/state). */
export type LocalD1 = Awaited<ReturnType<typeof openLocalPlatform>>["d1"];

/** Runs `f` on the local D1 and closes the proxy, whatever `f` does. */
export async function withD1<T>(f: (d1: LocalD1) => Promise<T>): Promise<T> {
  const platform = await openLocalPlatform();
  try {
    return await f(platform.d1);
  } finally {
    await platform.dispose();
  }
}
