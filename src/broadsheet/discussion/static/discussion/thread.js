// The discussion under a post, enhanced. Every part works without this script: the controls
// submit with their button, "Reply" loads the page with the form set to answer, ratings post
// a form. Here the same markup gets an inline reply form, drafts kept across reloads, ratings
// without a reload and sub-threads that fold.
//
// Nothing happens while a reader moves through a list's options (WCAG 3.2.2): the Display and
// Sort lists wait for Apply, a rating for its Rate button or Enter, and a 0 (hide) for a
// confirmation.
//
// Elements are found by class and data- attributes, never by their nesting, so the comment
// markup can move its parts around without breaking this.

const DRAFT_SAVE_DELAY_MS = 400; // save while typing, but not on every key
const TOP_LEVEL_TITLE = "Post a comment"; // when the server's form was a reply's

const discussion = document.querySelector(".discussion");

function commentArticle(commentId) {
  const element = document.getElementById(`comment-${commentId}`);
  return element && element.matches(".comment") ? element : null;
}

function commentNumber(article) {
  const number = article?.querySelector(".comment__number");
  const match = number && /#(\d+)/.exec(number.textContent);
  return match ? match[1] : "";
}

// ---------------------------------------------------------------- announcements

// Made at start, not at the first message: screen readers may miss a region that appears
// together with its text. The markup may hold one already.
let liveRegion = null;

function prepareAnnouncer() {
  liveRegion = discussion.querySelector(".discussion__announcer");
  if (liveRegion) return;
  liveRegion = document.createElement("p");
  liveRegion.className = "visually-hidden discussion__announcer";
  liveRegion.setAttribute("role", "status");
  liveRegion.setAttribute("aria-live", "polite");
  discussion.append(liveRegion);
}

function announce(text) {
  // Emptied first, so the same words said twice are announced twice.
  liveRegion.textContent = "";
  window.setTimeout(() => {
    liveRegion.textContent = text;
  }, 50);
}

// ---------------------------------------------------------------- drafts

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null; // storage switched off: drafts are simply not kept
  }
}

function readDraft(key) {
  try {
    const draft = JSON.parse(storage()?.getItem(key) ?? "null");
    return draft && typeof draft === "object" ? draft : null;
  } catch {
    return null;
  }
}

function writeDraft(key, draft) {
  try {
    if (draft.subject.trim() || draft.body.trim()) {
      storage()?.setItem(key, JSON.stringify(draft));
    } else {
      storage()?.removeItem(key);
    }
  } catch {
    // Full or refused: the draft lives only in the form, as without this script.
  }
}

function removeDraft(key) {
  try {
    storage()?.removeItem(key);
  } catch {
    // nothing kept, nothing to remove
  }
}

// ---------------------------------------------------------------- the comment form

function enhanceCommentForm(form) {
  const fields = form.elements;
  const parentInput = fields.namedItem("parent");
  const subjectInput = fields.namedItem("subject");
  const bodyInput = fields.namedItem("body");
  const title = form.querySelector(".comment-form__title");
  const draftKey = form.dataset.draftKey;
  if (!parentInput || !bodyInput) return;
  const topLevelTitle = (!parentInput.value && title?.textContent.trim()) || TOP_LEVEL_TITLE;

  // Where the form lives when it answers no one: it goes back there on "Cancel reply".
  const home = document.createComment(" the comment form's place ");
  form.before(home);

  const actions = form.querySelector(".form__actions") || form;
  for (const serverCancel of form.querySelectorAll("[data-cancel-reply]")) serverCancel.remove();
  const cancel = document.createElement("button");
  cancel.type = "button";
  cancel.className = "link-button comment-form__cancel";
  cancel.textContent = "Cancel reply";
  cancel.dataset.cancelReply = "";
  cancel.hidden = true;
  actions.append(cancel);

  // What the title and draft need to know about the comment being answered.
  let replyTo = null; // {id, number, subject}

  function setTitle() {
    if (!title) return;
    // Answering a comment on another page of the thread, the server's title says it best.
    if (replyTo && !replyTo.number && !replyTo.subject) return;
    if (!replyTo) {
      title.textContent = topLevelTitle;
      return;
    }
    const onPage = commentArticle(replyTo.id);
    const link = document.createElement("a");
    link.href = onPage ? `#comment-${replyTo.id}` : `?comment=${replyTo.id}#comment-${replyTo.id}`;
    // Scoop style: "#3 Its subject"; Blog style has no numbers and names the author.
    link.textContent = `${replyTo.number ? `#${replyTo.number}` : ""} ${replyTo.subject}`.trim();
    title.replaceChildren("Reply to ", link);
  }

  function replyFor(commentId, subject) {
    const article = commentArticle(commentId);
    const link = article && discussion.querySelector(`.comment__reply[data-reply-to="${commentId}"]`);
    return {
      id: String(commentId),
      number: commentNumber(article),
      subject: subject ?? link?.dataset.replySubject ?? "",
    };
  }

  function openReply(target, { focus = true } = {}) {
    replyTo = target;
    parentInput.value = target.id;
    const article = commentArticle(target.id);
    if (article) article.after(form);
    cancel.hidden = false;
    setTitle();
    if (focus) bodyInput.focus();
  }

  function cancelReply({ focus = true } = {}) {
    const answered = replyTo && commentArticle(replyTo.id);
    replyTo = null;
    parentInput.value = "";
    home.after(form);
    cancel.hidden = true;
    setTitle();
    scheduleSave(0);
    if (!focus) return;
    const replyLink = answered?.querySelector(".comment__reply");
    (replyLink || bodyInput).focus();
  }

  // Drafts: one per post, holding the text and the comment it answers.
  let saveTimer = 0;
  let posting = false;

  function saveNow() {
    window.clearTimeout(saveTimer);
    saveTimer = 0;
    if (!draftKey || posting) return;
    writeDraft(draftKey, {
      subject: subjectInput?.value ?? "",
      body: bodyInput.value,
      parent: replyTo,
      saved: Date.now(),
    });
  }

  function scheduleSave(delay = DRAFT_SAVE_DELAY_MS) {
    window.clearTimeout(saveTimer);
    saveTimer = window.setTimeout(saveNow, delay);
  }

  form.addEventListener("input", () => scheduleSave());
  // A reload inside the delay still keeps the last keystrokes.
  window.addEventListener("pagehide", () => {
    if (saveTimer) saveNow();
  });

  document.addEventListener("click", (event) => {
    if (!(event.target instanceof Element) || !isPlainClick(event)) return;
    const replyLink = event.target.closest(".comment__reply[data-reply-to]");
    if (replyLink && discussion.contains(replyLink)) {
      event.preventDefault();
      openReply(replyFor(replyLink.dataset.replyTo, replyLink.dataset.replySubject));
      scheduleSave(0);
    } else if (event.target.closest("[data-cancel-reply]") === cancel) {
      event.preventDefault();
      cancelReply();
    }
  });

  // A fold closing over the open reply form sends the form home rather than hide it.
  form.addEventListener("discussion:fold", () => {
    if (replyTo) cancelReply({ focus: false });
  });

  form.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && replyTo && !event.defaultPrevented) {
      event.preventDefault();
      cancelReply();
    }
  });

  form.addEventListener("submit", (event) => {
    if (posting) {
      event.preventDefault(); // the first click is on its way
      return;
    }
    const submitter = event.submitter;
    if (!submitter || submitter.name !== "post") return;
    posting = true;
    window.clearTimeout(saveTimer);
    if (draftKey) removeDraft(draftKey);
    // Disabled after the form's data is taken: a disabled button would not be sent.
    window.setTimeout(() => {
      submitter.disabled = true;
    }, 0);
  });

  // Back from the next page, the browser may show this one as it was left: usable again.
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return;
    posting = false;
    for (const button of form.querySelectorAll("button[disabled]")) button.disabled = false;
  });

  // On load: the server's form (after a preview, an error or a ?reply= link) wins over a
  // stored draft; otherwise the draft comes back, under the comment it answers.
  const serverParent = parentInput.value;
  const serverHasText = Boolean(bodyInput.value.trim() || subjectInput?.value.trim());
  const draft = draftKey ? readDraft(draftKey) : null;
  const draftParent = draft?.parent?.id ? String(draft.parent.id) : "";
  if (serverHasText) {
    if (serverParent) openReply(replyFor(serverParent), { focus: false });
    saveNow();
  } else if (draft && (!serverParent || serverParent === draftParent)) {
    if (subjectInput) subjectInput.value = draft.subject ?? "";
    bodyInput.value = draft.body ?? "";
    if (draftParent) {
      const onPage = replyFor(draftParent);
      openReply(commentArticle(draftParent) ? onPage : { ...onPage, ...draft.parent }, {
        focus: false,
      });
    }
  } else if (serverParent) {
    openReply(replyFor(serverParent), { focus: false });
  }
  if (replyTo && window.location.hash === "#reply-form") form.scrollIntoView();

  // The server sent the form back with errors: say why first. Not at once: the page's
  // address ends in #reply-form, and browsers take the focus away from everything when they
  // scroll to a target that cannot hold it (which is also why autofocus does nothing here).
  const errors = form.querySelector("#comment-errors");
  if (errors) {
    const focusErrors = () => window.setTimeout(() => errors.focus(), 0);
    if (document.readyState === "complete") focusErrors();
    else window.addEventListener("load", focusErrors, { once: true });
  }
}

function isPlainClick(event) {
  return event.button === 0 && !(event.ctrlKey || event.metaKey || event.shiftKey || event.altKey);
}

// ---------------------------------------------------------------- ratings

// As the page writes it: "(4.50 / 2)", or "(none / 0)" before anyone rates.
function ratingText(rating) {
  const unrated = rating.average === null || rating.average === undefined;
  const average = unrated ? "none" : Number(rating.average).toFixed(2);
  return `(${average} / ${rating.count})`;
}

async function errorDetail(response) {
  try {
    const body = await response.json();
    if (body && typeof body.detail === "string") return body.detail;
  } catch {
    // not JSON: a proxy's page, say
  }
  return `Your rating could not be saved (error ${response.status}). Please try again.`;
}

// ---------------------------------------------------------------- asking before a 0 (hide)

const HIDE_VALUE = "0";
let hideDialog = null;

// One dialog for the page, made when first needed. A modal <dialog> keeps the focus inside,
// closes on Escape (as "keep") and gives the focus back to the Rate button when it closes.
function confirmationDialog() {
  if (hideDialog) return hideDialog;
  hideDialog = document.createElement("dialog");
  hideDialog.className = "confirm-dialog";
  hideDialog.setAttribute("aria-labelledby", "hide-dialog-title");
  hideDialog.setAttribute("aria-describedby", "hide-dialog-text");
  const form = document.createElement("form");
  form.method = "dialog";
  const title = document.createElement("h2");
  title.id = "hide-dialog-title";
  title.className = "confirm-dialog__title";
  const text = document.createElement("p");
  text.id = "hide-dialog-text";
  text.textContent =
    "A rating of 0 is a vote to hide the comment: once enough trusted readers rate it " +
    "this low, ordinary readers no longer see it. You can change or remove your rating later.";
  const actions = document.createElement("p");
  actions.className = "form__actions";
  const keep = document.createElement("button");
  keep.value = "keep";
  keep.className = "button";
  keep.textContent = "Keep it visible";
  keep.autofocus = true; // the safe answer is the one Enter gives
  const hide = document.createElement("button");
  hide.value = "hide";
  hide.className = "button button--danger";
  hide.textContent = "Rate 0 (hide)";
  actions.append(hide, keep);
  form.append(title, text, actions);
  hideDialog.append(form);
  discussion.append(hideDialog);
  return hideDialog;
}

function confirmHide(which) {
  const dialog = confirmationDialog();
  dialog.querySelector(".confirm-dialog__title").textContent = `Rate ${which} 0 (hide)?`;
  dialog.returnValue = "";
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "hide"), {
      once: true,
    });
    dialog.showModal();
  });
}

// ---------------------------------------------------------------- ratings

// The page holds one rating form (the thread carries none per comment): a comment's Rate
// link brings it under that comment. Without this script the link opens the comment's own
// page, which has its own form.
const readerState = { ownRatings: {}, loaded: false };

// "Rate (yours: 4)": the link keeps its name, so the reader finds it where it was.
function rateLinkText(link, value) {
  let own = link.querySelector(".comment__own-rating");
  if (value === undefined || value === null) {
    own?.remove();
    return;
  }
  if (!own) {
    own = document.createElement("span");
    own.className = "comment__own-rating";
    link.append(own);
  }
  own.textContent = ` (yours: ${value})`;
}

function enhanceRateForm(form) {
  const select = form.querySelector("select[name=value]");
  if (!select) return;
  let commentId = "";
  let ratingUrl = "";
  let opener = null; // the Rate link the form answers
  let saved = ""; // what the server holds, to go back to when a change fails
  let latest = 0; // answers to earlier requests arrive late: only the last one counts

  const error = document.createElement("span");
  error.className = "rate-form__error";
  error.setAttribute("role", "alert");
  error.hidden = true;
  form.append(error);

  function showError(text) {
    error.textContent = text;
    error.hidden = !text;
  }

  function setClearOption(present) {
    const existing = select.querySelector("option[value=clear]");
    if (present && !existing) {
      const option = document.createElement("option");
      option.value = "clear";
      option.textContent = "Remove my rating";
      select.append(option);
    } else if (!present && existing) {
      existing.remove();
    }
  }

  function describe(article) {
    const number = commentNumber(article);
    if (number) return `comment #${number}`;
    const author = article?.querySelector(".comment__author")?.textContent.trim();
    return author ? `${author}’s comment` : "the comment";
  }

  function open(link) {
    const article = commentArticle(link.dataset.commentId);
    if (!article) return;
    commentId = link.dataset.commentId;
    ratingUrl = `/api/comments/${commentId}/rating`;
    form.action = link.href.replace(/#.*$/, "").replace(/\/$/, "/rate/");
    opener = link;
    const own = readerState.ownRatings[commentId];
    saved = own === undefined ? "" : String(own);
    select.value = saved;
    setClearOption(own !== undefined);
    showError("");
    form.querySelector(".rate-form__label").textContent = `Your rating of ${describe(article)}`;
    (link.closest(".comment__actions") || article).after(form);
    form.hidden = false;
    select.focus();
  }

  function close({ focus = true } = {}) {
    form.hidden = true;
    if (focus) opener?.focus();
  }

  async function send() {
    const value = select.value;
    if (!value) return;
    const request = ++latest;
    const clearing = value === "clear";
    showError("");
    form.setAttribute("aria-busy", "true");
    let response;
    try {
      response = await fetch(ratingUrl, {
        method: clearing ? "DELETE" : "PUT",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": form.elements.namedItem("csrfmiddlewaretoken")?.value ?? "",
        },
        body: clearing ? undefined : JSON.stringify({ value: Number(value) }),
      });
    } catch {
      response = null;
    }
    if (request !== latest) return;
    form.removeAttribute("aria-busy");
    if (!response || !response.ok) {
      select.value = saved;
      showError(
        response
          ? await errorDetail(response)
          : "Your rating could not be sent: check your connection and try again.",
      );
      return;
    }
    let result;
    try {
      result = await response.json();
    } catch {
      showError("Your rating was sent, but the answer could not be read: reload the page.");
      return;
    }
    if (request !== latest) return;
    saved = clearing ? "" : value;
    if (clearing) delete readerState.ownRatings[commentId];
    else readerState.ownRatings[commentId] = Number(value);
    select.value = saved;
    setClearOption(!clearing);
    if (opener) rateLinkText(opener, readerState.ownRatings[commentId]);
    const article = commentArticle(commentId);
    const shown = article?.querySelector("[data-rating]");
    const text = ratingText(result.rating);
    if (shown) shown.textContent = text;
    const which = describe(article);
    announce(
      clearing
        ? `Your rating of ${which} is removed. Its rating is now ${text}.`
        : `You rated ${which} ${value}. Its rating is now ${text}.`,
    );
  }

  let asked = false; // a dialog is open for this form: a second Enter does not open another

  async function submit() {
    if (!select.value) {
      showError("Choose a rating first, then press Rate.");
      select.focus();
      return;
    }
    if (select.value === HIDE_VALUE && select.value !== saved) {
      if (asked) return;
      asked = true;
      const confirmed = await confirmHide(describe(commentArticle(commentId)));
      asked = false;
      if (!confirmed) {
        select.value = saved;
        announce("Nothing was rated.");
        return;
      }
    }
    send();
  }

  // Choosing a value sends nothing: arrow keys move through the options of a closed list in
  // most browsers, and each step would be a vote. Enter, like the button, sends the choice.
  select.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    form.requestSubmit();
  });
  form.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !event.defaultPrevented && !form.hidden) {
      event.preventDefault();
      close();
    }
  });
  form.querySelector(".rate-form__close")?.addEventListener("click", () => close());
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  document.addEventListener("click", (event) => {
    if (!(event.target instanceof Element) || !isPlainClick(event)) return;
    const link = event.target.closest(".comment__rate[data-comment-id]");
    if (!link || !discussion.contains(link)) return;
    event.preventDefault();
    if (!form.hidden && opener === link) close();
    else open(link);
  });
}

// ---------------------------------------------------------------- the reader's own parts

function actionLink(className, href, text) {
  const link = document.createElement("a");
  link.className = className;
  link.href = href;
  link.textContent = text;
  return link;
}

// The thread is the same HTML for every reader; what is this reader's (their ratings, the
// Edit and Delete links of their comments, or of all for a moderator) comes from one request.
async function loadReaderState(holder) {
  let state;
  try {
    const response = await fetch(holder.dataset.readerUrl, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) return;
    state = await response.json();
  } catch {
    return; // the page still works: each comment's own page has its controls
  }
  if (!state.signed_in) return;
  readerState.ownRatings = state.own_ratings || {};
  readerState.loaded = true;
  const own = new Set((state.own_comments || []).map(String));
  const editable = new Set((state.editable || []).map(String));
  for (const link of discussion.querySelectorAll(".comment__rate[data-comment-id]")) {
    const id = link.dataset.commentId;
    if (own.has(id)) link.remove();
    else if (readerState.ownRatings[id] !== undefined) {
      rateLinkText(link, readerState.ownRatings[id]);
    }
  }
  for (const link of discussion.querySelectorAll(".comment__flag[data-comment-id]")) {
    if (own.has(link.dataset.commentId)) link.remove();
  }
  for (const article of discussion.querySelectorAll("article.comment[data-comment-id]")) {
    const id = article.dataset.commentId;
    if (article.matches(".comment--deleted") || article.closest(".comment-preview")) continue;
    const mayEdit = state.moderator || editable.has(id);
    const mayDelete = state.moderator || own.has(id);
    if (!mayEdit && !mayDelete) continue;
    const actions = article.querySelector(".comment__actions");
    if (!actions) continue;
    if (mayEdit) actions.append(actionLink("comment__edit", `/comments/${id}/edit/`, "Edit"));
    if (mayDelete) {
      actions.append(actionLink("comment__delete", `/comments/${id}/delete/`, "Delete"));
    }
  }
}

// ---------------------------------------------------------------- folding sub-threads

function replyListOf(article) {
  const item = article.closest(".comments__item");
  if (!item) return null;
  for (const child of item.children) {
    if (child.matches("ol.comments__replies")) return child;
  }
  return null;
}

function enhanceSubThread(article) {
  if (article.closest(".comment-preview")) return;
  const replies = replyListOf(article);
  if (!replies) return;
  const count = replies.querySelectorAll(".comments__item").length;
  if (!replies.id) replies.id = `replies-to-${article.dataset.commentId || article.id}`;
  const toggle = document.createElement("button");
  toggle.type = "button";
  toggle.className = "link-button comment__fold";
  toggle.setAttribute("aria-controls", replies.id);
  const noun = count === 1 ? "reply" : "replies";

  function show(expanded) {
    replies.hidden = !expanded;
    toggle.setAttribute("aria-expanded", String(expanded));
    // Not "hide": on this page that word belongs to moderation (comment--hidden).
    toggle.textContent = `${expanded ? "Collapse" : "Expand"} ${count} ${noun}`;
  }

  toggle.addEventListener("click", () => {
    const folding = !replies.hidden;
    const replyForm = document.getElementById("reply-form");
    if (folding && replyForm && replies.contains(replyForm)) {
      replyForm.dispatchEvent(new Event("discussion:fold"));
    }
    show(!folding);
  });
  replies.addEventListener("discussion:reveal", () => show(true));
  show(true);
  // The button says how many replies there are: the plain count would say it twice.
  const plainCount = article.querySelector(".comment__replies-count");
  if (plainCount) {
    plainCount.hidden = true;
    plainCount.after(toggle);
    return;
  }
  const actions = article.querySelector(".comment__actions");
  if (actions) actions.append(toggle);
  else article.append(toggle);
}

// A link to a comment inside a folded sub-thread opens the folds on the way.
function revealTarget() {
  let id = "";
  try {
    id = decodeURIComponent(window.location.hash.slice(1));
  } catch {
    return; // not an address this page wrote
  }
  const target = id && document.getElementById(id);
  if (!target || !discussion.contains(target)) return;
  let folded = target.closest("ol.comments__replies[hidden]");
  if (!folded) return;
  while (folded) {
    folded.dispatchEvent(new Event("discussion:reveal"));
    folded = folded.parentElement?.closest("ol.comments__replies[hidden]");
  }
  target.scrollIntoView();
}

// An old link's #comment-N (an imported blog's comment anchors) to a comment on another page
// of a long thread: the page that holds it is asked for by ?comment=N, once.
function findCommentOnItsPage() {
  const wanted = /^#comment-(\d+)$/.exec(window.location.hash);
  if (!wanted || document.getElementById(`comment-${wanted[1]}`)) return;
  const address = new URL(window.location.href);
  if (address.searchParams.has("comment")) return;
  address.searchParams.set("comment", wanted[1]);
  window.location.replace(address.toString());
}

// ---------------------------------------------------------------- start

if (discussion) {
  prepareAnnouncer();
  const rateForm = document.getElementById("rate-form");
  if (rateForm && discussion.contains(rateForm)) enhanceRateForm(rateForm);
  const readerHolder = discussion.querySelector(".discussion__reader[data-reader-url]");
  if (readerHolder) loadReaderState(readerHolder);
  for (const article of discussion.querySelectorAll("article.comment[data-comment-id]")) {
    enhanceSubThread(article);
  }
  const commentForm = document.getElementById("reply-form");
  if (commentForm && discussion.contains(commentForm)) enhanceCommentForm(commentForm);
  window.addEventListener("hashchange", revealTarget);
  findCommentOnItsPage();
}
