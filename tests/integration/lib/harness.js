// SPDX-License-Identifier: GPL-3.0-or-later
// Integration test harness: starts numvertd (and numvert-smsc) on
// 127.0.0.1 with temporary configurations, reads their key=value logs,
// drives foreign SMPP peers (the npm smpp package), and prints TAP for
// prove. Only loopback addresses are ever used.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const TOP = process.env.NV_TOP || path.resolve(__dirname, '../../..');
const BUILD = process.env.NV_BUILD || path.join(TOP, 'build');
const smpp = require(path.join(TOP, 'tests/node_modules/smpp'));
// Sanitizer builds are several times slower: scale every wait.
const SLOW = /san/.test(BUILD) ? 4 : 1;

// --- TAP ---------------------------------------------------------------
let nTests = 0, nFailed = 0;
function ok(cond, name, extra) {
  nTests++;
  if (!cond) nFailed++;
  console.log(`${cond ? 'ok' : 'not ok'} ${nTests} - ${name}`);
  if (!cond && extra !== undefined) diag(typeof extra === 'string' ? extra : JSON.stringify(extra));
  return !!cond;
}
function is(got, want, name) {
  return ok(got === want, name, `got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}
function diag(msg) { for (const l of String(msg).split('\n')) console.log(`# ${l}`); }
const cleanups = [];
function onCleanup(fn) { cleanups.push(fn); }
async function finish() {
  for (const fn of cleanups.reverse()) { try { await fn(); } catch (e) { diag(`cleanup: ${e}`); } }
  console.log(`1..${nTests}`);
  process.exit(nFailed ? 1 : 0);
}
// Runs the test body with a hard deadline; an exception fails the file.
function run(name, body, seconds = 60) {
  const t = setTimeout(() => { ok(false, `${name}: finished within ${seconds * SLOW}s`); finish(); }, seconds * SLOW * 1000);
  t.unref();
  body().then(finish, (e) => { ok(false, `${name}: ${e && e.stack || e}`); finish(); });
}

// --- helpers -------------------------------------------------------------
function tmpdir() {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'numvert-it-'));
  onCleanup(() => { if (!process.env.NV_KEEP) fs.rmSync(d, { recursive: true, force: true }); });
  return d;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Parses `k=v k2="quoted \"v\""` into an object.
function parseKV(line) {
  const o = {};
  const re = /([a-z_0-9]+)=("(?:[^"\\]|\\.)*"|\S*)/g;
  let m;
  while ((m = re.exec(line)) !== null) o[m[1]] = m[2].startsWith('"') ? m[2].slice(1, -1) : m[2];
  return o;
}

// A child process whose stderr (numvertd's log) and stdout are kept line by line.
class Proc {
  constructor(bin, args, opts = {}) {
    this.lines = [];
    this.out = [];
    this.waiters = [];
    this.exited = new Promise((resolve) => {
      this.child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...(opts.env || {}) } });
      this.child.on('exit', (code, signal) => { this.code = code; this.signal = signal; resolve({ code, signal }); this._wake(); });
    });
    const feed = (stream, arr) => {
      let buf = '';
      stream.setEncoding('utf8');	// a letter cut between two reads stays whole
      stream.on('data', (d) => {
        buf += d;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i); buf = buf.slice(i + 1);
          arr.push(line);
          if (process.env.NV_VERBOSE) diag(`${path.basename(bin)}: ${line}`);
          this._wake();
        }
      });
    };
    feed(this.child.stderr, this.lines);
    feed(this.child.stdout, this.out);
    onCleanup(() => this.kill());
  }
  _wake() { const w = this.waiters; this.waiters = []; for (const f of w) f(); }
  events() { return this.lines.map(parseKV); }
  find(pred) { return this.events().filter(pred); }
  // Resolves with the first log entry matching pred (from index `from`).
  async waitFor(pred, ms = 5000, from = 0) {
    const deadline = Date.now() + ms * SLOW;
    for (;;) {
      const ev = this.lines.slice(from).map(parseKV).find(pred);
      if (ev) return ev;
      if (this.code !== undefined || Date.now() > deadline) return null;
      await Promise.race([new Promise((r) => this.waiters.push(r)), sleep(Math.min(100, deadline - Date.now()))]);
    }
  }
  async waitOut(re, ms = 5000) {
    const deadline = Date.now() + ms * SLOW;
    for (;;) {
      const l = this.out.find((x) => re.test(x));
      if (l) return l;
      if (this.code !== undefined || Date.now() > deadline) return null;
      await Promise.race([new Promise((r) => this.waiters.push(r)), sleep(100)]);
    }
  }
  async stop(sig = 'SIGTERM', ms = 10000) {
    if (this.code === undefined && this.signal === undefined) this.child.kill(sig);
    const t = sleep(ms * SLOW).then(() => null);
    const r = await Promise.race([this.exited, t]);
    if (r === null) { this.child.kill('SIGKILL'); return { code: null, signal: 'timeout' }; }
    return r;
  }
  kill() { if (this.code === undefined && this.signal === undefined) this.child.kill('SIGKILL'); }
  sanitizerReports() {
    return this.lines.filter((l) => /AddressSanitizer|LeakSanitizer|runtime error:|UndefinedBehaviorSanitizer/.test(l));
  }
}

// Starts numvertd with the given configuration text. Unless the text
// names them, its database and key file go in dir (a new one by default).
function numvertd(confText, dir) {
  dir = dir || tmpdir();
  const conf = path.join(dir, 'numvertd.conf');
  if (!/^db_path\s*=/m.test(confText)) {
    const store = `db_path = ${path.join(dir, 'numvert.db')}\nkey_file = ${path.join(dir, 'numvert.keys')}\n` +
      `epoch_key_file = ${path.join(dir, 'numvert.epoch')}\nvault_file = ${path.join(dir, 'numvert.vault')}\n` +
      (/^region_data\s*=/m.test(confText) ? '' : `region_data = ${path.join(TOP, 'data/geo/mali-2016.yaml')}\n`) +
      (/^routing_file\s*=/m.test(confText) ? '' : `routing_file = ${path.join(TOP, 'data/routing.yaml')}\n`) +
      // Tests replay fixtures from one number many times: the highest
      // limits, unless a test is about them (routing.t).
      (/^rate_per_hour\s*=/m.test(confText) ? '' : 'rate_per_hour = 32\nrate_per_day = 32\n');
    confText = /^\[numvertd\]\n/m.test(confText) ? confText.replace(/^\[numvertd\]\n/m, `[numvertd]\n${store}`) :
      `[numvertd]\n${store}` + confText;
  }
  fs.writeFileSync(conf, confText, { mode: 0o600 });
  return new Proc(path.join(BUILD, 'numvertd'), ['-c', conf]);
}

function smsc(args) { return new Proc(path.join(BUILD, 'numvert-smsc'), args); }

// Stops numvertd and checks it left cleanly: status 0, no sanitizer report.
async function stopClean(d, name = 'numvertd') {
  const r = await d.stop();
  ok(r.code === 0, `${name} exits with status 0 after SIGTERM`, r);
  const rep = d.sanitizerReports();
  ok(rep.length === 0, `${name}: no sanitizer report`, rep.slice(0, 20).join('\n'));
}

// A node-smpp SMSC on 127.0.0.1:0. handlers: { bind(session, pdu) -> status, submit(session, pdu) -> resp fields or null (no answer) }.
function nodeSmsc(handlers = {}) {
  const st = { sessions: [], submits: [], binds: [], enquires: 0 };
  const server = smpp.createServer((s) => {
    st.sessions.push(s);
    s.on('error', () => {});
    const onBind = (p) => {
      st.binds.push({ cmd: p.command, system_id: p.system_id, password: p.password, session: s, at: Date.now() });
      const status = handlers.bind ? handlers.bind(s, p) : 0;
      s.send(p.response({ command_status: status, system_id: 'NODESMSC' }));
      if (status === 0 && handlers.bound) handlers.bound(s, p);
    };
    s.on('bind_transceiver', onBind);
    s.on('bind_transmitter', onBind);
    s.on('bind_receiver', onBind);
    s.on('submit_sm', (p) => {
      st.submits.push({ pdu: p, session: s, at: Date.now() });
      const r = handlers.submit ? handlers.submit(s, p) : { message_id: `M${st.submits.length}` };
      if (r) s.send(p.response(r));
    });
    s.on('enquire_link', (p) => { st.enquires++; if (!handlers.silentEnquire || !handlers.silentEnquire()) s.send(p.response()); });
    s.on('unbind', (p) => s.send(p.response()));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    st.port = server.address().port;
    st.server = server;
    st.close = () => new Promise((r) => { for (const s of st.sessions) s.destroy(); server.close(() => r()); });
    onCleanup(st.close);
    resolve(st);
  }));
}

// Sends a deliver_sm on a bound session and resolves with the response status.
function deliver(session, fields) {
  return new Promise((resolve) => session.deliver_sm({ data_coding: 0, ...fields }, (r) => resolve(r.command_status)));
}

// Waits until cond() is true.
async function until(cond, ms = 5000) {
  const deadline = Date.now() + ms * SLOW;
  while (!cond()) { if (Date.now() > deadline) return false; await sleep(20); }
  return true;
}

function clientConf(links, main = '') {
  return `[numvertd]\nlog_level = debug\nstats_interval = 0\nshutdown_grace = 2s\n${main}\n` + links.map((l) => {
    const o = { mode: 'client', host: '127.0.0.1', system_id: 'numvert', password: 'secret12', enquire_link_interval: '30s', response_timeout: '2s', reconnect_min: '100ms', reconnect_max: '500ms', ...l };
    const name = o.name; delete o.name;
    return `[link ${name}]\n` + Object.entries(o).map(([k, v]) => `${k} = ${v}`).join('\n') + '\n';
  }).join('\n');
}

module.exports = { ok, is, diag, run, finish, onCleanup, tmpdir, sleep, parseKV, Proc, numvertd, smsc, stopClean, nodeSmsc, deliver, until, clientConf, smpp, TOP, BUILD, SLOW };
