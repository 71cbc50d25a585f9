// The usage guide (利用案内): one page per topic, in this order (nav, home page, sitemap). Issue 6 item 4: only pages
// for what works today are published. The pages for holds, loans and mail were written and kept as
// site/src/pages/guide/_<slug>.astro (Astro builds no file whose name starts with "_"); the issue that builds each
// service renames its page and moves its row from PENDING_GUIDE_PAGES into `pages`.
export interface GuidePage {
  slug: string;
  href: string;
  title: string;
  /** The rules the page explains (RULES.md). */
  rules: string;
}

const pages: [slug: string, title: string, rules: string][] = [
  ["password", "パスワードの取得と変更", "R01–R08"],
  ["search", "資料の探し方", "R10"],
  ["cart", "予約カート", "R11–R14"],
  ["ordered-holds", "順番予約（シリーズ・上下巻）", "R15, R16"],
  ["holds-status", "予約状況・取消・変更", "R15, R16, R33–R35"],
  ["pickup", "受取と連絡方法・取置期間", "R20–R22"],
  ["loans", "貸出状況と貸出延長", "R30–R32"],
  // Issue 9: published with the mail settings, the confirmation and the ready notice (R40–R44).
  ["mail", "メールアドレスの登録と、メールが届かないとき", "R40–R44"],
  // issue 10 pwa
  ["app", "ホーム画面に追加・オフラインで使う", "R50"],
  // end issue 10 pwa
  // issue 10 card
  ["card", "利用カード（バーコード）", "R50"],
  // end issue 10 card
  ["browsers", "対応ブラウザ", "R50"],
];

/** Written, not published until their services work (see above). */
export const PENDING_GUIDE_PAGES: readonly [slug: string, title: string, rules: string][] = [];

export const GUIDE_PAGES: GuidePage[] = pages.map(([slug, title, rules]) => ({ slug, href: `/guide/${slug}/`, title, rules }));

export function guidePage(slug: string): GuidePage {
  const row = pages.find(([s]) => s === slug) ?? PENDING_GUIDE_PAGES.find(([s]) => s === slug);
  const page = row ? { slug: row[0], href: `/guide/${row[0]}/`, title: row[1], rules: row[2] } : undefined;
  if (!page) throw new Error(`unknown guide page ${slug}`);
  return page;
}
