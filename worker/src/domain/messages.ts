// One Japanese message per reason code, for every refusal the service can give. Written for a patron.
// Numbers that are policy (R02, R13) come from domain/policy.ts, so a message can never disagree with the rule.
import { FORM_MESSAGES, MAIL_ADDRESS_MESSAGES, PASSWORD_MESSAGES } from "./messages-forms.ts";
import { BOOK_LIST_ENTRY_LIMIT, BOOK_LIST_LIMIT, BOOK_LIST_NAME_MAX, CART_LIMIT, HOLD_LIMIT, MAIL_ADDRESS_LIMIT, MAX_RENEWALS, TERMINAL_LABEL_MAX } from "./policy.ts";

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
  // Accounts and passwords (R01–R08); the password's own reasons are in domain/messages-forms.ts
  ...PASSWORD_MESSAGES,
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
  loan_limit_reached: "貸出は1人10点までです。返却のあとで借りられます。",
  renewal_limit_reached: `貸出の延長は${MAX_RENEWALS}回までです。`,
  renewal_not_allowed_inter_library: "ほかの図書館から取り寄せた資料（相互貸借）は延長できません。",
  // Loans: renewal (R31, R32; domain/renewal.ts)
  renewal_overdue: "返却期限を過ぎた資料は延長できません。図書館へ返却してください。",
  renewal_held_by_others: "この資料はほかの方が予約しているため、延長できません。",
  loan_returned: "この資料はすでに返却されています。",
  mail_address_limit_reached: `メールアドレスは${MAIL_ADDRESS_LIMIT}件まで登録できます。`,
  mail_address_duplicate: "このメールアドレスはすでに登録されています。",
  mail_address_invalid: "メールアドレスの形式が正しくありません。",
  book_list_limit_reached: `マイブックリストは${BOOK_LIST_LIMIT}件まで作れます。使わないリストを削除してから作ってください。`,
  book_list_full: `1つのマイブックリストに入れられるのは${BOOK_LIST_ENTRY_LIMIT}件までです。`,
  book_list_name_taken: "同じ名前のマイブックリストがすでにあります。別の名前にしてください。",
  already_in_book_list: "この書誌はすでにこのマイブックリストに入っています。",
  series_order_pending: "順番予約の前の巻がまだ用意できていないため、この巻は確保できません。",
  // OPAC terminals: registration and enrolment (issue 7 item 8, R03, R36)
  terminal_code_invalid: "端末コードは半角の英小文字・数字・ハイフンで、32文字以内で入力してください（例: chuo-opac-1）。",
  terminal_code_taken: "その端末コードはすでに登録されています。別の端末コードにしてください。",
  terminal_branch_invalid: "設置館を市内の図書館から選んでください。",
  terminal_label_invalid: `設置場所は${TERMINAL_LABEL_MAX}文字以内で入力してください（改行などの制御文字は使えません）。`,
  terminal_not_found: "その利用者端末は登録されていないか、すでに廃止されています。",
  enrolment_code_invalid: "登録コードが正しくないか、有効期限（発行から24時間）が切れているか、すでに使われています。職員の管理者に新しい登録コードの発行を依頼してください。",
  // Holds: placing (issue 7, h-place: R13, R14, R20, R36, R43, R12/R16 paper form)
  not_in_cart: "この書誌は予約カートに入っていません。予約カートから「予約申込」へ進んでください。",
  on_shelf_at_terminal: "この資料はこの図書館の書架にあります。予約せずに、書架からお取りください。",
  hold_lines_none: "予約する資料にチェックを入れてください。",
  hold_lines_invalid: "予約する資料の指定が正しくありません。予約カートから「予約申込」へ進んでください。",
  hold_contact_invalid: "「連絡方法」を「メール」「電話」「連絡不要」から選んでください。",
  hold_mail_unavailable: "確認済みのメールアドレスが登録されていないため、「メール」は選べません。「電話」か「連絡不要」を選んでください。",
  hold_form_expired: "この申込画面は古くなっています。「予約申込」の画面を開き直して、もう一度お申し込みください。",
  hold_in_progress: "この申込みは処理中です。しばらくしてから「予約状況一覧」でご確認ください。",
  reception_time_invalid: "受付日時を「2026-12-01T10:30」のように入力してください（未来の日時は入力できません）。",
  // マイブックリスト (issue 7 item 9, h-lists)
  book_list_name_empty: "マイブックリストの名前を入力してください。",
  book_list_name_too_long: `マイブックリストの名前は${BOOK_LIST_NAME_MAX}文字までです。`,
  book_list_name_control: "マイブックリストの名前に、改行やタブなどの使えない文字が含まれています。",
  book_list_not_found: "そのマイブックリストは見つかりませんでした。",
  book_list_record_invalid: "マイブックリストに入れる書誌の指定が正しくありません。書誌のページから「マイブックリストに追加」を押してください。",
  book_list_invalid: "マイブックリストを選んでください。",
  // Holds: ordered holds 順番予約 from the cart (issue 7 item 4, R15)
  series_too_few_volumes: "順番予約には、同じシリーズの巻が予約カートに2冊以上必要です。",
  series_volume_refused: "予約できない巻があるため、順番予約を申し込めません。その巻を予約カートから「解除」するか、予約できるようになってから申し込んでください。",
  series_does_not_fit: `順番予約は全巻をまとめて申し込むため、予約できる残り冊数より巻が多いときは1冊も予約されません（1人${HOLD_LIMIT}冊まで）。`,
  series_order_invalid: "「順番」には1から巻の数までの数字を、重ならないように1つずつ入力してください。",
  series_choice_invalid: "順番予約するシリーズの指定が正しくありません。予約カートから「順番予約」を選び直してください。",
  series_not_in_cart: "予約カートに入っていない巻が指定されました。予約カートから「順番予約」を選び直してください。",
  series_pickup_invalid: "「受取館」は一覧の図書館から選んでください。",
  series_request_invalid: "順番予約の申込み内容を読み取れませんでした。予約カートから「順番予約」をやり直してください。",
  // Holds: status list, cancel and change (issue 7, R15, R33, R34)
  hold_not_found: "その予約は見つかりませんでした。「予約状況一覧」から選んでください。",
  hold_invalid: "予約の指定が正しくありません。「予約状況一覧」から選んでください。",
  hold_not_changeable: "この予約は「予約中です」ではないため、インターネットからは取消・変更できません。ご来館時にお申し出いただくか、開館時間内に受取館へお電話ください。",
  hold_external: "市外の図書館から取り寄せる資料の予約は、インターネットからは取消・変更できません。ご来館時にお申し出いただくか、開館時間内に受取館へお電話ください。",
  hold_not_waiting: "この予約はすでに資料を確保しているか、終了しています。",
  hold_pickup_invalid: "受取館の指定が正しくありません。一覧の受取館から選んでください。",
  hold_change_empty: "変更する受取館または連絡方法を選んでください。",
  // issue 8: patron loans (「貸出状況一覧」 and 「延長」, R30–R32; services/loans.ts)
  renewal_loan_not_found: "その貸出は見つかりませんでした。「貸出状況一覧」から選んでください。",
  renewal_loan_invalid: "貸出の指定が正しくありません。「貸出状況一覧」から選んでください。",
  // issue 8: counter lists and ILL (staff console: 「ピックリスト」「取置棚」「連絡済み」「利用者照会」, R12/R14/R34 ILL)
  console_branch_forbidden: "窓口の職員は、所属館の一覧だけを表示できます。",
  console_branch_invalid: "館の指定が正しくありません。一覧から選んでください。",
  console_hold_invalid: "予約の指定が正しくありません。「取置棚」の一覧から選んでください。",
  contact_hold_not_found: "その予約は、この館の「取置棚」の電話連絡の一覧にありません。",
  contact_other_branch: "この予約の受取館は所属館ではないため、連絡を記録できません。受取館の窓口で記録してください。",
  contact_already_recorded: "この予約の電話連絡は、すでに記録されています。",
  ill_record_held_in_city: "この書誌は市内の図書館に所蔵があります。「市外から取り寄せ」を外して、通常の予約として入力してください。",
  ill_hold_not_found: "その相互貸借の予約は、この館で受入を待っていません。「相互貸借資料の受入」の一覧から選んでください。",
  ill_barcode_invalid: "資料番号は、半角の英数字とハイフンで32文字以内で入力してください（例: ILL-0001）。",
  ill_barcode_taken: "その資料番号はすでに使われています。別の資料番号を付けてください。",
  ill_already_received: "この相互貸借の予約の資料は、すでに受け入れています。",
  // end issue 8: counter lists and ILL
  // issue 8: circulation counter 「貸出」「返却」「到着」 (H1; written for staff at the counter)
  barcode_required: "資料のバーコード（資料番号）を読み取ってください。",
  checkout_card_required: "先に利用者の図書館カードを読み取ってください。",
  checkout_patron_suspended: "この利用者カードは利用停止中のため、貸出できません。",
  item_not_found: "そのバーコードの資料は登録されていません。バーコードを確かめて、もう一度読み取ってください。",
  item_reference_only: "この資料は禁帯出（館内閲覧のみ）のため、貸出できません。",
  item_withdrawn: "この資料は除籍済み（または相互貸借で借りた館へ返送済み）です。",
  item_missing: "この資料は所在不明として登録されています。先に「返却」で読み取って所在を戻してから貸し出してください。",
  item_in_transit: "この資料は搬送中です。行き先の図書館で「到着」を処理してから扱ってください。",
  item_held_for_other: "この資料はほかの利用者の予約の取置中のため、貸出できません。",
  ill_copy_for_other: "この資料は相互貸借で取り寄せた、ほかの利用者の予約のための資料です。その利用者にだけ貸し出せます。",
  own_hold_copy_on_shelf: "この利用者の同じ資料の予約が取置棚にあります。取置棚の資料（予約の資料）を読み取って貸し出してください。",
  transit_not_open: "この資料は搬送中ではありません。返却された資料は「返却」で読み取ってください。",
  transit_other_branch: "この資料の行き先はこの図書館ではありません。搬送票に書かれた行き先の図書館へ送ってください。",
  transit_not_found: "その搬送票は見つかりませんでした。",
  circulation_busy: "ほかの窓口の処理と重なったため、処理できませんでした。もう一度読み取ってください。",
  // end issue 8: circulation counter
  // issue 9: mail address validation (R42; domain/mail-address.ts), written in domain/messages-forms.ts
  ...MAIL_ADDRESS_MESSAGES,
  // end issue 9: mail address validation
  // issue 9: mail settings (R40, R41, R44; services/mail-settings.ts)
  mail_address_limit: "メールアドレスは3つまで登録できます。新しく登録するときは、登録済みのアドレスを「変更する」か「削除する」でお手続きください。",
  mail_address_exists: "このメールアドレスはすでに登録されています。",
  mail_address_not_found: "そのメールアドレスは登録されていません。",
  mail_address_changed_meanwhile: "このメールアドレスはほかの画面で変更されました。画面を開き直してから、もう一度お試しください。",
  mail_operation_required: "「変更する」か「削除する」を選んでから「確認」を押してください。",
  mail_password_required: "メールアドレスを登録・変更するときは、パスワードを入力してください。",
  mail_password_wrong: "パスワードが正しくありません。メールアドレスは登録・変更されていません。",
  mail_warning_unconfirmed: "入力されたメールアドレスに誤りがないか確認してください。このままでよければ「このまま登録する」にチェックして、もう一度「確認」を押してください。",
  mail_already_confirmed: "このメールアドレスは確認済みです。確認メールを送る必要はありません。",
  mail_resend_too_soon: "確認メールを送ったばかりです。1分ほどたってから、もう一度お試しください。",
  mail_test_unconfirmed: "テストメールは確認済みのメールアドレスにだけ送信できます。先に確認メールのリンクから確認してください。",
  mail_test_too_soon: "テストメールを送ったばかりです。しばらくたってから、もう一度お試しください。",
  mail_link_expired: "この確認用リンクは有効期限が切れています。メール設定の画面で「確認メールを再送」を押して、新しいリンクを受け取ってください。",
  mail_link_invalid: "この確認用リンクはすでに使われたか、正しくありません。確認済みかどうかは、ログインしてメール設定の画面でご確認ください。",
  // end issue 9: mail settings
  // issue 9: outbox and dev mailbox (services/mail-outbox.ts)
  // end issue 9: outbox and dev mailbox
  // issue 9: notices (R20, reminders; services/mail-notices.ts)
  // end issue 9: notices
  // Generic
  not_found: "お探しのページは見つかりませんでした。",
  record_not_found: "この書誌は見つかりませんでした。",
  ...FORM_MESSAGES,
  bad_body: "送信された内容を読み取れませんでした。ページを開き直して、もう一度お試しください。",
  method_not_allowed: "この操作はできません。",
  // issue 10 pwa
  cart_replay_key_invalid: "予約カートへの追加を受け付けられませんでした。資料のページを開き直して、もう一度「予約カートに入れる」を押してください。",
  // end issue 10 pwa
  // issue 10 card
  codabar_empty: "図書館カード番号が登録されていないため、バーコードを表示できません。窓口にお問い合わせください。",
  codabar_character_invalid: "図書館カード番号にバーコード（NW-7）で表せない文字が含まれているため、バーコードを表示できません。窓口にお問い合わせください。",
  codabar_guard_invalid: "バーコード（NW-7）のスタート・ストップ文字は A〜D のいずれかです。",
  // end issue 10 card
  internal: "ただいま処理できませんでした。しばらくしてからもう一度お試しください。",
} as const;

export type ReasonCode = keyof typeof MESSAGES;
