// The usage guide (利用案内): one page per topic, in this order (nav, home page, sitemap).
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
  ["cart", "予約カートと予約", "R11–R14"],
  ["ordered-holds", "順番予約（シリーズ・上下巻）", "R15, R16"],
  ["pickup", "受取と連絡方法・取置期間", "R20–R22"],
  ["loans", "貸出状況と貸出延長", "R30–R32"],
  ["holds-status", "予約状況・取消・変更", "R33–R36"],
  ["mail", "メールアドレスの登録と、メールが届かないとき", "R40–R44"],
  ["browsers", "対応ブラウザ", "R50"],
];

export const GUIDE_PAGES: GuidePage[] = pages.map(([slug, title, rules]) => ({ slug, href: `/guide/${slug}/`, title, rules }));

export function guidePage(slug: string): GuidePage {
  const page = GUIDE_PAGES.find((p) => p.slug === slug);
  if (!page) throw new Error(`unknown guide page ${slug}`);
  return page;
}
