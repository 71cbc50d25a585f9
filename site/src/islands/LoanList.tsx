// 「貸出状況一覧」's 「延長」 without a page reload (issue 8 item 5, R31), on the Worker's /loans page (rendered into
// /_shell/loans/, which carries this island). It enhances the forms the page already has: without JavaScript the same
// 「延長」 opens /loans/:id/renew, which shows the new due date and 「延長する」. With it, the browser's own confirm dialog
// names the new due date the Worker put on the form (data-new-due), the island posts to POST /loans/:id/renew as JSON,
// and then puts the list the Worker renders for /loans?renewed=<id> in place of the old one — the new due date and
// 「延長済み」 exactly as the server says. A refusal is shown with the Worker's reasons (which rule refused). No rule
// lives here: the Worker decides; this only shows its answers.
import { onMount } from "solid-js";
import { enhanceListAction } from "./list-action.ts";

export default function LoanList() {
  onMount(() => {
    const main = document.querySelector("main");
    if (!main) return;
    enhanceListAction(main, {
      formClass: "loan-renew",
      itemSelector: "li.loan-item",
      actionPath: /^\/loans\/(\d+)\/renew$/,
      question: (title, form) => `「${title}」の貸出を延長しますか。延長後の返却期限は${form.dataset.newDue ?? ""}です。延長できるのは1回だけです。`,
      body: {},
      failed: "延長できませんでした。",
      // The list as the Worker now renders it (the new due date, 「延長済み」, the notice).
      next: (id) => `/loans?renewed=${id}`,
    });
  });
  return null;
}
