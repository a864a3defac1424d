/* The book's own behaviour on the website (see _ext/explorer_frames.py, _ext/search_texts.py and _static/dgm.css).
 *
 * 1. Explorer players: frames other than the first carry data-src and are fetched when the
 *    reader moves a slider to them or next to them; the player's own oninput handler
 *    (dgm_utils/widgets.py) picks the visible frame.
 * 2. Boxes that scroll sideways (wide equations, tables, figures on a phone) get the class
 *    dgm-scrolls, plus dgm-at-start / dgm-at-end, which dgm.css turns into fading edges.
 * 3. Search opened from file://: the browser refuses fetch() of local pages, so the result
 *    snippets are read from _static/dgm-search-texts.js (written at build time) instead.
 */
(function () {
  "use strict";

  // 1. Explorer frames -------------------------------------------------------------------
  function load(img) {
    if (img && img.dataset.src) {
      img.src = img.dataset.src;
      img.removeAttribute("data-src");
    }
  }
  function updatePlayer(player) {
    var frames = player.querySelectorAll("img");
    var sliders = Array.prototype.slice.call(player.querySelectorAll("input[type=range]"));
    var index = 0;
    sliders.forEach(function (s) { index = index * (+s.max + 1) + (+s.value); });
    load(frames[index]);
    // One step either way along each slider, so that the next frame is ready when asked for.
    var stride = 1;
    for (var k = sliders.length - 1; k >= 0; k--) {
      var v = +sliders[k].value;
      if (v > 0) load(frames[index - stride]);
      if (v < +sliders[k].max) load(frames[index + stride]);
      stride *= +sliders[k].max + 1;
    }
  }
  function onPlayerEvent(event) {
    var t = event.target;
    var player = t && t.closest && t.closest(".dgm-explorer");
    if (player) updatePlayer(player);
  }
  ["input", "focusin", "pointerdown"].forEach(function (type) {
    document.addEventListener(type, onPlayerEvent, { passive: true });
  });

  // 2. Scroll cues --------------------------------------------------------------------------
  var SCROLLERS = "div.math mjx-container[display=true], .pst-scrollable-table-container, " +
    ".cell_output, .cell_output .output, div.highlight pre";
  function cue(box) {
    var scrolls = box.scrollWidth > box.clientWidth + 1;
    box.classList.toggle("dgm-scrolls", scrolls);
    if (scrolls) {
      if (!box.hasAttribute("tabindex")) box.setAttribute("tabindex", "0");
      box.classList.toggle("dgm-at-start", box.scrollLeft <= 1);
      box.classList.toggle("dgm-at-end", box.scrollLeft + box.clientWidth >= box.scrollWidth - 1);
    }
  }
  function cueAll() {
    document.querySelectorAll(SCROLLERS).forEach(cue);
  }
  document.addEventListener("scroll", function (event) {
    var t = event.target;
    if (t && t.classList && t.classList.contains("dgm-scrolls")) cue(t);
  }, { capture: true, passive: true });
  window.addEventListener("resize", cueAll);
  window.addEventListener("load", function () {
    cueAll();
    // MathJax typesets after load; cue its equations once it is done.
    var mj = window.MathJax;
    if (mj && mj.startup && mj.startup.promise) mj.startup.promise.then(cueAll);
  });

  // 3. Search snippets from file:// -------------------------------------------------------------
  if (location.protocol === "file:" && window.fetch) {
    var texts = null;
    var nativeFetch = window.fetch.bind(window);
    var loadTexts = function (root) {
      if (!texts) {
        texts = new Promise(function (resolve) {
          var s = document.createElement("script");
          s.src = root + "_static/dgm-search-texts.js";
          s.onload = function () { resolve(window.DGM_SEARCH_TEXTS || {}); };
          s.onerror = function () { resolve({}); };
          document.head.appendChild(s);
        });
      }
      return texts;
    };
    window.fetch = function (input, init) {
      var root = new URL(document.documentElement.dataset.content_root || "./", location.href).href;
      var url = new URL(typeof input === "string" ? input : input.url, location.href).href;
      if (url.indexOf(root) !== 0 || !/\.html$/.test(url)) return nativeFetch(input, init);
      var doc = url.slice(root.length, -".html".length);
      return loadTexts(root).then(function (all) {
        return new Response(all[doc] || "", { headers: { "Content-Type": "text/html" } });
      });
    };
  }
})();
