#!/usr/bin/env node
// The privacy test: numvert-smsc delivers SMS and USSD from known test
// numbers in every form a carrier delivers a sender in (international
// with and without +, 00-prefixed with TON unknown, 8 national digits
// with TON national), with numbers also written inside the texts; then
// every file numvertd wrote (the database and its WAL after SIGKILL, the
// key store of reply paths, the epoch key file, a backup, the database
// restored from it) and every log line are searched for each number in
// each encoding a careless build could use (digits, +, 00, national,
// spaced, integers in every width and byte order, UCS-2, base64, hex,
// BCD semi-octets). Nothing may be found. The reports are there, routed.
//
// Every flow of the menus, in every language, goes through it too: every
// golden transcript (tests/integration/golden, USSD and SMS: each category,
// the information and help branches, follow-ups, exits, keyword SMS) is
// replayed from a privacy test number of its own, written in turn in each
// form a carrier delivers (international, +, 00, 8 national digits), and
// every line where the citizen types words (details, case additions, an
// SMS naming its category, an invalid answer) also carries the sender's
// own number in two spellings. At the SIGKILL an SMS conversation is still
// open (its conversations row is searched on its own as well), and a USSD
// IED dialogue on a second link (ussd_timeout 5 s) has timed out into a
// partial report with the words typed before it. A form of 4 octets (an
// integer of the national number, its semi-octets) can turn up by chance
// in the ciphertext: found alone, it is looked for in a second run.
//
// Grows with the project: every new file, log, route or export joins
// the search (the HTTP responses and exports will, with the console).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const h = require('./lib/harness');
const golden = require('./lib/golden');
const { ok, is } = h;

// [as the carrier delivers the sender, the same number in E.164 digits]
const SENDERS = [
  ['22370000061', '22370000061'],
  ['+22370000062', '22370000062'],
  ['0022370000063', '22370000063'],
  ['70000064', '22370000064'],
  ['22352000065', '22352000065'],	// a 52 prefix (Debian's metadata rejects it)
];
const USSD = [['22370000066', '22370000066'], ['+22385000067', '22385000067'], ['70000068', '22370000068']];

function forms(num) {
  const nat = num.slice(3);
  const n = BigInt(num);
  const be8 = Buffer.alloc(8); be8.writeBigUInt64BE(n);
  const le8 = Buffer.alloc(8); le8.writeBigUInt64LE(n);
  const nb = Buffer.alloc(4); nb.writeUInt32BE(Number(nat));
  const nl = Buffer.alloc(4); nl.writeUInt32LE(Number(nat));
  const semi = (s) => Buffer.from((s.length % 2 ? `${s}F` : s).match(/../g).map((p) => parseInt(p[1] + p[0], 16)));
  const spaced = nat.match(/../g).join(' ');
  const txt = [num, `+${num}`, `00${num}`, nat, spaced, `+223 ${spaced}`];
  return txt.flatMap((t) => [Buffer.from(t), Buffer.from(t, 'utf16le'), Buffer.from(t, 'utf16le').swap16(),
    Buffer.from(Buffer.from(t).toString('base64').replace(/=+$/, '')), Buffer.from(Buffer.from(t).toString('hex'))])
    .concat([be8, be8.subarray(2), le8, le8.subarray(0, 6), nb, nl, semi(num), semi(nat)]);
}

// Every needle found in a buffer, in one pass (thousands of needles: one
// indexOf each would read the files thousands of times). Needles are 4
// octets long at least; they are looked up by their first 4.
function scanner(needles) {
  const by = new Map();
  for (const n of needles) {
    if (n.length < 4) throw new Error(`a needle shorter than 4 octets: ${n.toString('hex')}`);
    const k = n.readUInt32LE(0);
    if (!by.has(k)) by.set(k, []);
    by.get(k).push(n);
  }
  return (b) => {
    const found = new Set();
    for (let i = 0; i + 4 <= b.length; i++) {
      const c = by.get(b.readUInt32LE(i));
      if (c === undefined) continue;
      for (const n of c) if (i + n.length <= b.length && b.compare(n, 0, n.length, i, i + n.length) === 0) found.add(n);
    }
    return [...found];
  };
}

// Which number and form a needle stands for (for the report of a failure).
const NEEDLE_OF = new Map();
function whose(n) { return NEEDLE_OF.get(n.toString('hex')) || '?'; }
function needlesOf(nums) {
  return nums.flatMap((num) => forms(num).map((n, i) => {
    NEEDLE_OF.set(n.toString('hex'), `${num} form ${i}`);
    return n;
  }));
}

// --- every golden flow, from privacy test numbers -------------------------

// The privacy numbers of the replays: 223694NNNNN, one per script (no other
// test sends from 223694xxxxx), written as a carrier may deliver them.
const pnum = (n) => `223694${String(n).padStart(5, '0')}`;
const WRITTEN = [(e) => e, (e) => `+${e}`, (e) => `00${e}`, (e) => e.slice(3)];
function spellings(e) {
  const nat = e.slice(3), sp = nat.match(/../g).join(' ');
  return [nat, `+${e}`, `00${e}`, e, sp, `+223 ${sp}`];
}
// The words a citizen types (not a menu answer, a dial, a code or a hang-up).
const typed = (mo) => /[A-Za-z]/.test(mo) && !mo.includes('{code}') && mo !== 'abort';

// The n-th privacy sender: its number, as written, the words it adds.
function sender(n) {
  const e164 = pnum(n);
  const sp = spellings(e164);
  return { e164, from: WRITTEN[n % WRITTEN.length](e164), words: ` mon numero ${sp[(2 * n) % 6]} ou ${sp[(2 * n + 1) % 6]}` };
}

// A golden file's lines from sender s: its number replaced, its typed
// words followed by the sender's own number. Returns the lines and what
// it leaves: the report ("category lang partial=N channel") and narrative.
function replay(g, s) {
  const [orig] = [...g.senders];
  const out = [];
  for (const l of g.text.replace(/\n$/, '').split('\n')) {
    let m;
    if ((m = /^> (ussd|sms) (\S+) (.*)$/.exec(l))) {
      if (m[2] !== orig) throw new Error(`${g.file}: a second sender ${m[2]}`);
      const [, to, text] = m[1] === 'sms' ? /^(\S+ )(.*)$/.exec(m[3]) : [null, '', m[3]];
      out.push(`> ${m[1]} ${s.from} ${to}${typed(text) ? text + s.words : text}`);
    } else if ((m = /^< (ussd|sms) (\S+) (.*)$/.exec(l))) {
      out.push(`< ${m[1]} ${s.from} ${m[3]}`);
    } else if (!/^#/.test(l)) {
      out.push(l);
    }
  }
  return { lines: out, report: g.report === 'none' ? null : `${g.report.category} ${g.report.lang} partial=${g.report.partial} ${g.channel}`,
    narrative: g.narrative ? g.narrative + s.words : null };
}

// A golden path up to its details screen, the words typed there, and the
// screen that follows (the confirmation), from sender s. Returns the lines
// and the words.
function upToDetails(g, s) {
  const out = [];
  let screen = '';
  let words = null;
  for (const st of g.steps) {
    if (st.mo !== undefined) {
      if (words !== null) break;
      let mo = st.mo;
      if (/^Écrivez/.test(screen)) { words = `trois engins au bord de la route${s.words}`; mo = words; }
      out.push(g.channel === 'sms' ? `> sms ${s.from} ${st.to} ${mo}` : `> ussd ${s.from} ${mo}`);
    } else if (st.text !== undefined) {
      screen = st.text;
      const first = st.text.split('\n')[0];	// {code} matches a case code
      out.push(g.channel === 'sms' ? `< sms ${s.from} ~${first}` : `< ussd ${s.from} ${st.verdict} ~${first}`);
      if (words !== null) break;
    }
  }
  if (words === null) throw new Error(`${g.file}: no details screen`);
  return { lines: out, words };
}

function script(file, files) {
  const l = ['timeout 10s'];
  for (const [from, e164] of SENDERS) {
    l.push(`> sms ${from} 36123 ARME Ansongo deux hommes armes, mon numero ${e164.slice(3)} ou +${e164}`);
    l.push(`< sms ${from} ~Merci. Votre code: `);
  }
  for (const [from] of USSD) {
    l.push(`> ussd ${from} *384#`);
    l.push(`< ussd ${from} continue ~`);
    l.push(`> ussd ${from} 0`);
    l.push(`< ussd ${from} end ~`);
  }
  // Every golden flow, each from its own number.
  const plan = { nums: [], reports: [], narratives: [], forms: new Set() };
  files.forEach((g, i) => {
    const s = sender(i + 1);
    const r = replay(g, s);
    l.push('dialect its_session_info', 'timeout 10s', ...r.lines);
    plan.nums.push(s.e164);
    plan.forms.add(`${g.channel} ${WRITTEN.findIndex((w) => w(s.e164) === s.from)}`);
    if (r.report) plan.reports.push(r.report);
    if (r.narrative) plan.narratives.push(r.narrative);
  });
  // An SMS conversation left open at the kill: the IED path by SMS up to
  // the confirmation, with words typed on the details screen.
  {
    const s = sender(files.length + 1);
    const c = upToDetails(golden.read(path.join(golden.DIR, 'fr', 'ied.sms.script')), s);
    l.push(...c.lines);
    plan.nums.push(s.e164);
    plan.open = s;
  }
  fs.writeFileSync(file, l.join('\n') + '\n');
  return plan;
}

// On the second link (ussd_timeout 5 s): a USSD IED dialogue that goes
// silent on its confirmation screen after words typed on the details
// screen: kept as a partial urgent report; a later answer gets "expired".
function slowScript(file, n) {
  const s = sender(n);
  const c = upToDetails(golden.read(path.join(golden.DIR, 'fr', 'ied.script')), s);
  const l = ['dialect its_session_info', 'timeout 10s', ...c.lines, 'sleep 7s',
    `> ussd ${s.from} 1`, `< ussd ${s.from} end Délai dépassé. Recommencez quand vous voulez.`];
  fs.writeFileSync(file, l.join('\n') + '\n');
  return { e164: s.e164, report: 'ied fr partial=1 ussd', narrative: c.words };
}

function reportsOf(db) {
  const r = spawnSync('sqlite3', ['-readonly', db,
    "SELECT id, category || ' ' || coalesce(language, '-') || ' partial=' || partial || ' ' || channel FROM reports ORDER BY id"],
  { encoding: 'utf8' });
  return r.stdout.split('\n').filter((x) => x !== '').map((x) => x.replace(/^\d+\|/, ''));
}
const count = (list) => list.reduce((m, k) => m.set(k, (m.get(k) || 0) + 1), new Map());
function multisetDiff(got, want) {
  const g = count(got), w = count(want), diff = [];
  for (const k of new Set([...g.keys(), ...w.keys()]))
    if ((g.get(k) || 0) !== (w.get(k) || 0)) diff.push(`${k}: ${g.get(k) || 0} found, ${w.get(k) || 0} expected`);
  return diff;
}

const tool = (name) => path.join(h.BUILD, name);

// The replays: numvertd with two links (the second with ussd_timeout 5s),
// the scripts run, then SIGKILL. Returns what a check needs.
async function replayAndKill(gfiles) {
  const dir = h.tmpdir();
  const pf = path.join(dir, 'port'), pf2 = path.join(dir, 'port2');
  const sc = path.join(dir, 'privacy.script'), sc2 = path.join(dir, 'slow.script');
  const plan = script(sc, gfiles);
  const slow = slowScript(sc2, gfiles.length + 2);
  plan.nums.push(slow.e164);
  const s = h.smsc(['script', sc, '--listen', '127.0.0.1:0', '--port-file', pf]);
  const s2 = h.smsc(['script', sc2, '--listen', '127.0.0.1:0', '--port-file', pf2, '--settle', '500ms']);
  const listening = (f) => h.until(() => fs.existsSync(f) && fs.readFileSync(f, 'utf8').trim() !== '');
  const up = await listening(pf) && await listening(pf2);
  const port = Number(fs.readFileSync(pf, 'utf8').trim());
  const port2 = Number(fs.readFileSync(pf2, 'utf8').trim());
  const codes = '36123, *384#, 80001107';
  const conf = h.clientConf([{ name: 'sim', port, short_codes: codes }, { name: 'slow', port: port2, short_codes: codes, ussd_timeout: '5s' }]);
  const d = h.numvertd(conf, dir);
  const [r, rSlow] = await Promise.all([s, s2].map((x) => Promise.race([x.exited, h.sleep(60000 * h.SLOW).then(() => ({ code: 'timeout' }))])));
  await h.sleep(300);
  d.kill();
  await d.exited;
  const db = path.join(dir, 'numvert.db');
  const files = [db, `${db}-wal`, `${db}-shm`, path.join(dir, 'numvert.vault'), path.join(dir, 'numvert.epoch'),
    path.join(dir, 'numvert.vault-journal')];
  return { dir, up, s, s2, r, rSlow, d, conf, plan, slow, db, files };
}

// Where needles are found: [{ where, needle }].
function search(files, scan) {
  const out = [];
  for (const f of files) if (fs.existsSync(f)) for (const n of scan(fs.readFileSync(f))) out.push({ where: path.basename(f), needle: n });
  return out;
}
const show = (hits) => hits.slice(0, 10).map((x) => `${x.where}: ${x.needle.toString('hex')} (${whose(x.needle)})`).join('\n');

h.run('privacy: no phone number anywhere', async () => {
  const t0 = Date.now();
  const gfiles = golden.files().map(golden.read);
  ok(gfiles.length >= 200 && new Set(gfiles.map((g) => g.channel)).size === 2,
    `every golden flow replayed from its own number: ${gfiles.length} transcripts (USSD and SMS) in ${new Set(gfiles.map((g) => g.lang)).size} languages`);
  const run = await replayAndKill(gfiles);
  const { dir, s, s2, plan, slow, db, files, conf } = run;
  let d = run.d;
  is(plan.forms.size, 8, 'the senders written in all four forms, in USSD and in SMS');
  ok(run.up, 'simulators listening');
  is(run.r.code, 0, 'every SMS and USSD answered as the transcripts say', s.out.filter((x) => /^[-+!]|^(PASS|FAIL)/.test(x)).slice(0, 60).join('\n'));
  is(run.rSlow.code, 0, 'second link: the IED dialogue times out (ussd_timeout 5s); a later answer gets the "expired" screen', s2.out.join('\n'));
  is(d.signal, 'SIGKILL', 'numvertd killed with SIGKILL (the WAL stays)');
  ok(d.sanitizerReports().length === 0, 'numvertd: no sanitizer report before the kill', d.sanitizerReports().slice(0, 20).join('\n'));
  const tRun = ((Date.now() - t0) / 1000).toFixed(1);

  ok(fs.existsSync(`${db}-wal`), 'the WAL is there');
  const nums = SENDERS.concat(USSD).map(([, e]) => e).concat(plan.nums);
  is(new Set(nums).size, nums.length, `${nums.length} numbers, none sent twice`);
  const needles = needlesOf(nums);
  const scan = scanner(needles);
  // Every search first; the verdicts below, once coincidences are known.
  const hits = {};
  hits.files = search(files, scan);
  const logs = d.lines.join('\n');
  hits.log = scan(Buffer.from(logs)).map((n) => ({ where: 'log', needle: n }));
  const clearWords = search(files, scanner([Buffer.from(' mon numero ')]));

  // The conversation left open: its row, read from a copy of the files.
  const cp = fs.mkdtempSync(path.join(os.tmpdir(), 'numvert-priv-'));
  for (const f of [db, `${db}-wal`, `${db}-shm`]) if (fs.existsSync(f)) fs.copyFileSync(f, path.join(cp, path.basename(f)));
  const q = spawnSync('sqlite3', [path.join(cp, 'numvert.db'),
    "SELECT hex(key) || ' ' || hex(state) || ' ' || (expires > strftime('%s', 'now') + 900) FROM conversations " +
    "WHERE expires > strftime('%s', 'now')"], { encoding: 'utf8' });
  fs.rmSync(cp, { recursive: true, force: true });
  // Every row: the open conversation (sms_conversation_timeout, 1 h) and
  // the ended ones kept 10 minutes as tombstones (their last step's hash).
  const convRows = q.stdout.split('\n').filter((x) => x !== '');
  const rows = convRows.filter((x) => x.endsWith(' 1'));
  const row = Buffer.concat(convRows.flatMap((x) => x.split(' ').slice(0, 2)).map((x) => Buffer.from(x, 'hex')));
  hits.row = scan(row).map((n) => ({ where: 'conversation row', needle: n }));

  // What the replays left: the reports the transcripts say.
  const want = plan.reports.concat(SENDERS.map(() => 'arms_seen fr partial=0 sms'), [slow.report]);
  const diff = multisetDiff(reportsOf(db), want);

  // Restarted on the same files: a backup, stopped, restored.
  d = h.numvertd(conf, dir);
  ok(await d.waitFor((e) => e.event === 'db_opened'), 'numvertd starts again on the same files');
  const bak = path.join(dir, 'backup.db');
  const b = spawnSync(tool('numvert'), ['-c', path.join(dir, 'numvertd.conf'), 'backup', bak], { encoding: 'utf8' });
  is(b.status, 0, 'numvert backup', b.stderr);
  await h.stopClean(d);
  hits.backup = search([bak], scan);
  const rs = spawnSync(tool('numvert'), ['-c', path.join(dir, 'numvertd.conf'), 'restore', bak], { encoding: 'utf8' });
  is(rs.status, 0, 'numvert restore', rs.stderr);
  hits.restored = search(files, scan);
  hits.keys = search([path.join(dir, 'numvert.keys')], scan);
  hits.restart = scan(Buffer.from(d.lines.join('\n'))).map((n) => ({ where: 'log after the restart', needle: n }));

  // A form of 4 octets (a 32-bit integer, 8 digits in semi-octets) is in
  // the ciphertext of a run by chance about once in 40 runs with ~800 of
  // them; numvertd storing it would store it again. Such a hit alone is
  // looked for in a second run: found again it counts, else it was chance.
  const coincidence = new Set();
  const all = Object.values(hits).flat();
  const short = [...new Map(all.map((x) => [x.needle.toString('hex'), x.needle])).values()];
  if (all.length > 0 && all.every((x) => x.needle.length === 4 && !/^log/.test(x.where))) {
    h.diag(`4-octet forms found: ${show(all)}; a second run decides`);
    const again = await replayAndKill(gfiles);
    const seen = new Set(search(again.files, scanner(short)).map((x) => x.needle.toString('hex')));
    for (const n of short) if (!seen.has(n.toString('hex'))) coincidence.add(n.toString('hex'));
    h.diag(`second run: ${coincidence.size} of ${short.length} not found again (chance)`);
  }
  const real = (list) => list.filter((x) => !coincidence.has(x.needle.toString('hex')));

  let found = real(hits.files);
  ok(found.length === 0, `no number in the database, its WAL, the key store or the epoch file (${needles.length} forms of ${nums.length} numbers)`, show(found));
  found = real(hits.log);
  ok(found.length === 0, 'no number in the log', show(found));
  ok(!/\d{8,}/.test(logs.replace(/ts=\S+/g, '')), 'no run of 8 digits at all in the log', (logs.replace(/ts=\S+/g, '').match(/.*\d{8,}.*/g) || []).slice(0, 5).join('\n'));
  ok(clearWords.length === 0, 'the words typed are nowhere in clear either (narratives, case additions and conversations are sealed)', show(clearWords));
  is(rows.length, 1, 'one SMS conversation open at the kill, in the conversations table', q.stderr + q.stdout);
  found = real(hits.row);
  ok(rows.length === 1 && found.length === 0 && row.indexOf(Buffer.from('mon numero')) < 0,
    `its row and the ${convRows.length - rows.length} tombstones of ended ones (${row.length} octets) hold neither a number nor the words typed`,
    show(found));
  ok(diff.length === 0, `${want.length} reports, each with the category, language, partial flag and channel its transcript says`, diff.join('\n'));
  found = real(hits.backup);
  ok(fs.existsSync(bak) && found.length === 0, 'no number in the backup', show(found));
  found = real(hits.restored);
  ok(found.length === 0, 'no number in the restored database', show(found));
  found = real(hits.keys);
  ok(found.length === 0, 'no number in the key file', show(found));
  found = real(hits.restart);
  ok(d.lines.length > 0 && found.length === 0, 'no number in the log after the restart either', show(found));
  ok(!d.lines.some((l) => /event=conversation_dropped/.test(l)), 'the open conversation resumed at the restart (not dropped)');

  // The reports are there, routed to Gao (Ansongo) and sealed.
  const out = spawnSync(tool('tools/nvdump'), [db, path.join(dir, 'numvert.keys')], { encoding: 'utf8' });
  is(out.status, 0, 'every narrative opens with the key file', out.stderr);
  const dump = out.stdout.split('\n');
  // The first reports are the first SMS of the script.
  const routes = dump.filter((l) => l.startsWith('route ')).slice(0, SENDERS.length);
  is(routes.length, SENDERS.length, 'one report per SMS', out.stdout);
  ok(routes.every((l) => / region=gao cercle=gao\.ansongo /.test(l) && / queues=gao /.test(l)),
    'each routed to Gao (Ansongo named in the text), queue gao only', routes.join('\n'));
  ok(routes.every((l) => / counted=1 /.test(l)), 'each counted (one report per sender)');
  // The words typed with the numbers were kept, sealed: they open with the key file.
  const texts = new Map(dump.filter((l) => l.startsWith('report ')).map((l) => [l.replace(/^report \d+ \S+ \d+ ?/, ''), l.split(' ')[1]]));
  const missing = plan.narratives.concat([slow.narrative]).filter((n) => !texts.has(n));
  ok(missing.length === 0, `the ${plan.narratives.length + 1} narratives typed with a number are there, sealed`, missing.join('\n'));
  const part = dump.find((l) => l.startsWith(`route ${texts.get(slow.narrative)} `)) || '';
  ok(/ region=gao /.test(part) && / urgent=1 /.test(part) && / category=ied /.test(part) && /queues=\S*eod/.test(part),
    'the timed-out IED dialogue: a partial urgent report of Gao for the EOD queue, with the words typed', part);
  // Keys others could read are refused at start, with the reason.
  const epoch = path.join(dir, 'numvert.epoch');
  fs.chmodSync(epoch, 0o644);
  const d2 = h.numvertd(conf, dir);
  const r2 = await d2.exited;
  ok(r2.code === 2 && d2.lines.some((l) => /event=start_failed .*numvert\.epoch/.test(l)),
    'an epoch key file others can read: exit 2, named', d2.lines.join('\n'));
  fs.chmodSync(epoch, 0o600);
  h.diag(`privacy.t: replays and the kill ${tRun} s, in all ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}, 240);
