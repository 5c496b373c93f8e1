/* Counts down the aptitude test's time left and submits the form when it runs out (the server enforces it too). */
(function () {
  var el = document.getElementById("timer");
  if (!el) { return; }
  var form = document.getElementById("aptitude-form");
  var left = parseInt(el.dataset.seconds, 10);
  var sent = false;
  function show() {
    var m = Math.floor(left / 60), s = left % 60;
    el.textContent = m + ":" + (s < 10 ? "0" : "") + s;
  }
  show();
  setInterval(function () {
    left = Math.max(0, left - 1);
    show();
    if (left === 0 && !sent) { sent = true; form.submit(); }
  }, 1000);
})();
