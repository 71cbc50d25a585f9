// One Japanese message per reason code, for every refusal the service can give. Written for a patron.
export const MESSAGES = {
  // Search (R10)
  query_empty: "検索語を入力してください。",
  query_too_long: "検索語が長すぎます。100文字以内で入力してください。",
  query_control_chars: "検索語に使えない文字（制御文字）が含まれています。",
  query_no_searchable_chars: "検索できる文字が含まれていません。文字や数字で入力してください。",
  isbn_invalid: "ISBNの形式が正しくありません。10桁または13桁の数字で入力してください（ハイフンは省略できます）。",
  ndc_invalid: "分類（NDC）は数字3桁まで（例: 913）で入力してください。",
  year_invalid: "出版年は4桁の数字で入力してください（例: 2020）。",
  page_invalid: "ページの指定が正しくありません。",
  sort_invalid: "並び順の指定が正しくありません。",
  facet_invalid: "絞り込みの指定が正しくありません。",
  query_too_many_terms: "検索語が多すぎます。10語以内で入力してください。",
  // Catalogue, holdability (R11, R12)
  not_loanable: "館外への貸出をしていない資料（参考図書・辞書・貴重本など）のため、予約できません。",
  not_held_in_city: "市内の図書館に所蔵がないため、インターネットからは予約できません。図書館の窓口で「リクエスト（予約）申込書」をご提出ください。",
  // Generic
  not_found: "お探しのページは見つかりませんでした。",
  record_not_found: "この書誌は見つかりませんでした。",
  bad_request: "入力内容を確認してください。",
  method_not_allowed: "この操作はできません。",
  internal: "ただいま処理できませんでした。しばらくしてからもう一度お試しください。",
} as const;

export type ReasonCode = keyof typeof MESSAGES;

export function messageFor(code: ReasonCode): string {
  return MESSAGES[code];
}
