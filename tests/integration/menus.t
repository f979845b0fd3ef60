#!/usr/bin/env node
// The menus end to end: every golden transcript of tests/integration/golden
// (every category in every language, the information and help branches, a
// case follow-up, exits, going back, paging, invalid answers, a hang-up;
// made by golden/regen from menus/default.yaml) replayed through
// numvert-smsc script against numvertd in client mode, once per USSD
// dialect (its_session_info, user_message_reference, sixdee), the files of
// a dialect concatenated into one script (one handset per sender); and the
// SMS transcripts (LANG/NAME.sms.script: the same paths as SMS
// conversations, and the one-SMS keyword paths) once, on an
// its_session_info link. Each transcript must match exactly; then the
// database must hold exactly the reports the files say (category,
// language, partial, channel), with only the narratives typed on a details
// screen (or the SMS that named the category). Last, the USSD guard timer: a
// silent IED dialogue after its region is kept as a partial urgent report
// and a later answer gets the "expired" screen; a silent GBV dialogue
// leaves nothing.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const h = require('./lib/harness');
const golden = require('./lib/golden');
const { ok, is } = h;

async function portFile(f) {
  ok(await h.until(() => fs.existsSync(f) && fs.readFileSync(f, 'utf8').trim() !== '', 5000), `simulator listening (${path.basename(path.dirname(f))})`);
  return Number(fs.readFileSync(f, 'utf8').trim());
}

// The reports in a database: "category lang partial=N urgent=N", by id.
function reports(db) {
  const r = spawnSync('sqlite3', ['-readonly', db,
    "SELECT category || ' ' || coalesce(language, '-') || ' partial=' || partial || ' urgent=' || urgent || ' ' || channel FROM reports ORDER BY id"],
  { encoding: 'utf8' });
  if (r.status !== 0) h.diag(`sqlite3: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l !== '');
}

// The narratives of a database, opened with the key file (tests/tools/nvdump).
function narratives(dir) {
  const r = spawnSync(path.join(h.BUILD, 'tools/nvdump'), [path.join(dir, 'numvert.db'), path.join(dir, 'numvert.keys')], { encoding: 'utf8' });
  ok(r.status === 0, 'every narrative opens (nvdump)', r.stderr);
  return r.stdout.split('\n').filter((l) => l.startsWith('report ')).map((l) => l.replace(/^report \d+ \S+ \d+ ?/, ''));
}

const count = (list) => list.reduce((m, k) => m.set(k, (m.get(k) || 0) + 1), new Map());
function sameMultiset(got, want, name) {
  const g = count(got), w = count(want);
  const diff = [];
  for (const k of new Set([...g.keys(), ...w.keys()]))
    if ((g.get(k) || 0) !== (w.get(k) || 0)) diff.push(`${k}: ${g.get(k) || 0} in the database, ${w.get(k) || 0} expected`);
  return ok(diff.length === 0, name, diff.join('\n'));
}

// Runs every golden file in one dialect ("sms": the SMS files, on an
// its_session_info link); returns numvertd's directory.
async function dialect(files, dl) {
  const sms = dl === 'sms';
  const dir = h.tmpdir();
  const pf = path.join(dir, 'port');
  const script = path.join(dir, `golden-${dl}.script`);
  // Which file each line of the concatenation came from, for the report.
  const lines = [];
  const owner = [];
  const bySender = new Map();
  for (const g of files) {
    const t = (sms ? g.text : golden.withDialect(g.text, dl)).replace(/\n$/, '').split('\n');
    for (const l of t) { lines.push(l); owner.push(g); }
    for (const s of g.senders) bySender.set(s, g);
  }
  fs.writeFileSync(script, lines.join('\n') + '\n');
  const t0 = Date.now();
  const s = h.smsc(['script', script, '--listen', '127.0.0.1:0', '--port-file', pf]);
  const port = await portFile(pf);
  const d = h.numvertd(h.clientConf([{ name: 'sim', port, ussd_profile: sms ? 'its_session_info' : dl }]).replace('log_level = debug', 'log_level = info'), dir);
  const r = await Promise.race([s.exited, h.sleep(90000 * h.SLOW).then(() => ({ code: 'timeout' }))]);
  h.diag(`${dl}: ${files.length} transcripts, ${lines.filter((l) => l.startsWith('>')).length} MOs in ${Date.now() - t0} ms`);
  // The differences, by file: "- expected", "+ got   # line N", "! line N: ...",
  // "+ ... # unexpected" (an MT nobody waited for, known by its number).
  const fails = new Map();
  const blame = (l) => {
    let m = /# line (\d+)/.exec(l) || /^! line (\d+):/.exec(l);
    if (m) return owner[Number(m[1]) - 1];
    m = /^[-+] < (?:ussd|sms|ack) (\d+)/.exec(l);
    return m ? bySender.get(m[1]) : undefined;
  };
  const out = s.out;
  for (let i = 0; i < out.length; i++) {
    if (!/^[-+!]/.test(out[i])) continue;
    // A "-" line is followed by the "+" line that names the script line.
    const g = blame(out[i]) || (out[i + 1] && blame(out[i + 1]));
    const k = g ? `${g.lang}/${g.name}` : '(unknown)';
    if (!fails.has(k)) fails.set(k, []);
    fails.get(k).push(out[i]);
  }
  for (const g of files) {
    const k = `${g.lang}/${g.name}`;
    if (!ok(!fails.has(k), `${dl}: ${k} matches its golden transcript`))
      h.diag(fails.get(k).join('\n'));
  }
  if (fails.has('(unknown)')) { ok(false, `${dl}: differences outside any file`); h.diag(fails.get('(unknown)').join('\n')); }
  is(r.code, 0, `${dl}: numvert-smsc script exits 0 (${out[out.length - 1] || 'no output'})`);
  if (r.code !== 0 && fails.size === 0) h.diag(out.slice(-30).join('\n'));
  await h.stopClean(d, `numvertd (${dl})`);

  // What the database holds: one report per file that files one.
  const channel = sms ? 'sms' : 'ussd';
  const want = files.filter((g) => g.report !== 'none').map((g) => `${g.report.category} ${g.report.lang} partial=${g.report.partial} ${channel}`);
  const got = reports(path.join(dir, 'numvert.db'));
  is(got.length, want.length, `${dl}: ${want.length} reports in the database`);
  sameMultiset(got.map((x) => x.replace(/ urgent=\d+ /, ' ')), want, `${dl}: each report with its category, language, partial flag and channel (${channel})`);
  ok(got.every((x) => new RegExp(` ${channel}$`).test(x)), `${dl}: every report came by ${sms ? 'SMS' : 'USSD'}`);
  ok(got.filter((x) => / partial=1 /.test(x)).every((x) => / urgent=1 /.test(x)), `${dl}: partial reports are urgent`,
    got.filter((x) => / partial=1 /.test(x)).join('\n'));
  const texts = narratives(dir).filter((n) => n !== '');
  sameMultiset(texts, files.filter((g) => g.narrative).map((g) => g.narrative),
    `${dl}: the only narratives are the words typed on details screens`);
  const senders = files.flatMap((g) => [...g.senders]);
  const leaked = senders.filter((n) => d.lines.some((l) => l.includes(n) || l.includes(n.slice(3))));
  ok(leaked.length === 0, `${dl}: no sender's number in numvertd's log`, leaked.slice(0, 5).join(' '));
  return dir;
}

// The guard timer (ussd_timeout, 5 s at least): an IED dialogue that goes
// silent after its region, and a GBV one.
async function timeout() {
  const dir = h.tmpdir();
  const pf = path.join(dir, 'port');
  const script = path.join(dir, 'timeout.script');
  const ied = '22376900001', gbv = '22376900002';
  const g = golden.read(path.join(golden.DIR, 'fr', 'ied.script'));
  const gb = golden.read(path.join(golden.DIR, 'fr', 'gbv.script'));
  // The golden paths up to the screen after the region: for the IED the
  // road screen (5 answers), for GBV the confirmation (4 answers).
  const upTo = (gg, from, n) => {
    const l = [];
    let mos = 0;
    for (const st of gg.steps) {
      if (st.mo !== undefined) { if (mos++ === n) break; l.push(`> ussd ${from} ${st.mo}`); }
      else if (st.verdict) l.push(`< ussd ${from} ${st.verdict} ~${st.text.split('\n')[0]}`);
    }
    return l;
  };
  const l = ['dialect its_session_info', 'timeout 5s', ...upTo(g, ied, 5), ...upTo(gb, gbv, 5), 'sleep 7s',
    `> ussd ${ied} 1`, `< ussd ${ied} end Délai dépassé. Recommencez quand vous voulez.`,
    `> ussd ${gbv} 1`, `< ussd ${gbv} end Délai dépassé. Recommencez quand vous voulez.`];
  fs.writeFileSync(script, l.join('\n') + '\n');
  const s = h.smsc(['script', script, '--listen', '127.0.0.1:0', '--port-file', pf, '--settle', '500ms']);
  const port = await portFile(pf);
  const d = h.numvertd(h.clientConf([{ name: 'sim', port, ussd_timeout: '5s' }]), dir);
  const r = await Promise.race([s.exited, h.sleep(40000 * h.SLOW).then(() => ({ code: 'timeout' }))]);
  is(r.code, 0, 'timeout: both dialogues go silent past ussd_timeout = 5s; a later answer gets the "expired" screen',
    s.out.join('\n'));
  await h.stopClean(d, 'numvertd (timeout)');
  const got = reports(path.join(dir, 'numvert.db'));
  is(got.length, 1, 'timeout: one report in the database', got.join('\n'));
  is(got[0], 'ied fr partial=1 urgent=1 ussd', 'timeout: the silent IED dialogue is kept as a partial urgent report');
  const route = spawnSync(path.join(h.BUILD, 'tools/nvdump'), [path.join(dir, 'numvert.db'), path.join(dir, 'numvert.keys')], { encoding: 'utf8' })
    .stdout.split('\n').filter((x) => x.startsWith('route '));
  ok(route.length === 1 && / region=gao /.test(route[0]) && / category=ied /.test(route[0]) && /queues=\S*eod/.test(route[0]),
    'timeout: the partial report has its region (Gao) and reaches the EOD queue', route.join('\n'));
  ok(!got.some((x) => x.startsWith('gbv ')), 'timeout: the silent GBV dialogue leaves no report');
}

h.run('golden menu transcripts', async () => {
  const t0 = Date.now();
  const all = golden.files().map(golden.read);
  const files = all.filter((g) => g.channel === 'ussd');
  const smsFiles = all.filter((g) => g.channel === 'sms');
  const langs = new Set(files.map((g) => g.lang));
  ok(files.length >= 100, `${files.length} golden USSD transcripts in ${langs.size} languages`);
  const names = new Set(smsFiles.map((g) => `${g.lang}/${g.name}`));
  const noSms = files.filter((g) => g.name !== 'abort' && !names.has(`${g.lang}/${g.name}.sms`)).map((g) => `${g.lang}/${g.name}`);
  ok(noSms.length === 0, `${smsFiles.length} golden SMS transcripts: every USSD path but the hang-up also by SMS`, noSms.join(' '));
  for (const l of langs)
    ok(['keyword-place', 'keyword-region'].every((n) => names.has(`${l}/${n}.sms`)), `${l}: the one-SMS keyword paths (with a place, alone)`);
  const senders = all.flatMap((g) => [...g.senders]);
  is(new Set(senders).size, all.length, 'one sender per file, none shared');
  ok(senders.every((n) => /^2237\d{7}$/.test(n)), 'senders in the made-up 2237xxxxxxx range');
  // The timeout test mostly waits: it runs beside the transcripts.
  const slow = timeout();
  for (const dl of golden.DIALECTS) await dialect(files, dl);
  await dialect(smsFiles, 'sms');
  await slow;
  h.diag(`menus.t: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}, 240);
