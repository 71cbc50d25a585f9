// R50 (issue 10 item 3): GET /account/card — 「利用カード（バーコード）」 through the whole Worker (session middleware,
// shell) inside workerd on the migrated D1. The number shown and encoded is the session's own; nothing in the
// request can name another patron's. Needs the site built (pages render into /_shell/).
import { beforeAll, describe, expect, it } from "vitest";
import { encodeCodabar } from "../../worker/src/domain/codabar.ts";
import { barcodeGeometry } from "../../worker/src/views/card.ts";
import type { Db } from "../../worker/src/data/db.ts";
import { demoDb, insertPatron } from "../support/accounts.ts";
import { TestClient, mainOf, textOf } from "../support/session-client.ts";
import { expectLoginWall } from "../support/refusals.ts";

let db: Db;
beforeAll(async () => {
  db = await demoDb();
});

/** The bars' x/width pairs of the page's SVG path. */
function barsOf(html: string): { x: number; w: number }[] {
  const d = /<svg class="card-barcode"[\s\S]*?<path fill="#000" d="([^"]+)"/.exec(html)?.[1] ?? "";
  return [...d.matchAll(/M(\d+) 0h(\d+)v/g)].map((m) => ({ x: Number(m[1]), w: Number(m[2]) }));
}

async function loggedIn(overrides: Parameters<typeof insertPatron>[1] = {}) {
  const patron = await insertPatron(db, overrides);
  const client = new TestClient();
  await client.login(patron.cardNumber, patron.password!);
  return { patron, client };
}

describe("R50 「利用カード（バーコード）」 GET /account/card", () => {
  it("shows the session's card number under an inline NW-7 SVG whose bars are exactly that number's, private and noindex", async () => {
    const { patron, client } = await loggedIn();
    const { res, html } = await client.page("/account/card");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("no-store");
    expect(html).toContain('<meta name="robots" content="noindex">');
    const main = mainOf(html);
    expect(main).toContain("<h1>利用カード（バーコード）</h1>");
    expect(main).toMatch(/<svg class="card-barcode"[^>]*shape-rendering="crispEdges"/);
    expect(main).toMatch(/<svg class="card-barcode"[^>]*role="img"/);
    expect(main).toContain(`図書館カード番号 ${patron.cardNumber} のバーコード（NW-7）`);
    // The number printed under the symbol, as text (not only inside the SVG).
    expect(main).toMatch(new RegExp(`</svg>\\s*<p class="card-number">[^<]*<span class="visually-hidden">図書館カード番号 </span>${patron.cardNumber}</p>`));
    expect(textOf(main)).toContain("画面を明るく");
    const code = encodeCodabar(patron.cardNumber);
    if (!code.ok) throw new Error("the test patron's number encodes");
    expect(barsOf(html)).toEqual(barcodeGeometry(code.elements).bars);
    // No image request and no script: the page is whole as it arrives (and from a cached copy).
    expect(main).not.toMatch(/<img|<script/);
  });

  it("patron A sees only A's number: B's number is on no part of A's page, whatever the query names", async () => {
    const a = await loggedIn();
    const b = await loggedIn();
    const { html } = await a.client.page(`/account/card?card=${b.patron.cardNumber}&patronId=${b.patron.id}`);
    expect(html).toContain(a.patron.cardNumber);
    expect(html).not.toContain(b.patron.cardNumber);
    const codeA = encodeCodabar(a.patron.cardNumber);
    const codeB = encodeCodabar(b.patron.cardNumber);
    if (!codeA.ok || !codeB.ok) throw new Error("both encode");
    expect(barsOf(html)).toEqual(barcodeGeometry(codeA.elements).bars);
    expect(barsOf(html)).not.toEqual(barcodeGeometry(codeB.elements).bars);
    // …and B's own page is B's.
    const own = await b.client.page("/account/card");
    expect(own.html).toContain(b.patron.cardNumber);
    expect(own.html).not.toContain(a.patron.cardNumber);
  });

  it("anonymous: a browser goes to the login page and comes back; the JSON API answers 401", async () => {
    await expectLoginWall(new TestClient(), "/account/card");
  });

  it("R05: a temporary password goes to 「パスワード変更」 first", async () => {
    const { client } = await loggedIn({ temporary: true });
    const res = await client.request("/account/card", { html: true });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/account/password");
  });

  it("the account menu links the card page", async () => {
    const { client } = await loggedIn();
    const { html } = await client.page("/account");
    expect(mainOf(html)).toContain('<li><a href="/account/card">利用カード（バーコード）</a></li>');
  });
});
