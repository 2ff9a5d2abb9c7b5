// The solana-pool-cache dashboard: pools and opportunities live over /v1/stream, health and the
// charts from /v1/health polled every 2 s. Plain DOM and canvas, no library, nothing fetched from
// anywhere but this service. Text from the service goes in with textContent only (never as HTML).
"use strict";

const HEALTH_EVERY_MS = 2000;
const POOLS_RESYNC_MS = 15000; // pools added or removed at run time
const CHART_POINTS = 150; // 5 minutes at one point per 2 s
const OPP_KEEP_GONE_MS = 60000;
const MAX_ROWS = 1000;
const MAX_OPP_ROWS = 25; // best ROI first, then the recently gone

const state = {
  token: localStorage.getItem("spc_token") || "",
  pools: new Map(), // address -> pool JSON plus seenAt (ms, local clock)
  opps: new Map(), // input mint + route pools -> { o, seenAt, goneAt }
  decimals: new Map(), // mint -> decimals, symbol (learnt from pools)
  sort: { key: "pair", asc: true },
  streamed: 0, // pool_update messages since the last health poll
  lastHealth: null,
  latency: { p50: [], p99: [] },
  rates: { applied: [], streamed: [] },
  dirty: true,
};

const $ = (id) => document.getElementById(id);

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function notice(text) {
  $("notice").hidden = !text;
  $("notice").textContent = text || "";
}

// ---- HTTP with the bearer token ----

async function api(path) {
  const headers = state.token ? { Authorization: "Bearer " + state.token } : {};
  const r = await fetch(path, { headers, cache: "no-store" });
  if (r.status === 401) {
    notice("The API needs a token: enter it above (it is kept in this browser's localStorage).");
    throw new Error("401");
  }
  if (!r.ok) throw new Error(path + ": HTTP " + r.status);
  return r.json();
}

// ---- formatting ----

function units(raw, mint) {
  const d = state.decimals.get(mint);
  if (raw === undefined || raw === null) return "–";
  const n = Number(raw) / Math.pow(10, d ? d.decimals : 0);
  return fmt(n) + " " + (d ? d.symbol : mint.slice(0, 4) + "…");
}

function fmt(n, digits) {
  if (!isFinite(n)) return "–";
  if (digits) return Number(n.toPrecision(digits)).toString();
  const a = Math.abs(n);
  if (a >= 1e9) return (n / 1e9).toFixed(2) + "B";
  if (a >= 1e6) return (n / 1e6).toFixed(2) + "M";
  if (a >= 1e3) return (n / 1e3).toFixed(2) + "k";
  return n.toPrecision(a >= 1 ? 6 : 4);
}

const fmtMs = (v) => (v === null || v === undefined ? "–" : fmt(v, 3) + " ms");

function age(ms) {
  if (ms === null || ms === undefined || ms < 0) return "–";
  if (ms < 1000) return ms.toFixed(0) + " ms";
  if (ms < 120000) return (ms / 1000).toFixed(1) + " s";
  return Math.round(ms / 60000) + " min";
}

function statusClass(s) {
  if (s === "ok" || s === "live") return "ok";
  if (s === "stale" || s === "pending" || s === "degraded" || s === "starting" || s === "connecting") return "warn";
  return "bad";
}

// The pair as the service names it (SOL/USDC), priced quote per base.
function poolPrice(p) {
  if (!p.pair || !p.price_b_per_a) return null;
  const base = p.pair.split("/")[0];
  return Number(base === p.symbol_a ? p.price_b_per_a : p.price_a_per_b);
}

// ---- pools ----

function putPool(p) {
  const before = state.pools.get(p.address);
  p.seenAt = Date.now() - (p.age_ms || 0);
  p.changed = before !== undefined && poolPrice(before) !== poolPrice(p);
  state.pools.set(p.address, p);
  if (p.mint_a) state.decimals.set(p.mint_a, { decimals: p.decimals_a, symbol: p.symbol_a });
  if (p.mint_b) state.decimals.set(p.mint_b, { decimals: p.decimals_b, symbol: p.symbol_b });
  state.dirty = true;
}

async function loadPools() {
  const body = await api("/v1/pools?limit=10000");
  const keep = new Set(body.pools.map((p) => p.address));
  for (const a of state.pools.keys()) if (!keep.has(a)) state.pools.delete(a);
  for (const p of body.pools) putPool(p);
  for (const p of body.pools) p.changed = false;
}

function sortValue(p, key) {
  switch (key) {
    case "price": return poolPrice(p) ?? -1;
    case "slot": return Number(p.slot || 0);
    case "age": return p.seenAt ? -p.seenAt : -Infinity;
    default: return (p[key] || "").toString();
  }
}

function filteredPools() {
  const text = $("filter-mint").value.trim().toLowerCase();
  const dex = $("filter-dex").value, status = $("filter-status").value;
  const rows = [...state.pools.values()].filter((p) => {
    if (dex && p.dex !== dex) return false;
    if (status && p.status !== status) return false;
    if (!text) return true;
    return [p.address, p.mint_a, p.mint_b, p.pair, p.name].some((v) => v && v.toLowerCase().includes(text));
  });
  const { key, asc } = state.sort;
  rows.sort((a, b) => {
    const x = sortValue(a, key), y = sortValue(b, key);
    return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1);
  });
  return rows;
}

function syncOptions(select, values) {
  const have = new Set([...select.options].map((o) => o.value));
  for (const v of [...values].sort()) if (v && !have.has(v)) select.append(new Option(v, v));
}

function renderPools() {
  const rows = filteredPools();
  const body = el("tbody");
  for (const p of rows.slice(0, MAX_ROWS)) {
    const tr = el("tr", null, p.changed ? "changed" : "");
    tr.dataset.address = p.address;
    const price = poolPrice(p);
    tr.append(el("td", p.dex || "?"), el("td", p.pair || p.name || p.address.slice(0, 8) + "…"));
    const priceCell = el("td", price === null ? "–" : fmt(price), "num price");
    priceCell.dataset.value = price === null ? "" : String(price);
    tr.append(priceCell);
    tr.append(el("td", p.mint_a ? units(p.reserve_a, p.mint_a) + " · " + units(p.reserve_b, p.mint_b) : "–", "num"));
    tr.append(el("td", p.slot || "–", "num"), el("td", p.seenAt ? age(Date.now() - p.seenAt) : "–", "num age"));
    const st = el("td", p.status, statusClass(p.status));
    if (p.status_detail) st.title = p.status_detail;
    tr.append(st);
    body.append(tr);
    p.changed = false;
  }
  $("pools").replaceChild(body, $("pools").tBodies[0]);
  const shown = Math.min(rows.length, MAX_ROWS);
  $("pool-count").textContent = shown + " shown of " + state.pools.size + (rows.length > MAX_ROWS ? " (filter to see the rest)" : "");
  syncOptions($("filter-dex"), new Set([...state.pools.values()].map((p) => p.dex)));
  syncOptions($("filter-status"), new Set([...state.pools.values()].map((p) => p.status)));
  for (const th of document.querySelectorAll("#pools th[data-sort]")) {
    th.classList.toggle("sorted", th.dataset.sort === state.sort.key);
    th.classList.toggle("asc", state.sort.asc);
  }
}

// ---- opportunities ----

const oppKey = (inputMint, pools) => inputMint + ":" + pools.join(",");

function putOpportunity(o) {
  state.opps.set(oppKey(o.inputMint, o.route.map((h) => h.pool)), { o, seenAt: Date.now(), goneAt: null });
  state.dirty = true;
}

function renderOpportunities() {
  const now = Date.now();
  for (const [k, v] of state.opps) if (v.goneAt && now - v.goneAt > OPP_KEEP_GONE_MS) state.opps.delete(k);
  const rows = [...state.opps.values()].sort((a, b) => (a.goneAt !== null) - (b.goneAt !== null) || b.o.roi - a.o.roi);
  const body = el("tbody");
  for (const { o, goneAt } of rows.slice(0, MAX_OPP_ROWS)) {
    const tr = el("tr", null, goneAt ? "gone" : "");
    const sym = (m) => (state.decimals.get(m) || { symbol: m.slice(0, 4) + "…" }).symbol;
    const route = [sym(o.inputMint)].concat(o.route.map((h) => sym(h.outputMint) + " (" + h.dex + ")")).join(" → ");
    tr.append(el("td", route), el("td", units(o.inputAmount, o.inputMint), "num"));
    tr.append(el("td", units(o.profit, o.inputMint), "num ok"), el("td", (o.roi * 100).toFixed(3) + " %", "num"));
    tr.append(el("td", goneAt ? "gone" : age(now - o.detectedAt), "num"));
    body.append(tr);
  }
  $("opportunities").replaceChild(body, $("opportunities").tBodies[0]);
  const standing = rows.filter((r) => !r.goneAt).length;
  $("opp-count").textContent = standing + " standing" + (rows.length > standing ? ", " + (rows.length - standing) + " gone recently" : "");
}

function loadOpportunities() {
  api("/v1/opportunities").then((b) => b.opportunities.forEach(putOpportunity)).catch(() => {});
}

// ---- the stream, reconnected with backoff ----

let socket = null, backoffMs = 500, reconnectTimer = null;

function connectStream() {
  clearTimeout(reconnectTimer);
  if (socket) { socket.onclose = null; socket.close(); }
  const scheme = location.protocol === "https:" ? "wss://" : "ws://";
  const query = state.token ? "?access_token=" + encodeURIComponent(state.token) : "";
  const ws = new WebSocket(scheme + location.host + "/v1/stream" + query);
  socket = ws;
  setStream("connecting", "warn");
  ws.onopen = () => {
    backoffMs = 500;
    setStream("live", "ok");
    loadPools().catch(() => {}); // what changed while disconnected
  };
  ws.onmessage = (ev) => {
    let m;
    try { m = JSON.parse(ev.data); } catch (e) { console.warn("stream: not JSON", e); return; }
    if (m.type === "pool_update") { putPool(m.pool); state.streamed++; }
    else if (m.type === "opportunity") putOpportunity(m.opportunity);
    else if (m.type === "opportunity_gone") {
      const v = state.opps.get(oppKey(m.input_mint, m.route));
      if (v) { v.goneAt = Date.now(); state.dirty = true; }
    }
  };
  ws.onclose = (ev) => {
    const wait = backoffMs * (0.75 + Math.random() * 0.5); // jitter: many tabs do not reconnect in step
    backoffMs = Math.min(backoffMs * 2, 30000);
    setStream("reconnecting in " + (wait / 1000).toFixed(1) + " s" + (ev.reason ? " (" + ev.reason + ")" : ""), "bad");
    reconnectTimer = setTimeout(connectStream, wait);
  };
}

function setStream(text, cls) {
  const b = $("stream-state");
  b.textContent = "stream: " + text;
  b.className = "badge " + cls;
}

// ---- health and charts ----

function push(series, v) {
  series.push(v);
  if (series.length > CHART_POINTS) series.shift();
}

async function pollHealth() {
  let h;
  try { h = await api("/v1/health"); } catch (e) {
    if (e.message !== "401") notice("Cannot reach the service (" + e.message + "); retrying every " + HEALTH_EVERY_MS / 1000 + " s.");
    return;
  }
  notice("");
  if (h.ingest) recordRates(h.ingest, Date.now());
  const phase = $("phase");
  phase.textContent = h.phase + (h.validation && h.validation.eta_s !== null ? " · ETA " + h.validation.eta_s + " s" : "");
  phase.className = "badge " + statusClass(h.phase.startsWith("validating") ? "pending" : h.phase);
  const s = $("health-summary");
  s.replaceChildren();
  s.append(el("span", "status " + h.status, statusClass(h.status)), el("span", "uptime " + age(h.uptime_s * 1000)));
  for (const [k, n] of Object.entries(h.pools_by_status)) s.append(el("span", k + " " + n, statusClass(k)));
  s.append(el("span", "stream clients " + h.stream_clients, "dim"));
  if (h.ingest) {
    const rate = state.rates.applied[state.rates.applied.length - 1];
    s.append(el("span", "updates/s " + (rate === undefined ? "–" : fmt(rate, 3))));
    s.append(el("span", "latency p50 " + fmtMs(h.ingest.latency_ms.p50) + " · p99 " + fmtMs(h.ingest.latency_ms.p99)));
  }
  const body = el("tbody");
  for (const c of h.connections || []) {
    const tr = el("tr");
    tr.append(el("td", c.id), el("td", c.source + " " + c.endpoint), el("td", c.state, statusClass(c.state)));
    tr.append(el("td", c.subscriptions, "num"), el("td", c.reconnects, "num"), el("td", age(c.last_message_age_ms), "num"));
    body.append(tr);
  }
  $("connections").replaceChild(body, $("connections").tBodies[0]);
}

// One chart point per poll: latency quantiles of the service's recent window, updates applied per
// second (from the counter) and pool updates this page received per second.
function recordRates(ingest, now) {
  push(state.latency.p50, ingest.latency_ms.p50);
  push(state.latency.p99, ingest.latency_ms.p99);
  const prev = state.lastHealth;
  if (prev) {
    const dt = (now - prev.at) / 1000;
    push(state.rates.applied, (Number(ingest.updates_applied) - prev.applied) / dt);
    push(state.rates.streamed, state.streamed / dt);
  }
  state.lastHealth = { at: now, applied: Number(ingest.updates_applied) };
  state.streamed = 0;
  chart($("latency-chart"), [state.latency.p50, state.latency.p99], "ms");
  chart($("rate-chart"), [state.rates.applied, state.rates.streamed], "/s");
}

// A line chart of the last CHART_POINTS values per series, y from 0 to the largest value.
function chart(canvas, series, unit) {
  const ctx = canvas.getContext("2d"), w = canvas.width, h = canvas.height, left = 44, bottom = 16;
  const style = getComputedStyle(document.documentElement);
  ctx.clearRect(0, 0, w, h);
  const values = series.flat().filter((v) => v !== null && isFinite(v));
  const max = Math.max(1e-9, ...values) * 1.1;
  ctx.fillStyle = style.getPropertyValue("--dim");
  ctx.strokeStyle = "#27303a";
  ctx.font = "11px system-ui";
  for (let i = 0; i <= 4; i++) {
    const y = (h - bottom) * (1 - i / 4);
    ctx.beginPath(); ctx.moveTo(left, y); ctx.lineTo(w, y); ctx.stroke();
    ctx.fillText(fmt((max * i) / 4, 3) + (i === 4 ? " " + unit : ""), 2, Math.max(10, y));
  }
  ctx.fillText("−" + Math.round((CHART_POINTS * HEALTH_EVERY_MS) / 60000) + " min", left, h - 3);
  ctx.fillText("now", w - 24, h - 3);
  series.forEach((s, i) => {
    ctx.strokeStyle = style.getPropertyValue(i === 0 ? "--line1" : "--line2");
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    let started = false;
    s.forEach((v, j) => {
      if (v === null || !isFinite(v)) { started = false; return; }
      const x = left + ((w - left) * (j + CHART_POINTS - s.length)) / (CHART_POINTS - 1);
      const y = (h - bottom) * (1 - v / max);
      if (started) ctx.lineTo(x, y); else ctx.moveTo(x, y);
      started = true;
    });
    ctx.stroke();
  });
}

// ---- wiring ----

function start() {
  $("token").value = state.token;
  $("token-form").onsubmit = (ev) => {
    ev.preventDefault();
    state.token = $("token").value.trim();
    if (state.token) localStorage.setItem("spc_token", state.token); else localStorage.removeItem("spc_token");
    notice("");
    backoffMs = 500;
    connectStream();
    loadOpportunities();
    pollHealth();
  };
  for (const th of document.querySelectorAll("#pools th[data-sort]")) {
    th.onclick = () => {
      const key = th.dataset.sort;
      state.sort = { key, asc: state.sort.key === key ? !state.sort.asc : true };
      state.dirty = true;
    };
  }
  for (const id of ["filter-mint", "filter-dex", "filter-status"]) $(id).oninput = () => { state.dirty = true; };
  connectStream();
  loadOpportunities();
  pollHealth();
  setInterval(pollHealth, HEALTH_EVERY_MS);
  setInterval(() => loadPools().catch(() => {}), POOLS_RESYNC_MS);
  // Redraw at most twice a second however fast updates come; ages tick once a second.
  let ticks = 0;
  setInterval(() => {
    if (state.dirty || ++ticks % 2 === 0) { renderPools(); renderOpportunities(); state.dirty = false; }
  }, 500);
}

start();
