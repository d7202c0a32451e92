// The inspector's script: live rows from /api/events, and the replay button. Each event
// re-fetches the call's row as the server renders it (one template draws the page).
"use strict";
(function () {
  const list = document.getElementById("calls");
  const live = document.getElementById("live");
  const status = document.getElementById("replay-status");

  async function refresh(id) {
    const r = await fetch("/fragment/calls/" + encodeURIComponent(id), { headers: { Accept: "text/html" } });
    if (!r.ok) return;
    const tpl = document.createElement("template");
    tpl.innerHTML = (await r.text()).trim();
    const row = tpl.content.firstElementChild;
    const old = Array.from(list.children).find((li) => li.dataset.callId === id);
    if (old) {
      old.replaceWith(row);
    } else {
      // Newest first: before the first row received earlier.
      const at = Number(row.dataset.received);
      const next = Array.from(list.children).find((li) => Number(li.dataset.received) < at);
      list.insertBefore(row, next || null);
      const empty = document.getElementById("empty");
      if (empty) empty.remove();
    }
  }

  // Replays run one call at a time per row; the status line says what happened.
  list.addEventListener("click", async (ev) => {
    const b = ev.target.closest("button.replay");
    if (!b) return;
    b.disabled = true;
    status.textContent = "Replaying " + b.dataset.callId + "…";
    try {
      const r = await fetch("/api/calls/" + encodeURIComponent(b.dataset.callId) + "/replay", {
        method: "POST", headers: { "Content-Type": "application/json", "X-Dialin-Admin": "1" }, body: "{}",
      });
      const j = await r.json();
      status.textContent = r.ok
        ? "Replayed as " + j.callId + ": " + j.to + " answered HTTP " + j.status + " " + j.answer
        : "Replay failed: " + j.error;
    } catch (e) {
      status.textContent = "Replay failed: " + e;
    } finally {
      b.disabled = false;
    }
  });

  if (!live || live.textContent.startsWith("Call history is off")) return;
  const es = new EventSource("/api/events");
  // After a lost connection (serve restarted, say) the page reloads: steps may have been missed.
  let lost = false;
  es.onopen = () => {
    if (lost) { location.reload(); return; }
    live.textContent = "Newest first. Live: new calls and steps appear as they happen.";
  };
  es.onerror = () => { lost = true; live.textContent = "Newest first. Live events lost; reconnecting…"; };
  // One refresh at a time, in order, so that a new call's row is inserted once.
  let chain = Promise.resolve();
  es.addEventListener("call", (ev) => {
    const id = JSON.parse(ev.data).call.callId;
    chain = chain.then(() => refresh(id)).catch(() => {});
  });
})();
