// The conversation view: a turn's time plays the recording from there, and the turn being heard is marked.
// A static file (no inline handlers) so the Content-Security-Policy needs no exceptions.
(function () {
  "use strict";

  function recordingOf(element) {
    const view = element.closest("[data-conversation]");
    return view ? view.querySelector("audio[data-recording]") : null;
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-seek]");
    if (!button) return;
    const audio = recordingOf(button);
    if (!audio) return;
    const seconds = Number(button.dataset.seek);
    if (!Number.isFinite(seconds)) return;
    audio.currentTime = seconds;
    const playing = audio.play();
    // A recording the browser cannot fetch or decode shows the player's own error; nothing more to do here.
    if (playing && playing.catch) playing.catch(function () {});
  });

  // Mark the last turn that started at or before the playing time.
  function markTurn(audio) {
    const view = audio.closest("[data-conversation]");
    if (!view) return;
    const turns = view.querySelectorAll("li.turn[data-at]");
    let current = null;
    turns.forEach(function (turn) {
      if (Number(turn.dataset.at) <= audio.currentTime) current = turn;
    });
    turns.forEach(function (turn) {
      turn.classList.toggle("turn-playing", turn === current);
    });
  }

  document.querySelectorAll("audio[data-recording]").forEach(function (audio) {
    audio.addEventListener("timeupdate", function () {
      markTurn(audio);
    });
    audio.addEventListener("seeked", function () {
      markTurn(audio);
    });
  });
})();
