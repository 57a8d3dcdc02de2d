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
    return event.event_id;
  }

  function post(body) {
    var url = endpoint + "/v1/events?key=" + encodeURIComponent(key);
    // sendBeacon outlives the page; it posts text/plain, which the API reads as JSON.
    if (nav.sendBeacon && nav.sendBeacon(url, body)) return Promise.resolve(true);
    return fetch(url, { method: "POST", body: body, keepalive: true, headers: { "Content-Type": "text/plain" } })
      .then((r) => r.ok, () => false);
  }
  function flush() {
    clearTimeout(timer);
    timer = null;
    var sends = [];
    while (started && queue.length) sends.push(post(JSON.stringify({ events: queue.splice(0, BATCH) })));
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

  window.shopkeeper = {
    version: "1",
    consent: safe((granted) => { if (granted) start(); else stop(); }),
    track: safe(track, null),
    identify: safe((id) => {
      customerId = id ? String(id).slice(0, 64) : null;
      if (started) storage(CID, customerId);
    }),
    flush: safe(flush, Promise.resolve(false)),
    sessionId: safe(() => (started ? session(false) : null), null)
  };

  safe(function () {
    if (!key) console.warn("shopkeeper.js: no data-key, tracking is off");
    // With consent required, nothing at all happens until the page calls consent(true).
    if (cfg.consent === "required") return;
    if (doc.body) start(); else doc.addEventListener("DOMContentLoaded", safe(start));
  })();
})();
