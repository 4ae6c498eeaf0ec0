// Together: reload a question when the other side answers or replies (polling its .json twin),
// and run a check-in's shared clock from its start time. The pages work without it.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const state = document.getElementById("state");
  if (state && state.dataset.watch) {
    setInterval(async () => {
      const response = await fetch(state.dataset.watch, { credentials: "same-origin" });
      if (!response.ok) return;
      const data = await response.json();
      if (data.round.state !== state.dataset.state || String(data.round.replies.length) !== state.dataset.replies) {
        window.location.reload();
      }
    }, 1500);
  }
  const turns = document.getElementById("turns");
  if (turns && turns.dataset.starts) {
    const items = Array.from(turns.querySelectorAll(".turn"));
    const start = Date.parse(turns.dataset.starts);
    const tick = () => {
      let elapsed = Math.floor((Date.now() - start) / 1000);
      items.forEach((turn) => { turn.classList.remove("current"); turn.querySelector(".timer").textContent = ""; });
      if (elapsed < 0) { items[0].querySelector(".timer").textContent = `Starts in ${-elapsed} s`; return; }
      for (const turn of items) {
        const seconds = Number(turn.dataset.seconds);
        if (elapsed < seconds) {
          const left = seconds - elapsed, m = Math.floor(left / 60), s = String(left % 60).padStart(2, "0");
          turn.classList.add("current");
          turn.querySelector(".timer").textContent = `${m}:${s} left`;
          return;
        }
        elapsed -= seconds;
      }
    };
    tick();
    setInterval(tick, 1000);
  }
});
