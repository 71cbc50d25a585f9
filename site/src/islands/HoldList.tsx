// 「予約状況一覧」's 「取消」 without a page reload (issue 7 item 10), on the Worker's /holds page (rendered into
// /_shell/holds/, which carries this island). It enhances the forms the page already has: without JavaScript the same
// 「取消」 posts to /holds/:id/cancel and answers with a confirmation page. With it, the browser's own confirm dialog
// asks once, the island posts JSON ({ confirm: true }) to the same route, and then puts the list the Worker renders
// for /holds?cancelled=<id> in place of the old one — states, positions and released chains exactly as the server
// says. A refusal (another state, another patron's hold) is shown with the Worker's reasons and the sentence to
// come or phone. No rule lives here: the Worker decides; this only shows its answers.
import { onMount } from "solid-js";
import { enhanceListAction } from "./list-action.ts";

export default function HoldList() {
  onMount(() => {
    const main = document.querySelector("main");
    if (!main) return;
    enhanceListAction(main, {
      formClass: "hold-cancel",
      itemSelector: "li.hold-item",
      actionPath: /^\/holds\/(\d+)\/cancel$/,
      question: (title) => `「${title}」の予約を取り消しますか。取り消すと、予約順位は元に戻せません。`,
      body: { confirm: true },
      failed: "取り消せませんでした。",
      extra: (e) => (e.contactSentence ? [e.contactSentence] : []),
      // The list as the Worker now renders it (the hold cancelled, a released volume's chain, the counts).
      next: (id) => `/holds?cancelled=${id}`,
    });
  });
  return null;
}
