// SPDX-License-Identifier: GPL-3.0-or-later
// numvert benchmarks (make bench). Everything on 127.0.0.1.
//
// 1. SMPP round trips on one link, window 10: numvert-smsc's load
//    generator plays the SMSC and sends MO deliver_sm as fast as the
//    window allows; we time MO -> deliver_sm_resp and MO -> reply
//    submit_sm. The system under test is numvertd, which commits every
//    MO (report, retransmission marker, outbox row) before it answers,
//    then marks each reply done when the carrier accepted it; the
//    reference is numvert-smsc echo-esme, a minimal ESME that answers
//    every MO the same way (same codec, same loop, no storage), run the
//    same way in the same run. The ratio numvertd / reference is the
//    figure. Then the durable rate on one link and on three (three
//    binds, window 10 each), with synchronous=FULL (the only setting
//    numvertd should run with) and NORMAL for comparison.
// 2. Memory with 1,000 bound connections in server mode: one link taking
//    1,000 binds, and 1,000 links each taking one bind, against the RSS
//    of an idle numvertd.
//
// Options: --count N (MOs per round-trip run, default 200000),
//          --repeat R (runs per side, default 3), --quick (count 20000, 1 run).
'use strict';
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const TOP = path.resolve(__dirname, '../..');
const BUILD = process.env.NV_BUILD || path.join(TOP, 'build');
const smpp = require(path.join(TOP, 'tests/node_modules/smpp'));
const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : def; };
const quick = args.includes('--quick');
const COUNT = Number(opt('--count', quick ? 20000 : 200000));
const REPEAT = Number(opt('--repeat', quick ? 1 : 3));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'numvert-bench-'));
const procs = [];

let haveTaskset = false;
try { execFileSync('taskset', ['-c', '0', 'true']); haveTaskset = true; } catch (e) { /* unpinned only */ }
let pin = false;	// set per run: system under test on CPU 0, load on CPU 1
function start(cpu, bin, argv, logfile) {
  const cmd = pin ? 'taskset' : bin;
  const a = pin ? ['-c', String(cpu), bin, ...argv] : argv;
  const p = spawn(cmd, a, { stdio: ['ignore', 'pipe', logfile ? fs.openSync(logfile, 'w') : 'ignore'] });
  p.out = '';
  p.stdout.on('data', (d) => { p.out += d; });
  p.done = new Promise((r) => p.on('exit', (code) => r(code)));
  procs.push(p);
  return p;
}
async function waitFor(cond, ms, what) {
  const end = Date.now() + ms;
  while (!cond()) { if (Date.now() > end) throw new Error(`timed out waiting for ${what}`); await sleep(20); }
}
const readPort = (f) => (fs.existsSync(f) ? Number(fs.readFileSync(f, 'utf8').trim()) || 0 : 0);
// Every numvertd gets a fresh database and key file of its own.
let confs = 0;
function conf(links, level = 'warn', main = '') {
  const n = confs++;
  return `[numvertd]\nlog_level = ${level}\nstats_interval = 0\nshutdown_grace = 1s\n` +
    `db_path = ${path.join(tmp, `db-${n}.sqlite`)}\nkey_file = ${path.join(tmp, `db-${n}.keys`)}\n` +
    `epoch_key_file = ${path.join(tmp, `db-${n}.epoch`)}\nvault_file = ${path.join(tmp, `db-${n}.vault`)}\n${main}\n` + links.join('\n');
}

// One round-trip run against `kind` (numvertd or echo-esme). o.links:
// links (binds) of window 10; o.sync: numvertd's db_synchronous.
async function roundTrips(kind, i, o = {}) {
  const links = o.links || 1;
  const pf = path.join(tmp, `port-${kind}-${i}`);
  const load = start(1, path.join(BUILD, 'numvert-smsc'), ['load', '--listen', '127.0.0.1:0', '--port-file', pf,
    '--count', String(COUNT), '--rate', 'max', '--window', '10', '--binds', String(links), '--expect-reply', '--json',
    '--bind-wait', '30s']);
  await waitFor(() => readPort(pf) > 0, 10000, 'the load generator');
  const port = readPort(pf);
  let sut, log;
  if (kind === 'numvertd') {
    const cf = path.join(tmp, `n-${i}.conf`);
    const ls = [];
    for (let k = 0; k < links; k++)
      ls.push(`[link bench${k}]\nmode = client\nhost = 127.0.0.1\nport = ${port}\n` +
        'system_id = numvert\npassword = secret12\nwindow = 10\n');
    fs.writeFileSync(cf, conf(ls, 'info', `db_synchronous = ${o.sync || 'full'}`));
    log = path.join(tmp, `numvertd-${i}.log`);
    sut = start(0, path.join(BUILD, 'numvertd'), ['-c', cf], log);
  } else {
    sut = start(0, path.join(BUILD, 'numvert-smsc'), ['echo-esme', '--connect', `127.0.0.1:${port}`, '--quiet',
      '--window', '10', '--binds', String(links), '--text', 'numvert: message bien arrivé. Merci.']);
  }
  const code = await load.done;
  sut.kill('SIGTERM');
  await sut.done;
  if (code !== 0) throw new Error(`load against ${kind} exited ${code}: ${load.out}`);
  const r = JSON.parse(load.out);
  if (log) {
    const m = /event=store_stats .*jobs=(\d+) groups=(\d+) largest_group=(\d+)/.exec(fs.readFileSync(log, 'utf8'));
    if (m) r.group = { avg: Number(m[1]) / Math.max(1, Number(m[2])), largest: Number(m[3]) };
  }
  return r;
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

function rssKiB(pid) {
  const st = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const get = (k) => Number((new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(st) || [0, 0])[1]);
  return { rss: get('VmRSS'), hwm: get('VmHWM') };
}

// numvertd in server mode; returns { daemon, ports[] } once listening.
async function serverDaemon(links, tag) {
  const cf = path.join(tmp, `s-${tag}.conf`);
  fs.writeFileSync(cf, conf(links, 'info'));
  const log = path.join(tmp, `s-${tag}.log`);
  const d = start(0, path.join(BUILD, 'numvertd'), ['-c', cf], log);
  await waitFor(() => /event=listening/.test(fs.readFileSync(log, 'utf8')), 10000, 'numvertd to listen');
  const port = Number(/event=listening port=(\d+)/.exec(fs.readFileSync(log, 'utf8'))[1]);
  const bound = () => (fs.readFileSync(log, 'utf8').match(/event=bound /g) || []).length;
  return { d, port, bound };
}

// n node-smpp binds, 32 at a time (as an aggregator opening its binds;
// numvertd refuses more than 64 unbound connections at once).
async function nodeBinds(port, n, sysid) {
  const sessions = [];
  for (let i = 0; i < n; i += 32) {
    const batch = [];
    for (let j = i; j < Math.min(n, i + 32); j++) {
      batch.push(new Promise((resolve, reject) => {
        const s = smpp.connect({ url: `smpp://127.0.0.1:${port}`, auto_enquire_link_period: 0 });
        s.on('error', reject);
        s.on('connect', () => s.bind_transceiver({ system_id: sysid(j), password: 'secret12', interface_version: 0x34 },
          (r) => (r.command_status === 0 ? resolve(s) : reject(new Error(`bind ${j}: status ${r.command_status}`)))));
      }));
    }
    sessions.push(...await Promise.all(batch));
  }
  return sessions;
}

async function memory() {
  const rows = [];
  const one = '[link agg]\nmode = server\nlisten = 127.0.0.1:0\nsystem_id = agg\npassword = secret12\nmax_binds = 1000\n';
  let s = await serverDaemon([one], 'idle');
  await sleep(300);
  const idle = rssKiB(s.d.pid);
  rows.push(['idle, 1 server link, no bind', idle]);
  s.d.kill('SIGTERM'); await s.d.done;

  s = await serverDaemon([one], 'binds');
  let sessions = await nodeBinds(s.port, 1000, () => 'agg');
  await waitFor(() => s.bound() >= 1000, 30000, '1,000 binds on one link');
  await sleep(500);
  const m1 = rssKiB(s.d.pid);
  rows.push(['1 server link, 1,000 binds', m1]);
  for (const x of sessions) x.destroy();
  s.d.kill('SIGTERM'); await s.d.done;

  // 1,000 links sharing one address: distinct system_ids pick the link.
  const links = [];
  const probe = await serverDaemon([one], 'probe');	// learn a free port
  const port = probe.port;
  probe.d.kill('SIGTERM'); await probe.d.done;
  for (let i = 0; i < 1000; i++)
    links.push(`[link l${i}]\nmode = server\nlisten = 127.0.0.1:${port}\nsystem_id = l${String(i).padStart(4, '0')}\npassword = secret12\nmax_binds = 1\n`);
  s = await serverDaemon(links, 'links');
  sessions = await nodeBinds(port, 1000, (i) => `l${String(i).padStart(4, '0')}`);
  await waitFor(() => s.bound() >= 1000, 30000, '1,000 links bound');
  await sleep(500);
  const m2 = rssKiB(s.d.pid);
  rows.push(['1,000 server links, 1 bind each', m2]);
  for (const x of sessions) x.destroy();
  s.d.kill('SIGTERM'); await s.d.done;
  return { rows, idle };
}

const pick = (runs, f) => median(runs.map(f));
const line = (name, runs) => `| ${name} | ${pick(runs, (r) => r.mo_acked_per_s).toFixed(0)} | ${pick(runs, (r) => r.replies_per_s).toFixed(0)} | ` +
  `${pick(runs, (r) => r.latency_us.mo_to_resp.p50)} / ${pick(runs, (r) => r.latency_us.mo_to_resp.p99)} | ` +
  `${pick(runs, (r) => r.latency_us.mo_to_reply.p50)} / ${pick(runs, (r) => r.latency_us.mo_to_reply.p99)} | ` +
  `${runs.map((r) => r.replies_missing + r.mo_unanswered).reduce((a, b) => a + b, 0)} |`;

// Durable rates: FULL and NORMAL on 1 and 3 links, against the
// reference with as many binds, alternating.
async function durableTable() {
  pin = false;
  const cases = [['echo-esme', 1, ''], ['numvertd', 1, 'full'], ['numvertd', 1, 'normal'],
    ['echo-esme', 3, ''], ['numvertd', 3, 'full'], ['numvertd', 3, 'normal']];
  const runs = cases.map(() => []);
  for (let i = 0; i < REPEAT; i++)
    for (let c = 0; c < cases.length; c++)
      runs[c].push(await roundTrips(cases[c][0], `d${c}-${i}`, { links: cases[c][1], sync: cases[c][2] }));
  const rows = cases.map(([kind, links, sync], c) => {
    const r = runs[c];
    const g = r[0].group ? `${pick(r, (x) => x.group.avg).toFixed(1)} (max ${pick(r, (x) => x.group.largest)})` : '';
    const ref = runs[cases.findIndex(([k, l]) => k === 'echo-esme' && l === links)];
    return `| ${kind === 'numvertd' ? `numvertd, synchronous=${sync.toUpperCase()}` : 'reference: echo-esme (no storage)'} | ${links} | ` +
      `${pick(r, (x) => x.mo_acked_per_s).toFixed(0)} | ${pick(r, (x) => x.latency_us.mo_to_resp.p50)} / ` +
      `${pick(r, (x) => x.latency_us.mo_to_resp.p99)} | ${pick(r, (x) => x.replies_per_s).toFixed(0)} | ${g} | ` +
      `${(pick(r, (x) => x.mo_acked_per_s) / pick(ref, (x) => x.mo_acked_per_s)).toFixed(2)} |`;
  });
  return ['', `## Durable MOs (acknowledged after commit), window 10 per link, ${COUNT} MOs per run, median of ${REPEAT}`, '',
    '| system | links | MO -> deliver_sm_resp /s | resp p50 / p99 (µs) | replies /s | jobs per commit | / reference |',
    '|---|---|---|---|---|---|---|', ...rows];
}

// Both sides alternate so that machine noise hits them alike.
async function roundTripTable(pinned) {
  pin = pinned;
  const ref = [], sut = [];
  for (let i = 0; i < REPEAT; i++) {
    ref.push(await roundTrips('echo-esme', `${pinned}-${i}`));
    sut.push(await roundTrips('numvertd', `${pinned}-${i}`));
  }
  const ratio = pick(sut, (r) => r.replies_per_s) / pick(ref, (r) => r.replies_per_s);
  return ['', `### ${pinned ? 'pinned: system under test on CPU 0, load generator on CPU 1' : 'unpinned: the scheduler places both'}`, '',
    '| system under test | MO -> deliver_sm_resp /s | MO -> reply submit_sm /s | resp p50 / p99 (µs) | reply p50 / p99 (µs) | lost |',
    '|---|---|---|---|---|---|', line('reference: numvert-smsc echo-esme', ref), line('numvertd', sut), '',
    `numvertd / reference (replies per second): **${ratio.toFixed(2)}**`];
}

(async () => {
  const tables = [...await roundTripTable(false)];
  if (haveTaskset)
    tables.push(...await roundTripTable(true));
  pin = false;
  tables.push(...await durableTable());
  const mem = await memory();
  const out = [];
  out.push(`# numvert benchmark, ${new Date().toISOString()}`, '',
    `Machine: ${os.cpus().length} CPUs (${os.cpus()[0].model}).`,
    '', `## SMPP round trips, one link, window 10, ${COUNT} MOs per run, median of ${REPEAT}`, ...tables, '',
    '## Memory in server mode (numvertd VmRSS / VmHWM)', '',
    '| case | VmRSS KiB | VmHWM KiB | per bind over idle |', '|---|---|---|---|',
    ...mem.rows.map(([name, m]) => `| ${name} | ${m.rss} | ${m.hwm} | ${name.startsWith('idle') ? '' :
      `${((m.hwm - mem.idle.hwm) / 1000).toFixed(1)} KiB`} |`), '');
  const text = out.join('\n');
  console.log(text);
  fs.mkdirSync(path.join(TOP, 'build/bench'), { recursive: true });
  fs.writeFileSync(path.join(TOP, 'build/bench/results.md'), text + '\n');
  fs.rmSync(tmp, { recursive: true, force: true });
  process.exit(0);
})().catch((e) => { console.error(`bench: ${e.stack || e}`); for (const p of procs) p.kill('SIGKILL'); process.exit(1); });
