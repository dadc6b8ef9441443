// The search page (/search/): loads Pagefind's default UI from the site's own index (<base>pagefind/),
// with Chinese labels, runs the query in ?q=, and keeps ?q= in the address bar while typing. A query of
// Chinese characters only is searched as an exact phrase (see phrase()).
// The index is one Pagefind bundle per report year, listed newest first in <base>pagefind/shards.json: the
// first is opened and the others merged into it (mergeIndex), so one search covers every year.
// Result links and the index folder are taken from data attributes, so the site works under a subpath.
(function () {
  'use strict';
  var el = document.getElementById('search');
  if (!el) return;
  var bundle = el.getAttribute('data-bundle');
  var base = el.getAttribute('data-base') || '/';
  var labels = { province: '省份', locality: '地区', year: '年度', theme: '主题' };

  function off() {
    var p = document.getElementById('search-off');
    if (p) p.hidden = false;
  }

  // Pagefind names filter groups by their keys; show them in Chinese.
  function relabel() {
    var nodes = el.querySelectorAll('.pagefind-ui__filter-name, .pagefind-ui__filter-group-label');
    for (var i = 0; i < nodes.length; i++) {
      var key = nodes[i].textContent.trim().toLowerCase();
      if (labels[key]) nodes[i].textContent = labels[key];
    }
  }

  // A run of Chinese characters (首违不罚) is searched as an exact phrase. Pagefind segments Chinese into
  // words, and a word it does not know falls apart into characters; unquoted, such a query would also find
  // pages that have only some of them (量子纠缠 → 质量). Words separated by spaces, or a query already in
  // quotes, go to Pagefind as typed.
  function phrase(term) {
    var t = term.trim();
    return /^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}$/.test(t) ? '"' + t + '"' : term;
  }

  function start(shards) {
    if (typeof window.PagefindUI !== 'function') { off(); return; }
    var q = new URLSearchParams(window.location.search).get('q') || '';
    var ui = new window.PagefindUI({
      element: '#search',
      bundlePath: bundle + shards[0] + '/',
      mergeIndex: shards.slice(1).map(function (s) { return { bundlePath: bundle + s + '/', baseUrl: base }; }),
      baseUrl: base,
      showImages: false,
      showSubResults: true,
      openFilters: ['year', 'theme'],
      autofocus: !q,
      processTerm: phrase,
      translations: {
        placeholder: '输入词语，如 首违不罚',
        clear_search: '清除',
        load_more: '更多结果',
        search_label: '搜索报告全文',
        filters_label: '筛选',
        zero_results: '没有找到结果：[SEARCH_TERM]',
        many_results: '找到 [COUNT] 份报告含有“[SEARCH_TERM]”',
        one_result: '找到 [COUNT] 份报告含有“[SEARCH_TERM]”',
        alt_search: '没有找到“[SEARCH_TERM]”。显示“[DIFFERENT_TERM]”的结果',
        search_suggestion: '没有找到“[SEARCH_TERM]”。请换一个词语：',
        searching: '正在搜索“[SEARCH_TERM]”…'
      }
    });
    new MutationObserver(relabel).observe(el, { childList: true, subtree: true });
    relabel();
    if (q) ui.triggerSearch(q);
    el.addEventListener('input', function (e) {
      var t = e.target;
      if (!t || !t.classList || !t.classList.contains('pagefind-ui__search-input')) return;
      var url = new URL(window.location.href);
      if (t.value) url.searchParams.set('q', t.value); else url.searchParams.delete('q');
      window.history.replaceState(null, '', url.toString());
    });
  }

  // The list of year indexes; then Pagefind's UI (script and styles) from the first of them.
  fetch(bundle + 'shards.json').then(function (r) {
    if (!r.ok) throw new Error(String(r.status));
    return r.json();
  }).then(function (list) {
    var shards = (list && list.shards) || [];
    if (!shards.length) { off(); return; }
    var css = document.createElement('link');
    css.rel = 'stylesheet';
    css.href = bundle + shards[0] + '/pagefind-ui.css';
    document.head.appendChild(css);
    var script = document.createElement('script');
    script.src = bundle + shards[0] + '/pagefind-ui.js';
    script.onload = function () { start(shards); };
    script.onerror = off;
    document.head.appendChild(script);
  }).catch(off);
})();
