// `npm run staff -- issue-temp-password CARD`: R05 from the command line (audited as 'system'). At the counter, staff use
// 「利用者照会」 → 「仮パスワード発行」 in the staff console (/staff/patrons, issue 8), the same service with their staff id.
// `npm run staff -- enrol-terminal CODE` (issue 7 item 8): a fresh one-time enrolment code for the OPAC terminal
// CODE in the local D1 (e.g. the demo's chuo-opac-1), as 「登録コードを発行」 on /staff/terminals gives an admin;
// type it at /opac/enrol in the browser that is to be the terminal. Its previous device secret stops working.
// Each prints its secret alone on stdout (for scripts and the browser tests); the rest goes to stderr.
import { pathToFileURL } from "node:url";
import { issueTemporaryPassword } from "../../worker/src/services/passwords.ts";
import { AppError } from "../../worker/src/errors.ts";
import { issueEnrolmentForCode } from "../../worker/src/services/terminals.ts";
import { ensureDevVars } from "./dev-vars.ts";
import { openLocalPlatform } from "./platform.ts";

const USAGE = "usage: npm run staff -- issue-temp-password CARD\n       npm run staff -- enrol-terminal TERMINAL_CODE";

export async function issueTempPasswordLocal(card: string): Promise<string> {
  const { PASSWORD_PEPPER } = ensureDevVars();
  const platform = await openLocalPlatform();
  try {
    // staffId null: issued from the command line, audited as 'system'.
    const issued = await issueTemporaryPassword(platform.db, { PASSWORD_PEPPER: PASSWORD_PEPPER! }, { card, staffId: null, now: Date.now() });
    process.stderr.write(`仮パスワードを発行しました（図書館カード番号 ${issued.cardNumber}）。ログイン後は「パスワード変更」だけが使えます。\n`);
    return issued.password;
  } finally {
    await platform.dispose();
  }
}

export async function enrolTerminalLocal(code: string): Promise<string> {
  const { PASSWORD_PEPPER } = ensureDevVars();
  const platform = await openLocalPlatform();
  try {
    const issued = await issueEnrolmentForCode(platform.db, { PASSWORD_PEPPER: PASSWORD_PEPPER! }, { code, now: Date.now() });
    const until = new Date(issued.expiresAt).toLocaleString("ja-JP", { timeZone: "Asia/Tokyo" });
    process.stderr.write(`利用者端末 ${issued.code} の登録コードを発行しました（${until}まで、1回だけ有効）。端末のブラウザで /opac/enrol を開いて入力してください。\n`);
    return issued.enrolmentCode;
  } finally {
    await platform.dispose();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, arg, ...rest] = argv;
  const run = command === "issue-temp-password" ? issueTempPasswordLocal : command === "enrol-terminal" ? enrolTerminalLocal : null;
  if (!run || !arg || rest.length) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  try {
    process.stdout.write(`${await run(arg)}\n`);
    return 0;
  } catch (err) {
    if (err instanceof AppError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.exitCode = await main(process.argv.slice(2));
}
