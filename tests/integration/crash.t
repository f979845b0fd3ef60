#!/usr/bin/env node
// numvertd killed with SIGKILL under load, again and again, on the same
// database and key file, against `numvert-smsc crash`: a carrier that
// retransmits every MO whose response it did not get. After a drain,
// every MO the gateway acknowledged must be in the database exactly
// once (commit before deliver_sm_resp; retransmissions deduplicated),
// no MO twice, every acknowledged MO answered, the outbox empty.
//
//   NV_CRASH_KILLS   kills (default 5; tests/bench/crash runs 30)
//   NV_CRASH_TRAFFIC traffic between kills in ms, "MIN-MAX" (300-1500)
//   NV_CRASH_MIN_ACKS acks each cycle must add before the kill (20)
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const h = require('./lib/harness');
const { ok, is } = h;

const KILLS = Number(process.env.NV_CRASH_KILLS || 5);
const [TMIN, TMAX] = (process.env.NV_CRASH_TRAFFIC || '300-1500').split('-').map(Number);
const MIN_ACKS = Number(process.env.NV_CRASH_MIN_ACKS || 20);
const RUN = `t${process.pid}`;

// Counts the ack log's lines as it grows, reading only what is new.
function lineCounter(f) {
  let off = 0, n = 0;
  const buf = Buffer.alloc(1 << 16);
  return () => {
    if (!fs.existsSync(f)) return 0;
    const fd = fs.openSync(f, 'r');
    for (let r; (r = fs.readSync(fd, buf, 0, buf.length, off)) > 0; off += r)
      for (let i = 0; i < r; i++) n += buf[i] === 10;
    fs.closeSync(fd);
    return n;
  };
}

function readLines(f) {
  if (!fs.existsSync(f)) return [];
  const t = fs.readFileSync(f, 'utf8');
  return t.slice(0, t.lastIndexOf('\n') + 1).split('\n').filter((l) => l !== '');
}

function status(conf) {
  const out = execFileSync(path.join(h.BUILD, 'numvert'), ['-c', conf, 'status'], { cwd: h.TOP, encoding: 'utf8' });
  const o = {};
  for (const l of out.split('\n')) { const m = /^(\w+) (\d+)$/.exec(l); if (m) o[m[1]] = Number(m[2]); }
  return o;
}

// Reports and outbox counts as nvdump reads them.
function dump(dir) {
  const out = execFileSync(path.join(h.BUILD, 'tools/nvdump'), [path.join(dir, 'numvert.db'), path.join(dir, 'numvert.keys')],
    { encoding: 'utf8', maxBuffer: 1 << 30 });
  const r = { reports: new Map(), nreports: 0, outbox: {}, bad: [] };
  for (const l of out.split('\n')) {
    let m;
    if ((m = /^report (\d+) (\S+) (\d+) (.*)$/.exec(l))) {
      r.nreports++;
      r.reports.set(m[4], (r.reports.get(m[4]) || 0) + 1);
    } else if ((m = /^outbox (\w+) (\d+)$/.exec(l))) {
      r.outbox[m[1]] = Number(m[2]);
    } else if (/^route \d+ /.test(l)) {
      // routing of the report above: not what this test checks
    } else if (/^mt \d+ queued /.test(l)) {
      r.nqueued = (r.nqueued || 0) + 1;
    } else if (l !== '') {
      r.bad.push(l);
    }
  }
  return r;
}

// The simulator's result: the last stdout line, one JSON object.
function result(sim) {
  try { return JSON.parse(sim.out[sim.out.length - 1]); } catch (e) { return null; }
}

// Kills numvertd under load `kills` times; returns the live one.
async function killCycles(conf, dir, ack, daemons) {
  const acks = lineCounter(ack);
  let d = daemons[0];
  for (let k = 1; k <= KILLS; k++) {
    const before = acks();
    await h.sleep(TMIN + Math.random() * (TMAX - TMIN));
    await h.until(() => acks() - before >= MIN_ACKS, 5000);
    if (!ok(d.code === undefined && d.signal === undefined, `cycle ${k}: numvertd still running before the kill`,
      d.lines.slice(-20).join('\n')))
      return null;
    d.child.kill('SIGKILL');
    await d.exited;
    d = h.numvertd(conf, dir);
    daemons.push(d);
    const up = await d.waitFor((e) => e.event === 'link_up', 15000);
    if (!ok(up, `cycle ${k}: restarted numvertd binds again (link_up)`, d.lines.slice(-30).join('\n')))
      return null;
  }
  return d;
}

h.run('crash', async () => {
  const dir = h.tmpdir();
  const pf = path.join(dir, 'port');
  const ack = path.join(dir, 'ack.log');
  const sim = h.smsc(['crash', '--listen', '127.0.0.1:0', '--port-file', pf, '--ack-log', ack, '--window', '10',
    '--run-id', RUN, '--retry-delay', '200ms', '--idle-exit', '2s', '--json', '--log-level', 'info']);
  ok(await h.until(() => fs.existsSync(pf) && fs.readFileSync(pf, 'utf8').trim() !== ''), 'simulator listening');
  const port = Number(fs.readFileSync(pf, 'utf8').trim());
  const conf = h.clientConf([{ name: 'sim', port }]).replace('log_level = debug', 'log_level = info');
  const daemons = [h.numvertd(conf, dir)];
  ok(await daemons[0].waitFor((e) => e.event === 'link_up', 15000), 'numvertd binds to the simulator');

  const d = await killCycles(conf, dir, ack, daemons);
  if (d === null) { sim.child.kill('SIGTERM'); return; }

  // Drain: no new MOs; the unacknowledged ones are retransmitted until
  // acknowledged; the simulator exits once no MT came for 2 s.
  sim.child.kill('SIGUSR1');
  const sr = await Promise.race([sim.exited, h.sleep(60000 * h.SLOW).then(() => null)]);
  ok(sr !== null, 'simulator drained and exited', sim.lines.slice(-10).join('\n'));
  if (sr === null) sim.child.kill('SIGTERM');
  const res = result(sim) || {};
  is(sr && sr.code, 0, 'simulator: every MO acknowledged, none refused');
  const confPath = path.join(dir, 'numvertd.conf');
  ok(await h.until(() => status(confPath).outbox_queued === 0, 15000), 'numvertd: outbox empty after the drain');
  await h.stopClean(d);

  const acked = readLines(ack);
  const db = dump(dir);
  const dupAck = acked.length - new Set(acked).size;
  const missing = acked.filter((t) => !db.reports.has(t));
  const twice = [...db.reports].filter(([, n]) => n > 1);
  const mine = new RegExp(`^crash ${RUN}-\\d+$`);
  const foreign = [...db.reports.keys()].filter((t) => !mine.test(t));
  is(db.bad.length, 0, 'nvdump: every narrative opens', db.bad.slice(0, 5).join('\n'));
  is(dupAck, 0, 'ack log: each MO acknowledged once');
  is(acked.length, res.mo_acked, 'ack log holds every acknowledged MO');
  is(missing.length, 0, 'every acknowledged MO is in the database', missing.slice(0, 10).join('\n'));
  is(twice.length, 0, 'no MO is in the database twice', twice.slice(0, 10).map(([t, n]) => `${t} x${n}`).join('\n'));
  is(foreign.length, 0, 'no report that the simulator did not send', foreign.slice(0, 5).join('\n'));
  is(db.nreports, res.mo_sent, 'one report per MO sent (all acknowledged after the drain)');
  ok(res.retransmissions > 0, 'the kills caused retransmissions (the test exercised deduplication)', res);
  is(res.perm_errors, 0, 'no MO refused');
  is(res.acked_without_reply, 0, 'every acknowledged MO got its reply');
  is(res.mts_unmatched, 0, 'no reply to a number that sent nothing');
  // A restart sends again what was sent but not yet marked done: about
  // an MT window per kill, never the whole outbox.
  ok(res.duplicate_replies <= KILLS * 100, 'duplicate replies: at most 100 per kill (rows sent, not yet marked done)',
    res.duplicate_replies);
  is(db.outbox.queued, 0, 'outbox: nothing queued');
  is(db.outbox.failed, 0, 'outbox: nothing failed');
  const san = daemons.flatMap((x) => x.sanitizerReports());
  is(san.length, 0, 'no sanitizer report from any numvertd', san.slice(0, 20).join('\n'));
  ok(daemons.every((x) => !x.lines.some((l) => /2237\d{7}/.test(l))), 'no phone number in any numvertd log');
  const ssan = sim.sanitizerReports();
  is(ssan.length, 0, 'no sanitizer report from the simulator', ssan.slice(0, 20).join('\n'));
  ok(!sim.lines.some((l) => /2237\d{7}/.test(l)), 'no phone number in the simulator log');

  h.diag(`kills=${KILLS} mo_sent=${res.mo_sent} acked=${res.mo_acked} retransmissions=${res.retransmissions} ` +
    `closed=${res.closed} timeouts=${res.timeouts} temp_errors=${res.temp_errors} binds=${res.binds} ` +
    `reports=${db.nreports} duplicates_in_db=${twice.length} missing_in_db=${missing.length} ` +
    `replies=${res.replies} duplicate_replies=${res.duplicate_replies} ` +
    `outbox queued=${db.outbox.queued} done=${db.outbox.done} failed=${db.outbox.failed}`);
}, Number(process.env.NV_CRASH_SECONDS || 30 + KILLS * (TMAX / 1000 + 5)));
