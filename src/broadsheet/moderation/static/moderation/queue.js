// The moderation queue, with a script. Without one the page works: its buttons send the form,
// and rejecting or deleting asks for confirmation on a page of its own. With this script:
//
// - Single-key shortcuts (listed in the help panel, #queue-help) act only while focus is in
//   the queue, never while typing, and not at all once the moderator turns them off there
//   (WCAG 2.1.4). The switch is saved on the server, so it holds on every visit.
// - Actions go to the server without reloading the page, and each says what happened in the
//   status region (#queue-status, a live region).
// - Rejecting and deleting show the comment as removed at once, with Undo, and are sent only
//   when the undo time is over (the page's data-undo-seconds, never under 10). Undo needs
//   nothing from the server: nothing was sent. Leaving the page sends what is waiting.
// - Banning an author is left to the page: its button (or b) opens the server's
//   confirmation page, which asks the reason the reader will be told.

const MIN_UNDO_SECONDS = 10;
const PAST = { approve: "approved", reject: "rejected as spam", delete: "deleted" };
const REMOVALS = new Set(["reject", "delete"]);

const queue = document.getElementById("moderation-queue");
const help = document.getElementById("queue-help");
const statusRegion = document.getElementById("queue-status");
const statusText = statusRegion.querySelector("[data-status-text]");
const shortcutsForm = document.getElementById("queue-shortcuts-form");

// The status line's Undo (the last removal), in the region only while it can be used.
const undoLast = document.createElement("button");
undoLast.type = "button";
undoLast.className = "button button--small";
undoLast.textContent = "Undo";

function say(text, { undo = false } = {}) {
  statusText.textContent = text;
  if (undo) statusRegion.append(undoLast);
  else undoLast.remove();
}

function describe(items, what) {
  return items.length === 1
    ? `Comment #${items[0].dataset.commentNumber} ${what}`
    : `${items.length} comments ${what}`;
}

// POST a form's fields and read the JSON answer; the error's message is the server's sentence.
async function send(url, body, { keepalive = false } = {}) {
  const response = await fetch(url, {
    method: "POST",
    body,
    headers: { Accept: "application/json" },
    credentials: "same-origin",
    keepalive,
  });
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new Error(data?.detail || `the server answered ${response.status}`);
  return data;
}

if (shortcutsForm) {
  shortcutsForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const fields = new URLSearchParams(new FormData(shortcutsForm));
      const data = await send(shortcutsForm.getAttribute("action"), fields);
      if (queue) queue.dataset.shortcuts = data.queue_shortcuts ? "on" : "off";
      say(data.message);
    } catch (error) {
      say(`The shortcuts setting was not saved: ${error.message}`);
    }
  });
}

if (queue) {
  const list = queue.querySelector(".moderation-queue__items");
  // Not queue.action: the bulk buttons are named "action", and a form's named controls
  // shadow its properties.
  const url = queue.getAttribute("action");
  const token = queue.querySelector("[name=csrfmiddlewaretoken]").value;
  const undoMs = Math.max(MIN_UNDO_SECONDS, Number(queue.dataset.undoSeconds) || 0) * 1000;
  // "Select all" is the script's: the page shows it only when the script runs.
  const selectAllLabel = queue.querySelector("[data-select-all]");
  const selectAll = selectAllLabel?.querySelector("input");
  const pending = []; // removals waiting for their undo time: { action, items: Set, timer }
  let current = null; // the comment the keys act on
  let helpOpenedFrom = null;

  const isLive = (item) =>
    !item.classList.contains("queue-item--pending") && !item.hasAttribute("aria-busy");
  const liveItems = () => Array.from(list.children).filter(isLive);
  const boxOf = (item) => item.querySelector('input[type="checkbox"][name="comment"]');

  const makeCurrent = (item) => {
    current = item;
    for (const each of list.children) each.classList.toggle("queue-item--current", each === item);
  };

  const focusItem = (item) => {
    if (!item) return;
    makeCurrent(item);
    item.focus();
    item.scrollIntoView({ block: "nearest" });
  };

  const move = (step) => {
    const items = liveItems();
    if (!items.length) return;
    const index = items.indexOf(current);
    focusItem(items[index < 0 ? 0 : Math.max(0, Math.min(index + step, items.length - 1))]);
  };

  // The live comment nearest after `item` (or before it): where the keys go on from.
  const successor = (item) => {
    for (let next = item.nextElementSibling; next; next = next.nextElementSibling) {
      if (isLive(next)) return next;
    }
    for (let before = item.previousElementSibling; before; before = before.previousElementSibling) {
      if (isLive(before)) return before;
    }
    return null;
  };

  const body = (items, action) => {
    const fields = new URLSearchParams({ csrfmiddlewaretoken: token, action, confirmed: "1" });
    for (const item of items) fields.append("comment", item.dataset.commentId);
    return fields;
  };

  const countQueue = (removed) => {
    const count = document.querySelector("[data-queue-count]");
    const total = Math.max(0, Number(count.dataset.queueCount) - removed);
    count.dataset.queueCount = String(total);
    count.textContent = `${total} comment${total === 1 ? "" : "s"}`;
    const badge = document.querySelector(`a[href="${url}"] .badge`);
    if (badge) badge.textContent = String(total);
  };

  const drop = (items) => {
    const hadFocus = items.some((item) => item.contains(document.activeElement));
    for (const item of items) item.remove();
    countQueue(items.length);
    if (list.children.length) return;
    const empty = document.createElement("p");
    empty.className = "empty";
    empty.tabIndex = -1;
    empty.textContent = "Nothing is waiting. Well done.";
    queue.replaceWith(empty);
    if (hadFocus || document.activeElement === document.body) empty.focus();
  };

  // What the server did with each comment: gone from the queue either way; comments another
  // moderator had already dealt with are named with who did what.
  const settle = (items, outcomes, action, { quiet = false } = {}) => {
    const byId = new Map(outcomes.map((outcome) => [String(outcome.comment), outcome]));
    const changed = items.filter((item) => byId.get(item.dataset.commentId)?.changed);
    const others = outcomes.filter((each) => !each.changed).map((each) => each.message);
    drop(items);
    const done = changed.length ? [`${describe(changed, PAST[action])}.`] : [];
    if (others.length || !quiet) say([...done, ...others].join(" "));
  };

  const markBusy = (item, busy) => {
    if (busy) item.setAttribute("aria-busy", "true");
    else item.removeAttribute("aria-busy");
    for (const control of item.querySelectorAll("button, input")) control.disabled = busy;
  };

  const approve = async (items) => {
    const hadFocus = items.some((item) => item.contains(document.activeElement));
    items.forEach((item) => markBusy(item, true));
    if (hadFocus) focusItem(successor(items.at(-1)));
    try {
      const data = await send(url, body(items, "approve"));
      settle(items, data.outcomes, "approve");
    } catch (error) {
      items.forEach((item) => markBusy(item, false));
      say(`${describe(items, "not approved")}: ${error.message}`);
    }
  };

  const pend = (item, group) => {
    item.classList.add("queue-item--pending");
    for (const child of item.children) child.hidden = true;
    const box = boxOf(item);
    box.checked = false;
    box.disabled = true;
    const notice = document.createElement("p");
    notice.className = "queue-item__removed";
    notice.append(`Comment #${item.dataset.commentNumber} ${PAST[group.action]}. `);
    const undo = document.createElement("button");
    undo.type = "button";
    undo.className = "button button--small";
    undo.textContent = "Undo";
    const what = `comment #${item.dataset.commentNumber} ${PAST[group.action]}`;
    undo.setAttribute("aria-label", `Undo: ${what}`);
    undo.addEventListener("click", () => restore(group, [item]));
    notice.append(undo);
    item.append(notice);
  };

  const unpend = (item) => {
    item.querySelector(".queue-item__removed")?.remove();
    for (const child of item.children) child.hidden = false;
    boxOf(item).disabled = false;
    item.classList.remove("queue-item--pending");
  };

  const forget = (group) => {
    clearTimeout(group.timer);
    const index = pending.indexOf(group);
    if (index >= 0) pending.splice(index, 1);
  };

  const restore = (group, items) => {
    for (const item of items) {
      group.items.delete(item);
      unpend(item);
    }
    if (!group.items.size) forget(group);
    focusItem(items[0]);
    say(`${describe(items, "restored")}: nothing was ${PAST[group.action]}.`);
  };

  const commit = async (group, { keepalive = false } = {}) => {
    forget(group);
    const items = Array.from(group.items);
    if (!items.length) return;
    // Sent: too late to take back.
    for (const item of items) item.querySelector(".queue-item__removed button").disabled = true;
    if (!pending.length) undoLast.remove();
    try {
      const data = await send(url, body(items, group.action), { keepalive });
      settle(items, data.outcomes, group.action, { quiet: true });
    } catch (error) {
      items.forEach(unpend);
      say(`${describe(items, `not ${PAST[group.action]}`)}: ${error.message}`);
    }
  };

  const removeLater = (items, action) => {
    const hadFocus = items.some((item) => item.contains(document.activeElement));
    const group = { action, items: new Set(items), timer: 0 };
    items.forEach((item) => pend(item, group));
    pending.push(group);
    group.timer = setTimeout(() => commit(group), undoMs);
    if (hadFocus) {
      const next = successor(items.at(-1));
      if (next) focusItem(next);
      else items.at(-1).querySelector(".queue-item__removed button").focus();
    }
    say(`${describe(items, PAST[action])}.`, { undo: true });
  };

  const undoLatest = () => {
    const group = pending.at(-1);
    if (group) restore(group, Array.from(group.items));
    else say("Nothing to undo.");
  };

  const act = (name) => {
    if (!current || !isLive(current)) {
      say("Choose a comment first: j moves to the next one.");
      return;
    }
    const control = current.querySelector(`[data-action="${name}"]`);
    if (control) control.click();
    else say(`Comment #${current.dataset.commentNumber} was written without an account: nobody to ban.`);
  };

  const openHelp = () => {
    helpOpenedFrom = current;
    help.open = true;
    help.querySelector("summary").focus();
  };

  const handlers = {
    j: () => move(1),
    k: () => move(-1),
    x: () => {
      if (current && isLive(current)) boxOf(current).click();
    },
    a: () => act("approve"),
    s: () => act("reject"),
    d: () => act("delete"),
    e: () => act("edit"),
    b: () => act("ban"),
    u: undoLatest,
    "?": openHelp,
  };

  queue.addEventListener("keydown", (event) => {
    if (queue.dataset.shortcuts !== "on") return;
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    const typing = event.target.closest(
      "input:not([type=checkbox]):not([type=radio]), textarea, select, [contenteditable]",
    );
    const handler = handlers[event.key];
    if (typing || !handler) return;
    event.preventDefault();
    handler();
  });

  help.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !help.open) return;
    help.open = false;
    if (helpOpenedFrom?.isConnected) focusItem(helpOpenedFrom);
    else help.querySelector("summary").focus();
    helpOpenedFrom = null;
  });

  queue.addEventListener("focusin", (event) => {
    const item = event.target.closest(".queue-item");
    if (item && isLive(item)) makeCurrent(item);
  });

  queue.addEventListener("submit", (event) => {
    const button = event.submitter;
    let action;
    let items;
    if (button?.dataset.action) {
      action = button.dataset.action;
      items = [button.closest(".queue-item")];
    } else if (button?.name === "action") {
      action = button.value;
      items = liveItems().filter((item) => boxOf(item).checked);
      if (!items.length) return; // the server's page says what is missing
    }
    if (!PAST[action]) return; // a ban: the server's page asks the reason and to confirm
    event.preventDefault();
    if (selectAll) selectAll.checked = false;
    if (REMOVALS.has(action)) removeLater(items, action);
    else approve(items);
  });

  undoLast.addEventListener("click", undoLatest);

  // Leaving the page (a link, a reload, closing the tab) is letting the undo time pass.
  window.addEventListener("pagehide", () => {
    for (const group of [...pending]) commit(group, { keepalive: true });
  });

  if (selectAll) {
    selectAllLabel.hidden = false;
    selectAll.addEventListener("change", () => {
      for (const item of liveItems()) boxOf(item).checked = selectAll.checked;
    });
  }
}
