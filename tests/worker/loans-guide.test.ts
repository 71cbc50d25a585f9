// R20–R22, R30–R32 (issue 8): the usage guide's pages for pickup and loans are published now that the counter,
// 「貸出状況一覧」 and 「延長」 work — in the built site (needs the site built), linked from the guide's index, which no
// longer says loans and renewal are unavailable online; they say nothing untrue (no link to a page that is not
// published; what they say about mail since issue 9: tests/worker/mail-guide.test.ts).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { GUIDE_PAGES, PENDING_GUIDE_PAGES } from "../../site/src/lib/guide.ts";
import { HOLD_SHELF_OPEN_DAYS, RENEWAL_DAYS } from "../../worker/src/domain/policy.ts";
import { mainOf, textOf } from "../support/session-client.ts";

const asset = async (path: string) => {
  const res = await env.ASSETS.fetch(new Request(`https://assets.invalid${path}`));
  return { status: res.status, html: await res.text() };
};

describe("the guide pages for pickup (R20–R22) and loans (R30–R32)", () => {
  it("are published (in GUIDE_PAGES, no longer pending) and built", async () => {
    for (const slug of ["pickup", "loans"]) {
      expect(GUIDE_PAGES.map((g) => g.slug)).toContain(slug);
      expect(PENDING_GUIDE_PAGES.map(([s]) => s)).not.toContain(slug);
      const { status, html } = await asset(`/guide/${slug}/`);
      expect(status, slug).toBe(200);
      expect(html).not.toContain("<script");
    }
  });

  it("R30–R32: the loans page names 「貸出状況一覧」, 「延長」 / 「延長する」 and every rule of R31 and R32", async () => {
    const text = textOf(mainOf((await asset("/guide/loans/")).html));
    for (const words of ["「貸出状況一覧」", "「延長」", "「延長する」", "「延滞」", "延長は1回だけ", "ほかの方の予約", "市外の図書館から取り寄せて", `延長した日から${RENEWAL_DAYS / 7}週間後`]) {
      expect(text).toContain(words);
    }
  });

  // Issue 9 (R20, R21) changed what this page says about mail: tests/worker/mail-guide.test.ts checks it now.
  it("R20–R22: the pickup page counts the hold shelf in open days; it links no unpublished page", async () => {
    const { html } = await asset("/guide/pickup/");
    const text = textOf(mainOf(html));
    expect(text).toContain(`受取館の休館日を除いて${HOLD_SHELF_OPEN_DAYS}日間`);
    expect(text).toContain("「お取り置き期限」");
    for (const [slug] of PENDING_GUIDE_PAGES) expect(html).not.toContain(`href="/guide/${slug}/"`);
  });

  it("the guide's index links both and no longer says loans and renewal are unavailable online", async () => {
    const { html } = await asset("/guide/");
    expect(html).toContain('href="/guide/pickup/"');
    expect(html).toContain('href="/guide/loans/"');
    const text = textOf(mainOf(html));
    expect(text).toContain("「貸出状況一覧」での借りている資料の確認と貸出の延長");
    expect(text).not.toContain("借りている資料の確認、貸出の延長");
  });
});
