// The messages the forms' islands show before sending (LoginForm: R02's password shape; MailSettings: R42's
// address checks), kept apart so an island loads only its own words and not every refusal the service can give.
// Each is written here once and spread into MESSAGES (domain/messages.ts): still one message per reason code.
import { PASSWORD_MAX, PASSWORD_MIN } from "./policy.ts";

export const FORM_MESSAGES = {
  bad_request: "入力内容を確認してください。",
} as const;

// Accounts and passwords (R01–R08)
export const PASSWORD_MESSAGES = {
  password_too_short: `パスワードが短すぎます。${PASSWORD_MIN}文字以上で入力してください。`,
  password_too_long: `パスワードが長すぎます。${PASSWORD_MAX}文字以内で入力してください（切り捨てはしません）。`,
  password_full_width: "全角文字（漢字・ひらがな・カタカナ・全角英数字・全角スペースなど）は使えません。半角英数字で入力してください。",
  password_half_width_katakana: "半角カタカナは使えません。半角英数字（A〜Z、a〜z、0〜9）で入力してください。",
  password_symbol_or_space: "記号やスペースは使えません。半角英数字（A〜Z、a〜z、0〜9）だけで入力してください。",
  password_other_chars: "使えない文字（アクセント付きの文字、絵文字、制御文字など）が含まれています。半角英数字（A〜Z、a〜z、0〜9）だけで入力してください。",
  password_common: "「123456」「password」のように、よく使われていて推測されやすいパスワードは使えません。",
  password_same_as_card: "図書館カード番号（またはその一部）をパスワードに使うことはできません。",
  password_contains_birth_date: "生年月日（8桁・6桁、または月日の4桁）を含むパスワードは使えません。",
} as const;

// issue 9: mail address validation (R42; domain/mail-address.ts). Refusals say which rule and why; warnings
// (accepted, but look again) ask the patron to check, and the UI adds the suggested address after them.
export const MAIL_ADDRESS_MESSAGES = {
  mail_address_required: "メールアドレスを入力してください。",
  mail_address_double_dot: "「.」（ドット）が2つ続くメールアドレスには、図書館からメールを送信できません。携帯電話会社などで新しいアドレスを取得できます。",
  mail_address_dot_before_at: "「@」の直前が「.」（ドット）のメールアドレスには、図書館からメールを送信できません。携帯電話会社などで新しいアドレスを取得できます。",
  mail_address_local_dot_start: "「.」（ドット）で始まるメールアドレスには、図書館からメールを送信できません。携帯電話会社などで新しいアドレスを取得できます。",
  mail_address_no_at: "「@」（アットマーク）がありません。「名前@ドメイン」の形で入力してください。",
  mail_address_many_at: "「@」（アットマーク）が2つ以上あります。「@」は1つだけにしてください。",
  mail_address_local_missing: "「@」の前（名前の部分）がありません。",
  mail_address_domain_missing: "「@」の後ろ（ドメインの部分、例：docomo.ne.jp）がありません。",
  mail_address_space: "メールアドレスの途中に空白があります。空白を取り除いてください。",
  mail_address_control: "改行やタブなど、目に見えない文字が含まれています。メールアドレスを入力し直してください。",
  mail_address_comma: "「,」（カンマ）や「。」「、」はメールアドレスに使えません。「.」（ドット）の間違いではありませんか。",
  mail_address_hyphen_lookalike: "「ー」（長音）や「−」（マイナス）は、メールアドレスの「-」（半角のハイフン）とは別の文字です。半角の「-」に直してください。",
  mail_address_display_name: "「<」「>」や名前は入れずに、メールアドレスだけを入力してください。",
  mail_address_quoted: "「\"」（引用符）を使ったメールアドレスには、図書館からメールを送信できません。",
  mail_address_comment: "「(」「)」（かっこ）を使ったメールアドレスには、図書館からメールを送信できません。",
  mail_address_local_char: "「@」の前に使えない記号があります。使えるのは英数字と「. ! # $ % & ' * + - / = ? ^ _ ` { | } ~」です。",
  mail_address_local_non_ascii: "「@」の前に日本語などの全角文字や、半角英数字・記号以外の文字があります。携帯電話会社などのアドレスは半角英数字です。",
  mail_address_local_too_long: "「@」の前が長すぎます（64文字まで）。",
  mail_address_domain_underscore: "「@」の後ろ（ドメイン）に「_」（アンダーバー）は使えません。「-」（ハイフン）の間違いではありませんか。",
  mail_address_domain_non_ascii: "日本語などを含むドメインのアドレスには送信できません。「xn--」で始まる英数字の形があれば、そちらを入力してください。",
  mail_address_domain_char: "「@」の後ろ（ドメイン）に使えない文字があります。使えるのは英数字と「-」「.」です。",
  mail_address_ip_literal: "「[」「]」で囲んだIPアドレスのメールアドレスには、図書館からメールを送信できません。",
  mail_address_domain_dot: "「@」の後ろ（ドメイン）で、「.」（ドット）が先頭・末尾にあるか、2つ続いています。",
  mail_address_domain_no_dot: "「@」の後ろ（ドメイン）に「.」（ドット）がありません（例：docomo.ne.jp）。",
  mail_address_domain_label_too_long: "「@」の後ろ（ドメイン）の「.」で区切られた部分が長すぎます（63文字まで）。",
  mail_address_domain_hyphen: "「@」の後ろ（ドメイン）で、「.」で区切られた部分の先頭か末尾が「-」（ハイフン）になっています。",
  mail_address_domain_tld: "「@」の後ろ（ドメイン）の最後の部分（jp、com など）が正しくありません。",
  mail_address_domain_too_long: "「@」の後ろ（ドメイン）が長すぎます（253文字まで）。",
  mail_address_too_long: "メールアドレスが長すぎます（254文字まで）。",
  mail_address_normalized: "全角の文字を半角に直しました。登録するアドレスを確認してください。",
  mail_address_local_uppercase: "「@」の前に英大文字があります。大文字・小文字が登録したいアドレスのとおりか確認してください。",
  mail_address_vodafone_domain: "「vodafone.ne.jp」は以前のボーダフォンのドメインです。いまのソフトバンクのアドレス（softbank.ne.jp など）を確認してください。",
  mail_address_typo_suspected: "「@」の後ろ（ドメイン）が、よく使われるドメインと少し違います。入力に誤りがないか確認してください。",
} as const;
