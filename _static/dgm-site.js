/* The book's own behaviour on the website (see _ext/explorer_frames.py, _ext/search_texts.py and _static/dgm.css).
 *
 * 1. Explorer players: frames other than the first carry data-src and are fetched when the
 *    reader moves a slider to them or next to them; the player's own oninput handler
 *    (dgm_utils/widgets.py) picks the visible frame.
 * 2. Boxes that scroll sideways (wide equations, tables, figures on a phone) get the class
 *    dgm-scrolls, plus dgm-at-start / dgm-at-end, which dgm.css turns into fading edges.
 * 3. Search opened from file://: the browser refuses fetch() of local pages, so the result
 *    snippets are read from _static/dgm-search-texts.js (written at build time) instead.
 * 4. Search results: snippets are plain prose (no maths source, no launch or download menu),
 *    and the query is highlighted as whole words: "d-separation" marks "d-separation", not
 *    every "d" (Sphinx marks every occurrence of every fragment of the query).
 * 5. The sidebar's search box stays under the sticky title: the theme scrolls the sidebar to
 *    the current page's entry, which on a long table of contents scrolled the box away.
 *    dgm.css makes it sticky at --dgm-sidebar-title-height, measured here.
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

  // 4. Search snippets and highlighting ---------------------------------------------------------
  // Left out of a snippet: maths source, the article's header (launch, download, source menus).
  var NOT_PROSE = ".headerlink, script, style, .math, mjx-container, .bd-header-article, " +
    ".header-article-main, .dropdown-launch-buttons, .dropdown-download-buttons";
  var WORD = "[\\p{L}\\p{N}_]";
  function escapeRegExp(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }
  // The query as typed and each of its words (without a leading "-"), longest first.
  function wholeWords(query) {
    var q = query.trim().toLowerCase();
    var words = q.split(/\s+/).map(function (w) { return w.replace(/^-/, ""); });
    var terms = [q].concat(words).filter(function (t, i, all) { return t && all.indexOf(t) === i; });
    terms.sort(function (a, b) { return b.length - a.length; });
    if (!terms.length) return null;
    return new RegExp("(?<!" + WORD + ")(?:" + terms.map(escapeRegExp).join("|") + ")(?!" + WORD + ")", "giu");
  }
  function highlight(root, re) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    nodes.forEach(function (node) {
      if (node.parentNode.closest(".highlighted")) return;
      var text = node.nodeValue, last = 0, frag = document.createDocumentFragment(), m;
      re.lastIndex = 0;
      while ((m = re.exec(text)) !== null) {
        if (!m[0]) { re.lastIndex++; continue; }
        frag.appendChild(document.createTextNode(text.slice(last, m.index)));
        var span = document.createElement("span");
        span.className = "highlighted";
        span.textContent = m[0];
        frag.appendChild(span);
        last = m.index + m[0].length;
      }
      if (!last) return;
      frag.appendChild(document.createTextNode(text.slice(last)));
      node.parentNode.replaceChild(frag, node);
    });
  }
  function patchSearch() {
    if (typeof Search === "undefined" || Search.dgmPatched) return;
    Search.dgmPatched = true;
    Search.htmlToText = function (htmlString, anchor) {
      var doc = new DOMParser().parseFromString(htmlString, "text/html");
      doc.querySelectorAll(NOT_PROSE).forEach(function (el) { el.remove(); });
      var main = doc.querySelector('[role="main"]');
      var part = main && anchor ? main.querySelector(anchor) : null;
      return ((part || main || doc.body).textContent || "").replace(/\s+/g, " ");
    };
    var parse = Search._parseQuery;
    Search._parseQuery = function (query) {
      var parsed = parse.apply(Search, arguments);
      var re = wholeWords(query);
      parsed[3] = new Set();  // no fragment highlighting by Sphinx; whole words below
      // On the page a result opens, Sphinx marks these words (of three letters or more).
      var words = query.trim().toLowerCase().split(/\s+/).filter(function (w) { return w.length >= 3; });
      localStorage.setItem("sphinx_highlight_terms", words.join(" "));
      var results = document.getElementById("search-results");
      if (re && results && window.MutationObserver) {
        new MutationObserver(function (records) {
          records.forEach(function (r) {
            r.addedNodes.forEach(function (n) {
              if (n.nodeType === 1) highlight(n, re);
              else if (n.nodeType === 3 && n.parentNode) highlight(n.parentNode, re);
            });
          });
        }).observe(results, { childList: true, subtree: true });
      }
      return parsed;
    };
  }
  patchSearch();
  document.addEventListener("DOMContentLoaded", patchSearch);

  // 5. Sticky search box in the sidebar -----------------------------------------------------
  function titleHeight() {
    var title = document.querySelector(
      ".bd-sidebar-primary .sidebar-primary-items__start > .sidebar-primary-item:first-child");
    if (title) {
      document.documentElement.style.setProperty(
        "--dgm-sidebar-title-height", title.offsetHeight + "px");
    }
  }
  document.addEventListener("DOMContentLoaded", titleHeight);
  window.addEventListener("resize", titleHeight);
})();
