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
// Grows with the project: every new file, log, route or export joins
// the search (the HTTP responses and exports will, with the console).
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const h = require('./lib/harness');
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

function holds(files, needles) {
  const found = [];
  for (const f of files) {
    if (!fs.existsSync(f)) continue;
    const b = fs.readFileSync(f);
    for (const n of needles) if (b.indexOf(n) >= 0) found.push(`${path.basename(f)}: ${n.toString('hex')}`);
  }
  return found;
}

function script(file) {
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
  fs.writeFileSync(file, l.join('\n') + '\n');
}

const tool = (name) => path.join(h.BUILD, name);

h.run('privacy: no phone number anywhere', async () => {
  const dir = h.tmpdir();
  const pf = path.join(dir, 'port');
  const sc = path.join(dir, 'privacy.script');
  script(sc);
  const s = h.smsc(['script', sc, '--listen', '127.0.0.1:0', '--port-file', pf]);
  ok(await h.until(() => fs.existsSync(pf) && fs.readFileSync(pf, 'utf8').trim() !== ''), 'simulator listening');
  const port = Number(fs.readFileSync(pf, 'utf8').trim());
  const conf = h.clientConf([{ name: 'sim', port, short_codes: '36123, *384#' }]);
  let d = h.numvertd(conf, dir);
  const r = await Promise.race([s.exited, h.sleep(30000 * h.SLOW).then(() => ({ code: 'timeout' }))]);
  is(r.code, 0, 'every SMS and USSD answered as the transcript says', s.out.join('\n'));
  await h.sleep(300);
  d.kill();
  await d.exited;
  is(d.signal, 'SIGKILL', 'numvertd killed with SIGKILL (the WAL stays)');

  const db = path.join(dir, 'numvert.db');
  const files = [db, `${db}-wal`, `${db}-shm`, path.join(dir, 'numvert.vault'), path.join(dir, 'numvert.epoch'),
    path.join(dir, 'numvert.vault-journal')];
  ok(fs.existsSync(`${db}-wal`), 'the WAL is there');
  const nums = SENDERS.concat(USSD).map(([, e]) => e);
  const needles = nums.flatMap(forms);
  let found = holds(files, needles);
  ok(found.length === 0, `no number in the database, its WAL, the key store or the epoch file (${needles.length} forms of ${nums.length} numbers)`,
    found.slice(0, 10).join('\n'));
  const logs = d.lines.join('\n');
  found = needles.filter((n) => Buffer.from(logs).indexOf(n) >= 0).map((n) => n.toString('hex'));
  ok(found.length === 0, 'no number in the log', found.slice(0, 10).join('\n'));
  ok(!/\d{8,}/.test(logs.replace(/ts=\S+/g, '')), 'no run of 8 digits at all in the log');

  // The reports are there, routed to Gao (Ansongo) and sealed.
  d = h.numvertd(conf, dir);
  ok(await d.waitFor((e) => e.event === 'db_opened'), 'numvertd starts again on the same files');
  const bak = path.join(dir, 'backup.db');
  const b = spawnSync(tool('numvert'), ['-c', path.join(dir, 'numvertd.conf'), 'backup', bak], { encoding: 'utf8' });
  is(b.status, 0, 'numvert backup', b.stderr);
  await h.stopClean(d);
  found = holds([bak], needles);
  ok(fs.existsSync(bak) && found.length === 0, 'no number in the backup', found.slice(0, 10).join('\n'));
  const rs = spawnSync(tool('numvert'), ['-c', path.join(dir, 'numvertd.conf'), 'restore', bak], { encoding: 'utf8' });
  is(rs.status, 0, 'numvert restore', rs.stderr);
  found = holds(files, needles);
  ok(found.length === 0, 'no number in the restored database', found.slice(0, 10).join('\n'));
  found = holds([path.join(dir, 'numvert.keys')], needles);
  ok(found.length === 0, 'no number in the key file');

  const out = spawnSync(tool('tools/nvdump'), [db, path.join(dir, 'numvert.keys')], { encoding: 'utf8' });
  is(out.status, 0, 'every narrative opens with the key file', out.stderr);
  const routes = out.stdout.split('\n').filter((l) => l.startsWith('route '));
  is(routes.length, SENDERS.length, 'one report per SMS', out.stdout);
  ok(routes.every((l) => / region=gao cercle=gao\.ansongo /.test(l) && / queues=gao /.test(l)),
    'each routed to Gao (Ansongo named in the text), queue gao only', routes.join('\n'));
  ok(routes.every((l) => / counted=1 /.test(l)), 'each counted (one report per sender)');
  // Keys others could read are refused at start, with the reason.
  const epoch = path.join(dir, 'numvert.epoch');
  fs.chmodSync(epoch, 0o644);
  const d2 = h.numvertd(conf, dir);
  const r2 = await d2.exited;
  ok(r2.code === 2 && d2.lines.some((l) => /event=start_failed .*numvert\.epoch/.test(l)),
    'an epoch key file others can read: exit 2, named', d2.lines.join('\n'));
  fs.chmodSync(epoch, 0o600);
  ok(d.lines.concat(s.out).length > 0 && !d.lines.some((l) => /2237000006\d|2235200006\d|2238500006\d/.test(l)),
    'no number in the log after the restart either');
}, 120);
