// Ritual timer: a Start button per turn counts down and moves on to the next turn.
// The page works without it (the turns and their times are all written out).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const turns = Array.from(document.querySelectorAll(".turn"));
  let timer = null;
  const show = (turn, left) => {
    const m = Math.floor(left / 60), s = String(left % 60).padStart(2, "0");
    turn.querySelector(".timer").textContent = left > 0 ? `${m}:${s} left` : "Time. Finish your sentence, then move on.";
  };
  const run = (index) => {
    clearInterval(timer);
    turns.forEach((t, i) => t.classList.toggle("current", i === index));
    const turn = turns[index];
    if (!turn) return;
    let left = Number(turn.dataset.seconds);
    show(turn, left);
    turn.scrollIntoView({ behavior: "smooth", block: "start" });
    timer = setInterval(() => {
      left -= 1;
      show(turn, left);
      if (left <= 0) { clearInterval(timer); }
    }, 1000);
  };
  turns.forEach((turn, index) => {
    const start = document.createElement("button");
    start.type = "button";
    start.textContent = index === 0 ? "Start" : "Start this turn";
    start.addEventListener("click", () => run(index));
    const next = document.createElement("button");
    next.type = "button";
    next.className = "secondary";
    next.textContent = "Next turn";
    next.addEventListener("click", () => run(index + 1));
    const row = document.createElement("p");
    row.className = "row";
    row.append(start, next);
    turn.append(row);
  });
});
