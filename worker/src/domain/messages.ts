// One Japanese message per reason code, for every refusal the service can give. Written for a patron.
// Numbers that are policy (R02, R13) come from domain/policy.ts, so a message can never disagree with the rule.
import { BOOK_LIST_ENTRY_LIMIT, BOOK_LIST_LIMIT, BOOK_LIST_NAME_MAX, CART_LIMIT, HOLD_LIMIT, MAIL_ADDRESS_LIMIT, MAX_RENEWALS, PASSWORD_MAX, PASSWORD_MIN } from "./policy.ts";

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
  // Reservation cart (R13)
  not_holdable: "この書誌は予約できません。",
  // One unit for every limit the patron reads (the guide's 冊: 「10冊まで予約できます」).
  cart_full: `予約カートがいっぱいです（${CART_LIMIT}冊まで）。予約しない資料を「解除」してから入れてください。`,
  cart_record_invalid: "予約カートに入れる書誌の指定が正しくありません。書誌のページから「予約カートに入れる」を押してください。",
  // Accounts and passwords (R01–R08)
  password_too_short: `パスワードが短すぎます。${PASSWORD_MIN}文字以上で入力してください。`,
  password_too_long: `パスワードが長すぎます。${PASSWORD_MAX}文字以内で入力してください（切り捨てはしません）。`,
  password_full_width: "全角文字（漢字・ひらがな・カタカナ・全角英数字・全角スペースなど）は使えません。半角英数字で入力してください。",
  password_half_width_katakana: "半角カタカナは使えません。半角英数字（A〜Z、a〜z、0〜9）で入力してください。",
  password_symbol_or_space: "記号やスペースは使えません。半角英数字（A〜Z、a〜z、0〜9）だけで入力してください。",
  password_other_chars: "使えない文字（アクセント付きの文字、絵文字、制御文字など）が含まれています。半角英数字（A〜Z、a〜z、0〜9）だけで入力してください。",
  password_common: "「123456」「password」のように、よく使われていて推測されやすいパスワードは使えません。",
  password_same_as_card: "図書館カード番号（またはその一部）をパスワードに使うことはできません。",
  password_contains_birth_date: "生年月日（8桁・6桁、または月日の4桁）を含むパスワードは使えません。",
  // The labels' own words (「変更するパスワード」 on 「パスワード変更」; the same field is the new password on the apply form).
  password_confirm_mismatch: "「確認用パスワード」が「変更するパスワード」（新しく登録するパスワード）と一致しません。同じものをもう一度入力してください。",
  password_unchanged: "新しいパスワードが現在のパスワードと同じです。別のパスワードにしてください。",
  current_password_wrong: "現在のパスワードが正しくありません。",
  login_failed: "図書館カード番号またはパスワードが正しくありません。",
  login_required: "ログインしてください。",
  password_change_required: "仮パスワードでログインしています。ほかのサービスを使う前に、「パスワード変更」でパスワードを変更してください。",
  too_many_attempts: "失敗が続いたため、しばらくの間受け付けを止めています。",
  terms_not_agreed: "利用条件に同意してください。",
  card_number_invalid: "図書館カード番号を数字で入力してください。",
  birth_date_invalid: "生年月日を「1985-04-12」のように、年（4桁）・月・日で入力してください。",
  phone_invalid: "電話番号を数字で入力してください（ハイフンはあってもなくてもかまいません）。",
  identity_not_confirmed: "入力された図書館カード番号・生年月日・電話番号では確認できませんでした。内容をご確認のうえ、もう一度お試しください。ご不明な場合は図書館の窓口へお問い合わせください。",
  account_suspended: "この図書館カードは現在ご利用いただけません。図書館の窓口へお問い合わせください。",
  patron_not_found: "その図書館カード番号の利用者は登録されていません。",
  terminal_unknown: "この端末は図書館の利用者端末として登録されていません。",
  staff_login_failed: "職員IDまたはパスワードが正しくありません。",
  staff_login_required: "職員としてログインしてください。",
  staff_role_required: "この操作を行う権限がありません。",
  session_conflict: "ほかの操作と重なったため、処理できませんでした。もう一度お試しください。",
  // The database's backstops (data/db.ts CONSTRAINT_REASONS): refusals a trigger, unique index or CHECK gives
  already_in_cart: "この書誌はすでに予約カートに入っています。",
  hold_limit_reached: `予約できるのは1人${HOLD_LIMIT}冊までです（本・雑誌あわせて、窓口・利用者端末での予約も含みます）。`,
  already_held: "この書誌はすでに予約しています。",
  pickup_not_allowed: "その図書館は受取館に指定できません。市内の図書館から選んでください。",
  item_already_allocated: "この資料はほかの予約に割り当てられています。",
  item_already_on_loan: "この資料はすでに貸出中です。",
  renewal_limit_reached: `貸出の延長は${MAX_RENEWALS}回までです。`,
  renewal_not_allowed_inter_library: "ほかの図書館から取り寄せた資料（相互貸借）は延長できません。",
  mail_address_limit_reached: `メールアドレスは${MAIL_ADDRESS_LIMIT}件まで登録できます。`,
  mail_address_duplicate: "このメールアドレスはすでに登録されています。",
  mail_address_invalid: "メールアドレスの形式が正しくありません。",
  book_list_limit_reached: `マイブックリストは${BOOK_LIST_LIMIT}件まで作れます。使わないリストを削除してから作ってください。`,
  book_list_full: `1つのマイブックリストに入れられるのは${BOOK_LIST_ENTRY_LIMIT}件までです。`,
  book_list_name_taken: "同じ名前のマイブックリストがすでにあります。別の名前にしてください。",
  already_in_book_list: "この書誌はすでにこのマイブックリストに入っています。",
  series_order_pending: "順番予約の前の巻がまだ用意できていないため、この巻は確保できません。",
  // マイブックリスト (issue 7 item 9, h-lists)
  book_list_name_empty: "マイブックリストの名前を入力してください。",
  book_list_name_too_long: `マイブックリストの名前は${BOOK_LIST_NAME_MAX}文字までです。`,
  book_list_name_control: "マイブックリストの名前に、改行やタブなどの使えない文字が含まれています。",
  book_list_not_found: "そのマイブックリストは見つかりませんでした。",
  book_list_record_invalid: "マイブックリストに入れる書誌の指定が正しくありません。書誌のページから「マイブックリストに追加」を押してください。",
  book_list_invalid: "マイブックリストを選んでください。",
  // Generic
  not_found: "お探しのページは見つかりませんでした。",
  record_not_found: "この書誌は見つかりませんでした。",
  bad_request: "入力内容を確認してください。",
  bad_body: "送信された内容を読み取れませんでした。ページを開き直して、もう一度お試しください。",
  method_not_allowed: "この操作はできません。",
  internal: "ただいま処理できませんでした。しばらくしてからもう一度お試しください。",
} as const;

export type ReasonCode = keyof typeof MESSAGES;
