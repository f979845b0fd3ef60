#!/usr/bin/env node
// The durable store, end to end, with node-smpp as the carrier's SMSC:
// what is written before the carrier is answered survives SIGKILL (a
// waiting part of a concatenated SMS, a reply the carrier never
// accepted), a retransmission makes no second report, and neither the
// database (with its WAL), nor a backup, nor the log holds a phone
// number, a narrative in clear, or a key. Then the refusals at start:
// a second numvertd on the same database, a key file others can read,
// a database without its keys.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const h = require('./lib/harness');
const { ok, is } = h;

const NUM_A = '22370000041';	// a single SMS
const NUM_B = '22370000042';	// a concatenated SMS, cut by the crash
const NUM_Q = '22370000043';	// its reply is never accepted before the crash
const NUM_R = '22370000044';	// retransmitted
const SECRET_A = 'ALPHA-vu-derriere-le-puits-du-village';	// no category keyword: a report on its own
const SECRET_B1 = 'BETA-premiere-partie-';
const SECRET_B2 = 'BETA-seconde-partie';

const tool = (name) => path.join(h.BUILD, name);
const dump = (db, keys) => spawnSync(tool('tools/nvdump'), [db, keys], { encoding: 'utf8' });

// The ways a number could have been written: digits, with +, as a
// 64-bit or 6-byte big-endian integer (SQLite's record format), little
// endian, UCS-2, base64, hex, BCD semi-octets.
function forms(num) {
  const n = BigInt(num);
  const be8 = Buffer.alloc(8); be8.writeBigUInt64BE(n);
  const le8 = Buffer.alloc(8); le8.writeBigUInt64LE(n);
  const semi = Buffer.from((num.length % 2 ? `${num}F` : num).match(/../g).map((p) => parseInt(p[1] + p[0], 16)));
  return [Buffer.from(num), Buffer.from(num.slice(3)), Buffer.from(`+${num}`), be8, be8.subarray(2), le8,
    Buffer.from(num, 'utf16le'), Buffer.from(Buffer.from(num).toString('base64')), Buffer.from(Buffer.from(num).toString('hex')), semi];
}

function filesOf(db) {
  return [db, `${db}-wal`, `${db}-shm`].filter((f) => fs.existsSync(f));
}

function holds(files, needles) {
  const found = [];
  for (const f of files) {
    const b = fs.readFileSync(f);
    for (const n of needles) if (b.indexOf(n) >= 0) found.push(`${path.basename(f)}: ${n.toString('hex')}`);
  }
  return found;
}

function keyBytes(keyFile) {
  const out = [];
  for (const l of fs.readFileSync(keyFile, 'utf8').split('\n')) {
    const m = /^\S+ \d+ ([0-9a-f]{64})$/.exec(l);
    if (m) out.push(Buffer.from(m[1], 'hex'), Buffer.from(m[1]), Buffer.from(m[1].toUpperCase()));
  }
  return out;
}

function part(ref, total, seq, text) {
  return { source_addr: NUM_B, destination_addr: '36123', esm_class: 0x40,
    short_message: { udh: Buffer.from([0x05, 0x00, 0x03, ref, total, seq]), message: text } };
}

h.run('durable store', async () => {
  const dir = h.tmpdir();
  const db = path.join(dir, 'numvert.db');
  const keys = path.join(dir, 'numvert.keys');
  let acceptQ = false;
  const a = await h.nodeSmsc({ submit: (s, p) => (p.destination_addr === NUM_Q && !acceptQ ? null : { message_id: 'M1' }) });
  const conf = h.clientConf([{ name: 'orange', port: a.port, short_codes: '36123', response_timeout: '30s' }]);
  let d = h.numvertd(conf, dir);
  ok(await d.waitFor((e) => e.event === 'keys_generated'), 'first start: numvertd makes the key file');
  is(fs.statSync(keys).mode & 0o777, 0o600, 'the key file is mode 0600');
  ok(await d.waitFor((e) => e.event === 'link_up'), 'link up');
  const s1 = a.binds[0].session;

  is(await h.deliver(s1, { source_addr: NUM_A, destination_addr: '36123', short_message: SECRET_A }), 0, 'SMS acknowledged');
  is(await h.deliver(s1, part(0x4d, 2, 1, SECRET_B1)), 0, 'first part of two acknowledged (written, waiting)');
  is(await h.deliver(s1, { source_addr: NUM_Q, destination_addr: '36123', short_message: 'Q-report' }), 0,
    'SMS whose reply the carrier will not accept: acknowledged');
  const retrans = { source_addr: NUM_R, destination_addr: '36123', short_message: 'R-report retransmis' };
  is(await h.deliver(s1, retrans), 0, 'an SMS');
  is(await h.deliver(s1, retrans), 0, 'the same SMS again (a retransmission): acknowledged too');
  ok(await h.until(() => a.submits.some((x) => x.pdu.destination_addr === NUM_Q)), 'the reply to Q was sent (and not answered)');
  ok(await h.until(() => a.submits.filter((x) => x.pdu.destination_addr === NUM_R).length >= 1), 'R got its reply');

  d.kill();
  await d.exited;
  is(d.signal, 'SIGKILL', 'numvertd killed with SIGKILL');

  // What a thief of the disk would find.
  const files = filesOf(db);
  ok(files.length >= 2, `the database and its WAL are there (${files.map((f) => path.basename(f)).join(', ')})`);
  ok(files.every((f) => (fs.statSync(f).mode & 0o077) === 0), 'the database files are readable by their owner only',
    files.map((f) => `${path.basename(f)} ${(fs.statSync(f).mode & 0o777).toString(8)}`).join(', '));
  const nums = [NUM_A, NUM_B, NUM_Q, NUM_R].flatMap(forms);
  let found = holds(files, nums);
  ok(found.length === 0, 'no phone number in the database or its WAL, in any encoding', found.join('\n'));
  found = holds(files, [SECRET_A, SECRET_B1, 'Q-report', 'R-report', 'bien arriv'].map((x) => Buffer.from(x)));
  ok(found.length === 0, 'no narrative, part or reply text in clear', found.join('\n'));
  found = holds(files, keyBytes(keys));
  ok(found.length === 0, 'no key in the database', found.join('\n'));

  // Restart: the waiting part and the unaccepted reply come back.
  const before = a.submits.filter((x) => x.pdu.destination_addr === NUM_Q).length;
  acceptQ = true;
  d = h.numvertd(conf, dir);
  ok(await h.until(() => a.binds.length >= 2 && a.binds[1].session), 'numvertd binds again after the restart');
  const s2 = a.binds[1].session;
  ok(await h.until(() => a.submits.filter((x) => x.pdu.destination_addr === NUM_Q).length > before, 10000),
    'the reply still queued in the outbox is sent again after the restart');
  is(await h.deliver(s2, part(0x4d, 2, 2, SECRET_B2)), 0, 'second part, after the restart');
  ok(await h.until(() => a.submits.some((x) => x.pdu.destination_addr === NUM_B)), 'the completed SMS is answered');

  // An online backup: the keys are not in it.
  const bak = path.join(dir, 'backup.db');
  const b = spawnSync(tool('numvert'), ['-c', path.join(dir, 'numvertd.conf'), 'backup', bak], { encoding: 'utf8' });
  is(b.status, 0, 'numvert backup while numvertd runs', b.stderr);
  found = holds([bak], keyBytes(keys).concat(nums));
  ok(fs.existsSync(bak) && found.length === 0, 'the backup holds no key and no phone number', found.join('\n'));
  const b2 = spawnSync(tool('numvert'), ['-c', path.join(dir, 'numvertd.conf'), 'backup', bak], { encoding: 'utf8' });
  ok(b2.status === 1 && /exists/.test(b2.stderr), 'a backup does not overwrite a file', b2.stderr);

  // A second numvertd on the same database is refused.
  const d2 = h.numvertd(conf, dir);
  const r2 = await d2.exited;
  is(r2.code, 1, 'a second numvertd on the same database exits 1');
  ok(d2.lines.some((l) => /event=start_failed .*locked/.test(l)), 'and says the database is in use');
  await h.sleep(300);
  await h.stopClean(d);
  ok(d.lines.some((l) => /event=store_stats /.test(l)), 'store_stats logged at shutdown');

  // What was written, opened with the keys.
  const out = dump(db, keys);
  is(out.status, 0, 'every narrative opens with the key file', out.stderr);
  const reports = out.stdout.split('\n').filter((l) => l.startsWith('report '));
  is(reports.length, 4, 'four reports: A, B, Q and R once', out.stdout);
  ok(reports.some((l) => l.endsWith(` sms 0 ${SECRET_A}`)), 'A as sent');
  ok(reports.some((l) => l.endsWith(` sms 0 ${SECRET_B1}${SECRET_B2}`)), 'B whole (a part written before the crash, one after)');
  is(reports.filter((l) => /R-report/.test(l)).length, 1, 'the retransmission made no second report');
  ok(/outbox queued 0/.test(out.stdout) && /outbox failed 0/.test(out.stdout) && /outbox done 4/.test(out.stdout),
    'every reply done, none queued or failed', out.stdout);
  is(a.submits.filter((x) => x.pdu.destination_addr === NUM_R).length, 1, 'one reply to the retransmitted SMS');

  // The restored backup opens with the same keys.
  const rs = spawnSync(tool('numvert'), ['-c', path.join(dir, 'numvertd.conf'), 'restore', bak], { encoding: 'utf8' });
  is(rs.status, 0, 'numvert restore with numvertd stopped', rs.stderr);
  const out2 = dump(db, keys);
  ok(out2.status === 0 && out2.stdout.split('\n').filter((l) => l.startsWith('report ')).length >= 3,
    'the restored database opens with the keys', out2.stdout + out2.stderr);

  // Refusals at start.
  fs.chmodSync(keys, 0o644);
  let d3 = h.numvertd(conf, dir);
  let r3 = await d3.exited;
  ok(r3.code === 2 && d3.lines.some((l) => /start_failed .*numvert\.keys/.test(l)), 'a key file others can read: exit 2, named',
    d3.lines.join('\n'));
  fs.chmodSync(keys, 0o600);
  fs.renameSync(keys, `${keys}.away`);
  d3 = h.numvertd(conf, dir);
  r3 = await d3.exited;
  ok(r3.code === 2 && !fs.existsSync(keys), 'a database without its key file: exit 2, no new keys made', d3.lines.join('\n'));

  const all = [d, d2, d3].flatMap((x) => x.lines);
  ok(!all.some((l) => /2237000004\d/.test(l)), 'no phone number in any log');
}, 120);
