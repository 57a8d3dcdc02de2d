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
    if (doc.querySelector("[data-shopkeeper-chat]")) mountChat();
  }

  // ---- Customer-service chat: <div data-shopkeeper-chat data-title="..." data-lang="fr"></div>,
  // or shopkeeper.chat(opts). It needs no tracking consent: the customer opens it on purpose and
  // it sends only what they type, never the session id or what they browsed.
  var CHAT_ID = "_sk_chat", CHAT_OPEN = "_sk_chat_open";
  var POLL_MS = 4000, MAX_CHARS = 4000, WITH_PERSON = ["waiting", "with_agent"], chats = [];
  var CHAT_TEXT = {
    en: { button: "Help", title: "Customer service", close: "Close the chat", label: "Your message",
      placeholder: "Type your message…", send: "Send", you: "You", assistant: "Assistant", agent: "Advisor",
      writing: "The assistant is writing…", waiting: "A person will answer you here soon.",
      with_agent: "A person is answering you.", rate: "Did this conversation help?", yes: "Yes, it helped",
      no: "No, it did not help", thanks: "Thank you for your feedback!", failed: "Your message could not be sent. Please try again.",
      unread: "New message" },
    fr: { button: "Aide", title: "Service client", close: "Fermer la discussion", label: "Votre message",
      placeholder: "Écrivez votre message…", send: "Envoyer", you: "Vous", assistant: "Assistant", agent: "Conseiller",
      writing: "L'assistant écrit…", waiting: "Une personne va vous répondre ici très bientôt.",
      with_agent: "Une personne vous répond.", rate: "Cette conversation vous a-t-elle aidé ?", yes: "Oui, elle m'a aidé",
      no: "Non, elle ne m'a pas aidé", thanks: "Merci pour votre avis !", failed: "Votre message n'a pas pu être envoyé. Réessayez.",
      unread: "Nouveau message" }
  };
  var CHAT_CSS = ".sk-chat{position:fixed;right:1rem;bottom:1rem;z-index:2147483000;font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d2430}" +
    ".sk-chat button{font:inherit;cursor:pointer}.sk-chat :focus-visible{outline:2px solid #2f6f4f;outline-offset:2px}" +
    ".sk-chat-launcher{display:flex;align-items:center;gap:.4rem;padding:.65rem 1.1rem;border-radius:999px;border:0;background:#2f6f4f;color:#fff;" +
    "box-shadow:0 6px 20px rgba(0,0,0,.18);font-weight:600}.sk-chat-launcher[hidden]{display:none}" +
    ".sk-chat-unread{background:#e8a33d;color:#1d1d1d;border-radius:999px;padding:0 .45rem;font-size:.8rem}.sk-chat-unread[hidden]{display:none}" +
    ".sk-chat-panel{display:flex;flex-direction:column;width:min(23rem,calc(100vw - 2rem));height:min(34rem,calc(100vh - 2rem));background:#fff;" +
    "border:1px solid #e4e7ec;border-radius:14px;box-shadow:0 10px 36px rgba(0,0,0,.2);overflow:hidden}.sk-chat-panel[hidden]{display:none}" +
    ".sk-chat-head{display:flex;align-items:center;gap:.5rem;padding:.7rem .9rem;background:#2f6f4f;color:#fff}" +
    ".sk-chat-title{flex:1;margin:0;font-size:1rem}.sk-chat-close{border:0;background:none;color:#fff;font-size:1.4rem;line-height:1;padding:.1rem .4rem;border-radius:6px}" +
    ".sk-chat-log{flex:1;overflow-y:auto;list-style:none;margin:0;padding:.8rem;display:flex;flex-direction:column;gap:.5rem;background:#f8f7f4}" +
    ".sk-chat-msg{max-width:85%;padding:.5rem .75rem;border-radius:12px;background:#fff;border:1px solid #e4e7ec;white-space:pre-wrap;overflow-wrap:anywhere}" +
    ".sk-chat-msg.sk-chat-customer{align-self:flex-end;background:#2f6f4f;color:#fff;border-color:#2f6f4f}" +
    ".sk-chat-msg.sk-chat-agent{border-color:#9db8f0;background:#eef3fd}.sk-chat-msg.sk-chat-failed{opacity:.6}" +
    ".sk-chat-who{display:block;font-size:.75rem;font-weight:600;opacity:.75}" +
    ".sk-chat-status{margin:0;padding:.3rem .9rem;font-size:.85rem;color:#667085;min-height:1.6rem}" +
    ".sk-chat-rating{display:flex;align-items:center;gap:.4rem;padding:.3rem .9rem;font-size:.9rem}.sk-chat-rating[hidden]{display:none}" +
    ".sk-chat-rating button{border:1px solid #c8ccd2;background:#fff;border-radius:8px;padding:.2rem .55rem;font-size:1.1rem}" +
    ".sk-chat-form{display:flex;gap:.4rem;padding:.6rem;border-top:1px solid #e4e7ec}" +
    ".sk-chat-input{flex:1;resize:none;font:inherit;padding:.5rem .6rem;border:1px solid #c8ccd2;border-radius:8px;max-height:7rem}" +
    ".sk-chat-send{border:0;border-radius:8px;background:#2f6f4f;color:#fff;padding:.5rem .9rem}.sk-chat-send:disabled{opacity:.5}" +
    ".sk-chat-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}";

  function chatLanguage(wanted) {
    var lang = String(wanted || doc.documentElement.lang || "").slice(0, 2).toLowerCase();
    return CHAT_TEXT[lang] ? lang : null;
  }

  function Chat(el, opts) {
    var data = el.dataset;
    opts = opts || {};
    this.el = el;
    // Replies come in the page's language when it is one the assistant speaks.
    this.language = chatLanguage(opts.lang || data.lang);
    this.text = CHAT_TEXT[this.language || ((nav.language || "").slice(0, 2) === "fr" ? "fr" : "en")];
    this.title = opts.title || data.title || this.text.title;
    this.id = storage(CHAT_ID); // this tab's conversation: a page change continues it
    this.lastId = 0;
    this.shown = {};
    this.status = "assistant";
    this.poller = null;
    this.busy = false;
    this.build();
    if (this.id) this.load(true);
    if (opts.open || storage(CHAT_OPEN) === "1") this.open(false);
  }
  Chat.prototype.build = function () {
    var self = this, text = this.text, n = chats.length;
    if (!doc.getElementById("sk-chat-css")) {
      var style = node("style");
      style.id = "sk-chat-css";
      style.textContent = CHAT_CSS;
      doc.head.appendChild(style);
    }
    var root = node("div", "sk-chat"), launcher = node("button", "sk-chat-launcher");
    launcher.type = "button";
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-controls", "sk-chat-panel-" + n);
    launcher.appendChild(node("span", null, "\uD83D\uDCAC")).setAttribute("aria-hidden", "true");
    launcher.appendChild(node("span", null, text.button));
    this.unread = launcher.appendChild(node("span", "sk-chat-unread", "1"));
    this.unread.hidden = true;
    this.unread.setAttribute("aria-label", text.unread);

    var panel = node("section", "sk-chat-panel"), head = node("div", "sk-chat-head");
    var title = node("h2", "sk-chat-title", this.title), close = node("button", "sk-chat-close", "\u00d7");
    panel.id = "sk-chat-panel-" + n;
    panel.hidden = true;
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-labelledby", (title.id = "sk-chat-title-" + n));
    close.type = "button";
    close.setAttribute("aria-label", text.close);
    head.appendChild(title); head.appendChild(close);
    // A log region: screen readers announce each message added, not the whole list again.
    var log = node("ol", "sk-chat-log");
    log.setAttribute("role", "log");
    log.setAttribute("aria-live", "polite");
    log.setAttribute("aria-relevant", "additions");
    log.setAttribute("aria-label", this.title);
    log.tabIndex = 0; // scrollable with the keyboard
    var status = node("p", "sk-chat-status");
    status.setAttribute("role", "status");
    var rating = node("div", "sk-chat-rating"), yes = node("button", "sk-chat-yes", "\uD83D\uDC4D"), no = node("button", "sk-chat-no", "\uD83D\uDC4E");
    rating.hidden = true;
    yes.type = no.type = "button";
    yes.setAttribute("aria-label", text.yes);
    no.setAttribute("aria-label", text.no);
    this.ratingParts = [node("span", "sk-chat-rate", text.rate), yes, no];
    var form = node("form", "sk-chat-form"), label = node("label", "sk-chat-sr", text.label);
    var input = node("textarea", "sk-chat-input"), send = node("button", "sk-chat-send", text.send);
    input.id = label.htmlFor = "sk-chat-input-" + n;
    input.rows = 1;
    input.maxLength = MAX_CHARS;
    input.placeholder = text.placeholder;
    input.autocomplete = "off";
    send.type = "submit";
    form.appendChild(label); form.appendChild(input); form.appendChild(send);
    panel.appendChild(head); panel.appendChild(log); panel.appendChild(status); panel.appendChild(rating); panel.appendChild(form);
    root.appendChild(panel); root.appendChild(launcher);

    launcher.addEventListener("click", safe(() => self.open(true)));
    close.addEventListener("click", safe(() => self.close()));
    panel.addEventListener("keydown", safe((e) => { if (e.key === "Escape") { e.preventDefault(); self.close(); } }));
    // Enter sends, Shift+Enter starts a new line.
    input.addEventListener("keydown", safe((e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); self.submit(); }
    }));
    form.addEventListener("submit", safe((e) => { e.preventDefault(); self.submit(); }));
    yes.addEventListener("click", safe(() => self.rate(true)));
    no.addEventListener("click", safe(() => self.rate(false)));
    Object.assign(this, { launcher: launcher, panel: panel, log: log, statusLine: status, rating: rating, input: input, sendButton: send });
    this.el.replaceChildren(root);
    this.el.hidden = false;
  };
  Chat.prototype.open = function (focus) {
    this.panel.hidden = false;
    this.launcher.hidden = true;
    this.launcher.setAttribute("aria-expanded", "true");
    this.unread.hidden = true;
    storage(CHAT_OPEN, "1");
    this.log.scrollTop = this.log.scrollHeight;
    if (focus) this.input.focus();
  };
  Chat.prototype.close = function () {
    this.panel.hidden = true;
    this.launcher.hidden = false;
    this.launcher.setAttribute("aria-expanded", "false");
    storage(CHAT_OPEN, null);
    this.launcher.focus();
  };
  Chat.prototype.request = function (path, body) {
    var init = { method: body ? "POST" : "GET", credentials: "omit",
      headers: { Authorization: "Bearer " + key, Accept: "application/json" } };
    if (body) { init.headers["Content-Type"] = "application/json"; init.body = JSON.stringify(body); }
    return fetch(endpoint + "/v1/support" + path, init);
  };
  Chat.prototype.path = function (tail) { return "/conversations/" + encodeURIComponent(this.id) + tail; };
  Chat.prototype.forget = function () {
    this.id = null; this.lastId = 0; this.shown = {}; this.status = "assistant";
    storage(CHAT_ID, null);
    this.log.replaceChildren();
    this.show();
  };
  Chat.prototype.add = function (message) {
    if (this.shown[message.id]) return;
    this.shown[message.id] = true;
    this.lastId = Math.max(this.lastId, message.id);
    var role = message.role, li = node("li", "sk-chat-msg sk-chat-" + role), text = this.text;
    var who = role === "customer" ? text.you : role === "agent" ? text.agent : text.assistant;
    li.dataset.id = String(message.id);
    li.dataset.role = role;
    li.appendChild(node("span", "sk-chat-who", who));
    li.appendChild(node("span", "sk-chat-text", message.text)); // textContent: never markup
    this.log.appendChild(li);
    this.log.scrollTop = this.log.scrollHeight;
    if (role === "agent" && this.panel.hidden) this.unread.hidden = false;
  };
  // Status line, rating and polling follow who holds the conversation.
  Chat.prototype.show = function (status, rate) {
    var before = this.status, withPerson = WITH_PERSON.indexOf(status) >= 0;
    if (status) this.status = status;
    this.statusLine.textContent = this.status === "waiting" ? this.text.waiting : this.status === "with_agent" ? this.text.with_agent : "";
    // Back with the assistant after a person: the end of that exchange, time to ask.
    if (rate || (WITH_PERSON.indexOf(before) >= 0 && this.status === "assistant")) this.askRating();
    clearTimeout(this.poller);
    this.poller = null;
    if (withPerson && this.id) this.poller = setTimeout(safe(() => this.load(false)), POLL_MS);
  };
  Chat.prototype.askRating = function () {
    if (!this.id) return;
    this.rating.replaceChildren.apply(this.rating, this.ratingParts);
    this.rating.hidden = false;
  };
  // A later rating of the same conversation replaces the earlier one on the server.
  Chat.prototype.rate = function (satisfied) {
    var self = this;
    this.rating.replaceChildren(node("span", "sk-chat-thanks", this.text.thanks));
    return this.request(this.path("/feedback"), { satisfied: satisfied })
      .then((r) => r.ok, () => false)
      .then((ok) => { setTimeout(safe(() => { self.rating.hidden = true; }), 4000); return ok; });
  };
  // The conversation's messages after the last one shown (all of them after a page change).
  Chat.prototype.load = function (first) {
    var self = this;
    if (!this.id) return Promise.resolve(false);
    if (!first && doc.visibilityState === "hidden") { this.show(this.status); return Promise.resolve(false); }
    // Restoring the history after a page change is not news: screen readers wait for the end.
    if (first) this.log.setAttribute("aria-busy", "true");
    return this.request(this.path("/messages?after=" + this.lastId))
      .then((r) => {
        if (r.status === 404) { self.forget(); return null; }
        return r.ok ? r.json() : null;
      })
      .then((body) => {
        if (!body) { if (self.id) self.show(self.status); return false; }
        (body.messages || []).forEach((m) => self.add(m));
        self.show(body.status);
        return true;
      })
      .catch(() => { self.show(self.status); return false; })
      .finally(() => self.log.removeAttribute("aria-busy"));
  };
  Chat.prototype.submit = function () {
    var text = this.input.value.trim();
    if (!text || this.busy) return Promise.resolve(null);
    this.input.value = "";
    return this.send(text);
  };
  Chat.prototype.send = function (text, retried) {
    var self = this, pending = node("li", "sk-chat-msg sk-chat-customer");
    this.busy = true;
    this.sendButton.disabled = true;
    this.rating.hidden = true;
    pending.appendChild(node("span", "sk-chat-who", this.text.you));
    pending.appendChild(node("span", "sk-chat-text", text));
    this.log.appendChild(pending);
    this.log.scrollTop = this.log.scrollHeight;
    if (WITH_PERSON.indexOf(this.status) < 0) this.statusLine.textContent = this.text.writing;
    var body = { text: text.slice(0, MAX_CHARS), channel: "widget" };
    // The page's language starts a conversation; then the conversation keeps the one the
    // customer writes in ("bonjour" on an English page, then French all along).
    if (this.id) body.conversation_id = this.id;
    else if (this.language) body.language = this.language;
    function done() { self.busy = false; self.sendButton.disabled = false; }
    return this.request("/messages", body)
      .then((r) => {
        // A conversation this server no longer knows: start a new one with the same message.
        if (r.status === 404 && self.id && !retried) { pending.remove(); self.forget(); return "again"; }
        return r.ok ? r.json() : null;
      })
      .then((reply) => {
        done();
        if (reply === "again") return self.send(text, true);
        if (!reply) throw new Error("refused");
        pending.remove();
        if (reply.conversation_id !== self.id) { self.id = reply.conversation_id; storage(CHAT_ID, self.id); }
        reply.messages.forEach((m) => self.add(m));
        self.show(reply.status, reply.intent === "goodbye");
        self.el.dispatchEvent(new CustomEvent("shopkeeper:chat-reply", { bubbles: true, detail: reply }));
        return reply;
      })
      .catch(() => {
        done();
        pending.classList.add("sk-chat-failed");
        self.statusLine.textContent = self.text.failed;
        if (!self.input.value) self.input.value = text; // nothing typed is lost
        return null;
      });
  };

  function mountChat(el, opts) {
    if (!key) return null;
    if (el && !el.nodeType) { opts = el; el = null; } // shopkeeper.chat({open: true})
    opts = opts || {};
    el = el || opts.element || doc.querySelector("[data-shopkeeper-chat]");
    if (chats.length) { if (opts.open) chats[0].open(true); return chats[0]; } // one chat per page
    if (!el) { el = node("div"); el.setAttribute("data-shopkeeper-chat", ""); doc.body.appendChild(el); }
    var chat = new Chat(el, opts);
    chats.push(chat);
    return chat;
  }
  function chatApi(chat) {
    return chat && {
      open: safe(() => chat.open(true)),
      close: safe(() => chat.close()),
      send: safe((text) => chat.send(String(text)), Promise.resolve(null)),
      conversationId: safe(() => chat.id, null)
    };
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
    recommendations: safe(mountCarousel, null),
    chat: safe((el, opts) => chatApi(mountChat(el, opts)), null)
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
