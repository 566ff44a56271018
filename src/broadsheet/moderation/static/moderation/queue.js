// Keyboard work for the moderation queue: j/k move, x selects, a approves, s rejects as spam,
// d deletes, e edits. Everything also works with the buttons; this only saves reaching for
// the mouse on a long queue.
const queue = document.getElementById("moderation-queue");

if (queue) {
  const items = () => Array.from(queue.querySelectorAll(".queue-item"));
  let current = -1;

  const focusItem = (index) => {
    const all = items();
    if (!all.length) return;
    current = Math.max(0, Math.min(index, all.length - 1));
    all.forEach((item, position) => item.classList.toggle("queue-item--current", position === current));
    all[current].focus();
    all[current].scrollIntoView({ block: "nearest" });
  };

  const act = (name) => {
    const item = items()[current];
    const control = item && item.querySelector(`[data-action="${name}"]`);
    if (control) control.click();
  };

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    const typing = target instanceof HTMLElement && target.closest("input[type=text], textarea, select, [contenteditable]");
    if (typing || event.altKey || event.ctrlKey || event.metaKey) return;
    const handlers = {
      j: () => focusItem(current + 1),
      k: () => focusItem(current - 1),
      x: () => {
        const box = items()[current]?.querySelector('input[type="checkbox"][name="comment"]');
        if (box) box.checked = !box.checked;
      },
      a: () => act("approve"),
      s: () => act("reject"),
      d: () => act("delete"),
      e: () => act("edit"),
    };
    const handler = handlers[event.key];
    if (handler) {
      event.preventDefault();
      handler();
    }
  });

  const selectAll = queue.querySelector("[data-select-all]");
  if (selectAll) {
    selectAll.addEventListener("change", () => {
      queue.querySelectorAll('input[name="comment"]').forEach((box) => {
        box.checked = selectAll.checked;
      });
    });
  }

  items().forEach((item, index) => item.addEventListener("focusin", () => { current = index; }));
}
