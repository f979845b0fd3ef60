// SPDX-License-Identifier: GPL-3.0-or-later
// numvert USSD benchmark (make bench; alone: make bench-ussd, or
// node tests/bench/ussd.js [options]). Everything on 127.0.0.1.
//
// 1. Dialogue steps with 10,000 open dialogues (DESIGN §8: >= 20,000
//    steps/s, p99 step latency <= 5 ms). numvert-smsc load plays the
//    carrier's USSD gateway (SMSC role; numvertd binds to it over client
//    links), keeps --concurrency dialogues open, each from its own
//    made-up number, and sends the dial, then one answer of --answers
//    per screen; a step is timed from its MO to its screen. The system
//    under test is numvertd; the reference is numvert-smsc echo-esme
//    --ussd-steps N (a continue screen until the Nth step, then the
//    final one: a menu N screens deep, no engine, no storage), with the
//    same links, run the same way in the same run, alternating. Per
//    dialect: as fast as the windows allow (steps/s, the ratio to the
//    reference), then at the design's 20,000 MO/s (p99 step latency).
//    A dialogue's session id is unique on its link while it is open, so
//    its_session_info (256 ids per link) needs 40 links for 10,000.
// 2. Memory per open dialogue: load --hold-open dials N dialogues and
//    leaves them open; numvertd's VmRSS / VmHWM idle (links bound, no
//    dialogue), with 10,000 and with 100,000, in bytes per dialogue
//    numvertd kept open (its screen was "continue").
//
// The default answers walk the menus as a citizen reporting arms seen
// would, down to the free-text screen (language, category, weapon,
// count, who, region, cercle, commune, a sentence): ten steps, every
// screen from memory, nothing written; the subscriber then hangs up.
//
// Options (environment in brackets):
//   --answers LIST  answers after the dial [NV_BENCH_USSD_ANSWERS]
//                   (default "1,1,1,1,1,7,2,1,deux hommes au marche")
//   --sessions C    open dialogues (10000)        --steps S  steps per run (100000)
//   --rate R        MO/s of the latency run (20000)  --repeat R  runs per side (3)
//   --dialects a,b  (its_session_info,user_message_reference,sixdee)
//   --mem-dialect D (user_message_reference)      --no-memory  skip part 2
//   --quick         steps 20000, 1 run, memory up to 10,000 only
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const TOP = path.resolve(__dirname, '../..');
const BUILD = process.env.NV_BUILD || path.join(TOP, 'build');
const SMSC = path.join(BUILD, 'numvert-smsc');
const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : def; };
const quick = args.includes('--quick');
const ANSWERS = opt('--answers', process.env.NV_BENCH_USSD_ANSWERS || '1,1,1,1,1,7,2,1,deux hommes au marche');
const SESSIONS = Number(opt('--sessions', 10000));
const STEPS = Number(opt('--steps', quick ? 20000 : 100000));
const RATE = Number(opt('--rate', 20000));
const REPEAT = Number(opt('--repeat', quick ? 1 : 3));
const DIALECTS = opt('--dialects', 'its_session_info,user_message_reference,sixdee').split(',');
const MEM_DIALECT = opt('--mem-dialect', 'user_message_reference');
const MEM_SIZES = quick ? [10000] : [10000, 100000];
// Session ids per link: a carrier's gateway gives each open dialogue an
// id unique on the link (numvertd also keys by subscriber, but the
// bench plays the strictest gateway).
const IDS = { its_session_info: 256, user_message_reference: 65536, sixdee: 32768 };
const DEPTH = ANSWERS.split(',').length + 1;	// the dial and each answer
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'numvert-bench-ussd-'));
const procs = [];

function start(bin, argv, logfile) {
  const p = spawn(bin, argv, { cwd: TOP, stdio: ['ignore', 'pipe', logfile ? fs.openSync(logfile, 'w') : 'ignore'] });
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
const linksFor = (dialect, n) => Math.max(1, Math.ceil(n / IDS[dialect]));

// numvertd with `links` client links to the load generator's port; a
// fresh database and key files each time.
let confs = 0;
function numvertd(port, links, dialect, tag) {
  const n = confs++;
  const ls = [];
  for (let k = 0; k < links; k++)
    ls.push(`[link u${k}]\nmode = client\nhost = 127.0.0.1\nport = ${port}\nsystem_id = numvert\npassword = secret12\n` +
      `window = 10\nussd_profile = ${dialect}\n`);
  const cf = path.join(tmp, `n-${n}.conf`);
  fs.writeFileSync(cf, `[numvertd]\nlog_level = warn\nstats_interval = 0\nshutdown_grace = 1s\n` +
    `db_path = ${path.join(tmp, `db-${n}.sqlite`)}\nkey_file = ${path.join(tmp, `db-${n}.keys`)}\n` +
    `epoch_key_file = ${path.join(tmp, `db-${n}.epoch`)}\nvault_file = ${path.join(tmp, `db-${n}.vault`)}\n\n` + ls.join('\n'));
  return start(path.join(BUILD, 'numvertd'), ['-c', cf], path.join(tmp, `numvertd-${tag}.log`));
}

// The load generator as the SMSC; resolves with it once its port is known.
async function load(tag, argv) {
  const pf = path.join(tmp, `port-${tag}`);
  const l = start(SMSC, ['load', '--listen', '127.0.0.1:0', '--port-file', pf, '--kind', 'ussd', '--bind-wait', '60s',
    ...argv], path.join(tmp, `load-${tag}.log`));
  await waitFor(() => readPort(pf) > 0 || l.exitCode !== null, 10000, 'the load generator');
  if (!readPort(pf)) throw new Error(`load ${tag} exited ${l.exitCode}`);
  l.port = readPort(pf);
  return l;
}

// One run against `kind` (numvertd or echo-esme); rate 0 = max.
async function steps(kind, dialect, rate, i) {
  const links = linksFor(dialect, SESSIONS);
  const tag = `${kind}-${dialect}-${rate}-${i}`;
  const l = await load(tag, ['--dialect', dialect, '--binds', String(links), '--window', '10', '--answers', ANSWERS,
    '--count', String(Math.max(SESSIONS, Math.ceil(STEPS / DEPTH))), '--concurrency', String(SESSIONS),
    '--rate', rate ? String(rate) : 'max', '--json']);
  const sut = kind === 'numvertd' ? numvertd(l.port, links, dialect, tag) :
    start(SMSC, ['echo-esme', '--connect', `127.0.0.1:${l.port}`, '--quiet', '--window', '10', '--binds', String(links),
      '--ussd-steps', String(DEPTH), '--ussd-text', 'Signalement:\\n1. Arme\\n2. Attaque\\n3. Autre']);
  const code = await Promise.race([l.done, sleep(300000).then(() => 'timeout')]);
  sut.kill('SIGTERM');
  await sut.done;
  let r;
  try { r = JSON.parse(l.out); } catch (e) { throw new Error(`load against ${kind} (${dialect}) exited ${code}: ${l.out}`); }
  // 1: a step failed; the errors column shows it, the run still counts.
  if (code !== 0 && code !== 1) throw new Error(`load against ${kind} (${dialect}) exited ${code}`);
  return r;
}

function rssKiB(pid) {
  const st = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const get = (k) => Number((new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(st) || [0, 0])[1]);
  return { rss: get('VmRSS'), hwm: get('VmHWM') };
}

// numvertd's memory with n dialogues dialled and held open (0: idle,
// every link bound). The same links in every case.
async function memory(n, links) {
  const tag = `mem-${n}`;
  const l = await load(tag, ['--dialect', MEM_DIALECT, '--binds', String(links), '--count', String(n), '--hold-open',
    '--json']);
  const d = numvertd(l.port, links, MEM_DIALECT, tag);
  await waitFor(() => l.out.includes(n ? '}' : 'binds up') || l.exitCode !== null, 300000, `${n} dialogues open`);
  await sleep(500);	// replies handed to the kernel, allocator settled
  const m = rssKiB(d.pid);
  l.kill('SIGTERM');
  const code = await l.done;
  d.kill('SIGTERM');
  await d.done;
  if (!n) return { n, m, open: 0, ended: 0 };
  let r;
  try { r = JSON.parse(l.out); } catch (e) { throw new Error(`hold-open load (${n}) exited ${code}: ${l.out}`); }
  return { n, m, open: r.ussd.left_open, ended: r.ussd.completed - r.ussd.left_open, errors: r.ussd.errors };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const pick = (runs, f) => median(runs.map(f));
const sum = (runs, f) => runs.map(f).reduce((a, b) => a + b, 0);
const fmt = (x) => x.toLocaleString('en-US');

function row(dialect, name, max, rated, ref) {
  const u = (r) => r.ussd;
  // The rate paces MOs, hang-ups included (a dialogue whose last screen
  // is not final is aborted: one more MO), so saturation is judged on
  // MOs: a run short of the rate was saturated and its p99 is queueing.
  const got = pick(rated, (r) => u(r).steps_per_s);
  const mos = pick(rated, (r) => r.mo_acked_per_s || u(r).steps_per_s);
  const cols = [dialect, String(linksFor(dialect, SESSIONS)), name,
    pick(max, (r) => u(r).steps_per_s).toFixed(0),
    `${pick(max, (r) => u(r).step_latency_us.p50)} / ${pick(max, (r) => u(r).step_latency_us.p99)}`,
    `${got.toFixed(0)}${mos < 0.95 * RATE ? ' (saturated)' : ''} / ${pick(rated, (r) => u(r).step_latency_us.p99)}`,
    `${pick(max, (r) => u(r).completed)} / ${pick(max, (r) => u(r).ended_early)} / ${sum([...max, ...rated], (r) => u(r).errors)}`,
    String(pick(max, (r) => u(r).open_max)),
    ref ? `**${(pick(max, (r) => u(r).steps_per_s) / pick(ref, (r) => u(r).steps_per_s)).toFixed(2)}**` : ''];
  return `| ${cols.join(' | ')} |`;
}

async function stepTables() {
  const out = ['', `## USSD dialogue steps, ${fmt(SESSIONS)} open dialogues, answers "${ANSWERS}" (${DEPTH} steps), ` +
    `${fmt(STEPS)} steps per run, median of ${REPEAT}`, '',
    'load: SMSC role, one client link of numvertd per bind (its_session_info has 256 session ids per link), window 10 ' +
    'per link; a step is timed from its MO to its screen. At max rate up to links x 10 MOs are in flight, so the ' +
    'latency there is mostly queueing in the windows; the p99 to hold against the target is the one at ' +
    `${fmt(RATE)} MO/s. Dialogues per run: completed / ended early (medians); errors: all runs.`, '',
    `| dialect | links | system | steps/s (max) | step p50 / p99 µs (max) | at ${fmt(RATE)} MO/s: steps/s / p99 µs | ` +
    'completed / ended early / errors | open at most | / reference |',
    '|---|---|---|---|---|---|---|---|---|'];
  const notes = [];
  for (const dialect of DIALECTS) {
    if (!IDS[dialect]) throw new Error(`unknown dialect ${dialect}`);
    const r = { ref: { max: [], rated: [] }, sut: { max: [], rated: [] } };
    for (let i = 0; i < REPEAT; i++) {
      r.ref.max.push(await steps('echo-esme', dialect, 0, i));
      r.sut.max.push(await steps('numvertd', dialect, 0, i));
      r.ref.rated.push(await steps('echo-esme', dialect, RATE, i));
      r.sut.rated.push(await steps('numvertd', dialect, RATE, i));
    }
    out.push(row(dialect, `reference: echo-esme --ussd-steps ${DEPTH}`, r.ref.max, r.ref.rated, null),
      row(dialect, 'numvertd', r.sut.max, r.sut.rated, r.ref.max));
    const early = sum(r.sut.max, (x) => x.ussd.ended_early), all = sum(r.sut.max, (x) => x.ussd.dialogues);
    if (early > 0)
      notes.push(`${dialect}: numvertd ended ${fmt(early)} of ${fmt(all)} dialogues before the last answer ` +
        `(open at most ${pick(r.sut.max, (x) => x.ussd.open_max)} instead of ${fmt(SESSIONS)}).`);
  }
  out.push('', `Target (DESIGN §8): >= 20,000 steps/s with p99 <= 5,000 µs at ${fmt(SESSIONS)} concurrent sessions. ` +
    '/ reference: numvertd steps/s over the reference\'s, same links, same load generator.');
  if (notes.length) out.push('', ...notes.map((n) => `- ${n}`));
  return out;
}

async function memoryTable() {
  const links = linksFor(MEM_DIALECT, Math.max(...MEM_SIZES));
  const idle = await memory(0, links);
  const rows = [];
  for (const n of MEM_SIZES) rows.push(await memory(n, links));
  const per = (x) => (x.open > 0 ? `${fmt(Math.round((x.m.hwm - idle.m.hwm) * 1024 / x.open))} B` :
    `n/a (${fmt(x.ended)} ended at the first screen)`);
  return ['', `## Memory per open USSD dialogue (numvertd VmRSS / VmHWM), ${MEM_DIALECT}, ${links} link(s), ` +
    'dial only (load --hold-open)', '',
    '| case | dialogues open in numvertd | VmRSS KiB | VmHWM KiB | VmHWM over idle per open dialogue |', '|---|---|---|---|---|',
    `| idle, ${links} link(s) bound | 0 | ${idle.m.rss} | ${idle.m.hwm} | |`,
    ...rows.map((x) => `| ${fmt(x.n)} dialogues dialled | ${fmt(x.open)}${x.errors ? ` (${x.errors} errors)` : ''} | ` +
      `${x.m.rss} | ${x.m.hwm} | ${per(x)} |`),
    '', 'Target (DESIGN §8): <= 1 KiB per open session; 100,000 sessions under 256 MiB RSS ' +
    `(${rows.length > 1 ? `measured: ${(rows[rows.length - 1].m.hwm / 1024).toFixed(1)} MiB VmHWM` : 'not measured with --quick'}).`];
}

(async () => {
  const text = [`# numvert USSD benchmark, ${new Date().toISOString()}`, '',
    `Machine: ${os.cpus().length} CPUs (${os.cpus()[0].model}).`,
    ...await stepTables(), ...(args.includes('--no-memory') ? [] : await memoryTable()), ''].join('\n');
  console.log(text);
  fs.mkdirSync(path.join(TOP, 'build/bench'), { recursive: true });
  fs.writeFileSync(path.join(TOP, 'build/bench/ussd.md'), text + '\n');
  fs.rmSync(tmp, { recursive: true, force: true });
  process.exit(0);
})().catch((e) => { console.error(`bench-ussd: ${e.stack || e}`); for (const p of procs) p.kill('SIGKILL'); process.exit(1); });
