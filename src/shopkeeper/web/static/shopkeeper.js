/*! shopkeeper.js: storefront events for Shopkeeper, see docs/events.md */
(function () {
  "use strict";
  if (window.shopkeeper && window.shopkeeper.version) return; // included twice

  var IDLE_MS = 1800000; // a session ends after 30 minutes without activity
  var FLUSH_MS = 5000, BATCH = 20, MAX_QUEUE = 500, MAX_MS = 86400000;
  var SID = "_sk_sid", CID = "_sk_cid", nav = navigator, doc = document;
  var script = doc.currentScript || doc.querySelector("script[data-key][src*=shopkeeper]");
  var cfg = (script && script.dataset) || {};
  var key = cfg.key || "";
  var endpoint = (cfg.endpoint || (script && script.src ? new URL(script.src).origin : location.origin)).replace(/\/+$/, "");
  var threshold = parseInt(cfg.hesitationMs, 10) || 1500;
  var dnt = nav.doNotTrack === "1" || nav.globalPrivacyControl === true;

  var started = false, queue = [], timer = null, customerId = null;
  var visibleSince = null, dwell = 0, maxScroll = 0, sentScroll = 0, hover = null, hesitated = [];

  // Nothing this script does may break the shop's own page.
  function safe(fn, fallback) {
    return function () { try { return fn.apply(this, arguments); } catch (e) { return fallback; } };
  }
  function now() { return performance.now(); }
  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    // randomUUID needs a secure context (https); getRandomValues works on plain http too.
    var bytes = crypto.getRandomValues(new Uint8Array(16)), out = "";
    bytes[6] = (bytes[6] & 15) | 64; // version 4
    bytes[8] = (bytes[8] & 63) | 128; // RFC 4122 variant
    bytes.forEach((b, i) => { out += ([4, 6, 8, 10].includes(i) ? "-" : "") + (b + 256).toString(16).slice(1); });
    return out;
  }
  function storage(name, value) {
    try {
      if (value === undefined) return sessionStorage.getItem(name);
      if (value === null) sessionStorage.removeItem(name); else sessionStorage.setItem(name, value);
    } catch (e) { /* storage blocked: the cookie still carries the session */ }
    return null;
  }
  function cookie(name, value, maxAge) {
    if (value === undefined) {
      var m = doc.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
      return m ? decodeURIComponent(m[1]) : null;
    }
    doc.cookie = name + "=" + encodeURIComponent(value) + "; path=/; max-age=" + maxAge + "; SameSite=Lax" +
      (location.protocol === "https:" ? "; Secure" : "");
  }

  // The session id sits in a first-party cookie (shared by tabs) and in sessionStorage (if
  // cookies are blocked) as "id|last activity", so an idle session rolls over to a new id.
  function session(touch) {
    var raw = cookie(SID) || storage(SID), parts = raw ? raw.split("|") : [], id = null;
    if (parts[0] && Date.now() - parseInt(parts[1], 10) < IDLE_MS) id = parts[0];
    if (!touch) return id;
    id = id || uuid();
    cookie(SID, id + "|" + Date.now(), IDLE_MS / 1000);
    storage(SID, id + "|" + Date.now());
    return id;
  }

  function device() {
    var ua = nav.userAgent;
    if (/iPad|Tablet|Android(?!.*Mobile)/i.test(ua) || (/Macintosh/.test(ua) && nav.maxTouchPoints > 1)) return "tablet";
    return /Mobi|iPhone|iPod|Android/i.test(ua) ? "mobile" : "desktop";
  }
  // Origin and path only: the query strings of other sites may carry personal data.
  function referrer() {
    try { var r = new URL(doc.referrer); return (r.origin + r.pathname).slice(0, 2000); } catch (e) { return null; }
  }
  function attr(el, name) { return el ? el.getAttribute(name) : null; }
  function meta(name) { return attr(doc.querySelector('meta[name="shopkeeper:' + name + '"]'), "content"); }
  function pageSku() { return attr(doc.body, "data-sk-sku") || meta("sku"); }
  function pageType() { return attr(doc.body, "data-sk-page") || (pageSku() ? "product" : null); }
  function skuOf(el) { return attr(el.closest("[data-sk-sku]"), "data-sk-sku") || pageSku(); }

  var FIELDS = ["customer_id", "sku", "dwell_ms", "scroll_pct", "query", "quantity", "order_id", "rec_request_id"];

  function track(type, fields) {
    if (!started) return null;
    fields = fields || {};
    var event = { event_id: uuid(), type: String(type), session_id: session(true), occurred_at: new Date().toISOString(),
      customer_id: customerId || undefined };
    var context = Object.assign({ page_type: pageType(), referrer: referrer(), device: device(),
      locale: (nav.language || "").slice(0, 16) }, fields.context);
    FIELDS.forEach((f) => { if (fields[f] != null) event[f] = fields[f]; });
    Object.keys(context).forEach((k) => { if (context[k] == null || context[k] === "") delete context[k]; });
    event.context = context;
    queue.push(event);
    if (queue.length > MAX_QUEUE) queue.shift();
    if (queue.length >= BATCH) flush();
    else if (!timer) timer = setTimeout(safe(flush), FLUSH_MS);
    if (event.type === "view" && event.sku) carousels.forEach((c) => c.viewed(event.sku));
    return event.event_id;
  }

  function post(body, wait) {
    var url = endpoint + "/v1/events?key=" + encodeURIComponent(key);
    // sendBeacon outlives the page; it posts text/plain, which the API reads as JSON.
    if (!wait && nav.sendBeacon && nav.sendBeacon(url, body)) return Promise.resolve(true);
    return fetch(url, { method: "POST", body: body, keepalive: true, headers: { "Content-Type": "text/plain" } })
      .then((r) => r.ok, () => false);
  }
  // ``wait``: resolve once the server has stored the events (recommendations then see them).
  function flush(wait) {
    clearTimeout(timer);
    timer = null;
    var sends = [];
    while (started && queue.length) sends.push(post(JSON.stringify({ events: queue.splice(0, BATCH) }), wait === true));
    return Promise.all(sends).then((oks) => oks.every(Boolean));
  }

  // Dwell counts visible time only; each report carries the time since the previous one.
  function reportPage() {
    if (visibleSince !== null) { dwell += now() - visibleSince; visibleSince = null; }
    if (dwell >= 1) track("view", { sku: pageSku(), dwell_ms: Math.min(Math.round(dwell), MAX_MS) });
    dwell = 0;
    endHover();
    if (maxScroll > sentScroll) track("scroll", { sku: pageSku(), scroll_pct: (sentScroll = maxScroll) });
  }
  function onScroll() {
    var height = Math.max(doc.documentElement.scrollHeight, doc.body ? doc.body.scrollHeight : 0);
    var pct = height ? Math.min(100, Math.round(((scrollY + innerHeight) / height) * 1000) / 10) : 0;
    if (pct > maxScroll) maxScroll = pct;
  }
  function onHide() { reportPage(); flush(); }
  function onVisibility() {
    if (doc.visibilityState === "hidden") onHide();
    else if (visibleSince === null) visibleSince = now();
  }

  // Hesitation: the pointer rests on a marked element (price, add-to-cart) at least the
  // threshold before clicking or leaving it; reported once per element per page.
  function endHover() {
    var h = hover, rest = h ? now() - h.since : 0;
    hover = null;
    if (rest < threshold || hesitated.indexOf(h.el) >= 0) return;
    hesitated.push(h.el);
    track("hesitation", { sku: skuOf(h.el), dwell_ms: Math.min(Math.round(rest), MAX_MS),
      context: { element: attr(h.el, "data-sk-hesitation") } });
  }
  function onOver(e) {
    var el = e.pointerType === "touch" ? null : e.target.closest("[data-sk-hesitation]");
    if (hover && hover.el === el) return;
    endHover();
    if (el) hover = { el: el, since: now() };
  }
  function onOut(e) { if (hover && !hover.el.contains(e.relatedTarget)) endHover(); }

  function onClick(e) {
    var el = e.target, hit, qty;
    if (hover && hover.el.contains(el)) endHover();
    if ((hit = el.closest("[data-sk-add-to-cart], [data-sk-remove-from-cart]")) && skuOf(hit)) {
      qty = parseInt(attr(hit, "data-sk-qty"), 10);
      track(hit.hasAttribute("data-sk-add-to-cart") ? "add_to_cart" : "remove_from_cart",
        { sku: skuOf(hit), quantity: qty > 0 ? qty : 1 });
    }
    if ((hit = el.closest("[data-sk-track]"))) track("click", { sku: skuOf(hit), context: { element: attr(hit, "data-sk-track") } });
  }
  function onSubmit(e) {
    var form = e.target.closest("form[data-sk-search]"), name = attr(form, "data-sk-search");
    var input = form && ((name && form.elements[name]) || form.querySelector("input[type=search], input[name=q], input[type=text]"));
    var q = input && input.value ? input.value.trim().slice(0, 500) : "";
    if (q) { track("search", { query: q }); flush(); } // a search usually leaves the page
  }

  var listeners = [
    [doc, "visibilitychange", onVisibility], [window, "pagehide", onHide], [window, "scroll", onScroll],
    [doc, "pointerover", onOver], [doc, "pointerout", onOut], [doc, "click", onClick], [doc, "submit", onSubmit]
  ].map((l) => [l[0], l[1], safe(l[2])]);

  function beginPage() {
    visibleSince = doc.visibilityState === "visible" ? now() : null;
    hesitated = []; hover = null; maxScroll = sentScroll = dwell = 0;
    track("view", { sku: pageSku() });
    onScroll();
  }
  function start() {
    if (started || dnt || !key) return;
    started = true;
    customerId = customerId || storage(CID);
    if (customerId) storage(CID, customerId);
    listeners.forEach((l) => { l[0].addEventListener(l[1], l[2], { capture: true, passive: true }); });
    beginPage();
  }
  function stop() {
    started = false;
    queue = []; hover = null; customerId = null;
    clearTimeout(timer);
    listeners.forEach((l) => { l[0].removeEventListener(l[1], l[2], { capture: true }); });
    cookie(SID, "", 0); storage(SID, null); storage(CID, null);
  }

  // A page restored from the back/forward cache is a new view of it.
  window.addEventListener("pageshow", safe((e) => { if (e.persisted && started) beginPage(); }));

  // ---- Recommendations carousel: <div data-shopkeeper-recommendations data-placement="product"
  // data-sku="..." data-k="8" data-href="/p/{sku}"></div>, or shopkeeper.recommendations(el, opts).
  var carousels = [], PLACEMENTS = ["home", "product", "cart", "email"];
  var CSS = ".sk-recs{margin:1.5rem 0}.sk-recs[hidden]{display:none}" +
    ".sk-recs-head{display:flex;align-items:center;gap:.5rem}.sk-recs-title{flex:1;margin:0 0 .5rem;font-size:1.2rem}" +
    ".sk-recs-nav{min-width:2.2rem;padding:.3rem .6rem;border-radius:8px;border:1px solid #c8ccd2;background:#fff;cursor:pointer}" +
    ".sk-recs-nav:disabled{opacity:.35;cursor:default}" +
    ".sk-recs-track{display:flex;gap:.8rem;overflow-x:auto;scroll-snap-type:x mandatory;scroll-behavior:smooth;list-style:none;margin:0;padding:.25rem}" +
    ".sk-recs-item{flex:0 0 12.5rem;scroll-snap-align:start;border:1px solid #e4e7ec;border-radius:10px;background:#fff}" +
    ".sk-recs-link{display:flex;flex-direction:column;gap:.25rem;padding:.8rem;color:inherit;text-decoration:none;height:100%;" +
    "font:inherit;text-align:left;background:none;border:0;width:100%;cursor:pointer}" +
    ".sk-recs-link:focus-visible{outline:2px solid #2f6f4f;outline-offset:2px}.sk-recs-name{font-weight:600}" +
    ".sk-recs-reason{font-size:.82rem;color:#667085}";

  function injectCss() {
    if (doc.getElementById("sk-recs-css")) return;
    var style = doc.createElement("style");
    style.id = "sk-recs-css";
    style.textContent = CSS;
    doc.head.appendChild(style);
  }
  function node(tag, cls, text) {
    var el = doc.createElement(tag);
    if (cls) el.className = cls;
    if (text != null) el.textContent = String(text); // never innerHTML: titles are shop data
    return el;
  }
  function priceText(value, currency) {
    var n = Number(value);
    if (!isFinite(n)) return "";
    try {
      if (currency) return new Intl.NumberFormat(doc.documentElement.lang || undefined, { style: "currency", currency: currency }).format(n);
    } catch (e) { /* unknown currency code: plain number below */ }
    return n.toFixed(2);
  }

  function Carousel(el, opts) {
    var data = el.dataset;
    opts = opts || {};
    var placement = opts.placement || data.placement || "home";
    this.el = el;
    this.placement = PLACEMENTS.indexOf(placement) >= 0 ? placement : "home";
    this.sku = opts.sku || data.sku || (this.placement === "product" ? pageSku() : null);
    this.k = Math.min(50, Math.max(1, parseInt(opts.k || data.k, 10) || 8));
    this.title = opts.title || data.title || "Recommended for you";
    this.href = opts.href || data.href || null; // "{sku}" is replaced, or a function(item)
    this.currency = opts.currency || data.currency || null;
    this.seen = {};
    this.pending = null;
    this.generation = 0;
  }
  Carousel.prototype.hide = function () { this.el.hidden = true; this.el.replaceChildren(); };
  Carousel.prototype.url = function () {
    var q = new URLSearchParams({ key: key, placement: this.placement, k: String(this.k) });
    var sid = started ? session(false) : null; // no session id leaves the page without consent
    if (sid) q.set("session_id", sid);
    if (started && customerId) q.set("customer_id", customerId);
    if (this.sku) q.set("sku", this.sku);
    return endpoint + "/v1/recommendations?" + q.toString();
  };
  // Send what the visitor just did first, so the answer already reflects it.
  Carousel.prototype.load = function () {
    var self = this, generation = ++this.generation;
    if (!key) { this.hide(); return Promise.resolve(false); }
    return flush(true).catch(() => false)
      .then(() => fetch(self.url(), { credentials: "omit", headers: { Accept: "application/json" } }))
      .then((r) => (r.ok ? r.json() : null))
      .then((body) => {
        if (generation !== self.generation) return false; // a newer load is under way
        if (!body || !body.items || !body.items.length) { self.hide(); return false; }
        self.render(body);
        return true;
      })
      .catch(() => { if (generation === self.generation) self.hide(); return false; });
  };
  Carousel.prototype.viewed = function (sku) {
    var self = this;
    if (this.placement === "product") this.sku = sku;
    clearTimeout(this.pending); // several views in a row: one request
    this.pending = setTimeout(safe(() => self.load()), 150);
  };
  Carousel.prototype.link = function (item) {
    var href = typeof this.href === "function" ? this.href(item) : this.href;
    if (!href) return node("button", "sk-recs-link");
    var a = node("a", "sk-recs-link");
    a.href = String(href).replace("{sku}", encodeURIComponent(item.sku));
    return a;
  };
  Carousel.prototype.render = function (body) {
    var self = this, el = this.el, requestId = body.rec_request_id, count = body.items.length;
    if (this.observer) this.observer.disconnect();
    injectCss();
    var section = node("section", "sk-recs"), head = node("div", "sk-recs-head");
    var heading = node("h2", "sk-recs-title", this.title);
    heading.id = "sk-recs-" + requestId;
    section.setAttribute("aria-roledescription", "carousel");
    section.setAttribute("aria-labelledby", heading.id);
    var prev = node("button", "sk-recs-nav sk-recs-prev", "\u2039"), next = node("button", "sk-recs-nav sk-recs-next", "\u203a");
    prev.type = next.type = "button";
    prev.setAttribute("aria-label", "Previous products");
    next.setAttribute("aria-label", "Next products");
    var list = node("ul", "sk-recs-track");
    list.setAttribute("role", "list");
    body.items.forEach((item, i) => {
      var li = node("li", "sk-recs-item"), link = self.link(item);
      li.setAttribute("aria-roledescription", "slide");
      li.setAttribute("aria-label", (i + 1) + " of " + count);
      li.dataset.sku = item.sku;
      li.dataset.position = String(i + 1);
      link.appendChild(node("span", "sk-recs-name", item.title));
      link.appendChild(node("span", "sk-recs-price", priceText(item.price, self.currency)));
      link.appendChild(node("span", "sk-recs-reason", item.reason));
      link.addEventListener("click", safe(() => {
        track("recommendation_click", { sku: item.sku, rec_request_id: requestId,
          context: { placement: self.placement, position: i + 1 } });
        flush(); // a link leaves the page: the beacon outlives it
        el.dispatchEvent(new CustomEvent("shopkeeper:recommendation-click", { bubbles: true, detail: item }));
      }));
      li.appendChild(link);
      list.appendChild(li);
    });
    function step(direction) { list.scrollBy({ left: direction * list.clientWidth * 0.8 }); }
    function ends() {
      prev.disabled = list.scrollLeft <= 1;
      next.disabled = list.scrollLeft + list.clientWidth >= list.scrollWidth - 1;
    }
    prev.addEventListener("click", safe(() => step(-1)));
    next.addEventListener("click", safe(() => step(1)));
    list.addEventListener("scroll", safe(ends), { passive: true });
    // Arrow keys move between products like a list of tabs.
    list.addEventListener("keydown", safe((e) => {
      var links = Array.prototype.slice.call(list.querySelectorAll(".sk-recs-link"));
      var at = links.indexOf(doc.activeElement), to = e.key === "ArrowRight" ? at + 1 : e.key === "ArrowLeft" ? at - 1 : -2;
      if (at < 0 || to < 0 || to >= links.length) return;
      e.preventDefault();
      links[to].focus();
      links[to].scrollIntoView({ block: "nearest", inline: "nearest" });
    }));
    head.appendChild(heading); head.appendChild(prev); head.appendChild(next);
    section.appendChild(head); section.appendChild(list);
    el.replaceChildren(section);
    el.hidden = false;
    el.dataset.recRequestId = requestId;
    ends();
    this.observe(list, requestId);
  };
  // One impression per product and request, once at least half of its card is on screen.
  Carousel.prototype.observe = function (list, requestId) {
    var self = this;
    function shown(li) {
      var id = requestId + "|" + li.dataset.sku;
      if (self.seen[id]) return;
      self.seen[id] = true;
      track("recommendation_impression", { sku: li.dataset.sku, rec_request_id: requestId,
        context: { placement: self.placement, position: parseInt(li.dataset.position, 10) } });
    }
    var items = Array.prototype.slice.call(list.children);
    if (!window.IntersectionObserver) { items.forEach(shown); return; }
    this.observer = new IntersectionObserver((entries) => {
      entries.forEach((entry) => { if (entry.isIntersecting) { shown(entry.target); self.observer.unobserve(entry.target); } });
    }, { threshold: 0.5 });
    items.forEach((li) => self.observer.observe(li));
  };

  function mountCarousel(el, opts) {
    if (!el || !el.nodeType) return null;
    var existing = carousels.filter((c) => c.el === el)[0];
    if (existing) { existing.load(); return existing; }
    var carousel = new Carousel(el, opts);
    el.hidden = true; // nothing shows until there is something to show
    carousels.push(carousel);
    carousel.load();
    return carousel;
  }
  function mountAll() {
    doc.querySelectorAll("[data-shopkeeper-recommendations]").forEach((el) => {
      if (!carousels.some((c) => c.el === el)) mountCarousel(el);
    });
  }

  window.shopkeeper = {
    version: "1",
    consent: safe((granted) => { if (granted) start(); else stop(); }),
    track: safe(track, null),
    identify: safe((id) => {
      customerId = id ? String(id).slice(0, 64) : null;
      if (started) storage(CID, customerId);
    }),
    flush: safe(() => flush(), Promise.resolve(false)),
    sessionId: safe(() => (started ? session(false) : null), null),
    recommendations: safe(mountCarousel, null)
  };
  window.Shopkeeper = window.shopkeeper;

  safe(function () {
    if (!key) console.warn("shopkeeper.js: no data-key, tracking is off");
    // With consent required, nothing at all happens until the page calls consent(true).
    // Widgets show shop-wide picks without consent; events and the session id wait for it.
    var ready = doc.readyState !== "loading";
    if (!ready) doc.addEventListener("DOMContentLoaded", safe(mountAll));
    if (cfg.consent === "required") { if (ready) mountAll(); return; }
    if (doc.body) start(); else doc.addEventListener("DOMContentLoaded", safe(start));
    if (ready) mountAll();
  })();
})();
