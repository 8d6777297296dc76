(function () {
  "use strict";
  var root = document.documentElement, KEY = "opendata-lang";
  var buttons = document.querySelectorAll("[data-set-lang]");
  function set(lang) {
    if (lang === "zh" || lang === "en") { root.setAttribute("data-lang", lang); } else { lang = "both"; root.removeAttribute("data-lang"); }
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", String(buttons[i].getAttribute("data-set-lang") === lang));
    }
    try { localStorage.setItem(KEY, lang); } catch (e) { /* storage may be off for file: pages */ }
  }
  var saved = null;
  try { saved = localStorage.getItem(KEY); } catch (e) { saved = null; }
  var asked = /[?&]lang=(zh|en|both)\b/.exec(window.location.search);  // index.html?lang=en
  if (asked) { saved = asked[1]; }
  var bar = document.querySelector(".langs");
  if (bar) { bar.hidden = false; }
  set(saved);
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].addEventListener("click", function (ev) { set(ev.currentTarget.getAttribute("data-set-lang")); });
  }
})();
