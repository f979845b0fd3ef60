#!/usr/bin/env node
// The outbox's retries survive a crash: a reply the carrier refuses with a
// temporary error (ESME_RSYSERR) has its attempts and its next attempt
// written to its row; after SIGKILL and a restart it is sent no earlier
// than that next attempt, and its attempts count on from where they were
// (so NV_MT_ATTEMPTS_MAX holds across restarts). A reply refused for good
// (ESME_RINVDSTADR) is failed at once and records why.
'use strict';
const path = require('path');
const { spawnSync } = require('child_process');
const h = require('./lib/harness');
const { ok, is } = h;

const NUM_T = '22370000051';	// its reply meets temporary errors
const NUM_P = '22370000052';	// its reply is refused for good

// The queued rows and counts as nvdump reads them, while numvertd runs or not.
function dump(dir) {
  const out = spawnSync(path.join(h.BUILD, 'tools/nvdump'), [path.join(dir, 'numvert.db'), path.join(dir, 'numvert.keys')],
    { encoding: 'utf8' });
  const r = { mt: [], outbox: {}, text: out.stdout + out.stderr };
  for (const l of out.stdout.split('\n')) {
    let m;
    if ((m = /^mt (\d+) queued attempts=(\d+) next_attempt=(\d+) status=0x([0-9a-f]+)$/.exec(l)))
      r.mt.push({ id: Number(m[1]), attempts: Number(m[2]), next: Number(m[3]), status: parseInt(m[4], 16) });
    else if ((m = /^outbox (\w+) (\d+)$/.exec(l)))
      r.outbox[m[1]] = Number(m[2]);
  }
  return r;
}

h.run('outbox retries across a crash', async () => {
  const dir = h.tmpdir();
  let failing = true;
  const a = await h.nodeSmsc({
    submit: (s, p) => {
      if (p.destination_addr === NUM_P) return { command_status: 0x0b };
      return failing ? { command_status: 0x08 } : { message_id: 'OK1' };
    },
  });
  const conf = h.clientConf([{ name: 'orange', port: a.port, short_codes: '36123' }]);
  let d = h.numvertd(conf, dir);
  ok(await d.waitFor((e) => e.event === 'link_up'), 'link up');
  const replies = (num) => a.submits.filter((x) => x.pdu.destination_addr === num);

  is(await h.deliver(a.binds[0].session, { source_addr: NUM_T, destination_addr: '36123', short_message: 'T-report' }), 0,
    'SMS acknowledged');
  ok(await h.until(() => replies(NUM_T).length >= 2, 10000), 'its reply refused twice with ESME_RSYSERR (retried after 1 s)');
  ok(await d.waitFor((e) => e.event === 'mt_retry' && e.attempt === '2'), 'mt_retry attempt=2 logged');
  let r;
  ok(await h.until(() => (r = dump(dir)).mt.length === 1 && r.mt[0].attempts === 2, 5000),
    'the row records attempts=2 while numvertd runs', r && r.text);
  const row = r.mt[0];
  is(row.status, 0x08, 'and the last status (ESME_RSYSERR)');
  ok(row.next * 1000 > replies(NUM_T)[1].at, 'and a next attempt after the last refusal');

  d.kill();
  await d.exited;
  is(d.signal, 'SIGKILL', 'numvertd killed with SIGKILL before the next attempt');
  const before = replies(NUM_T).length;
  d = h.numvertd(conf, dir);
  ok(await h.until(() => replies(NUM_T).length > before, 10000), 'the reply is sent again after the restart');
  const again = replies(NUM_T)[before].at;
  ok(again >= row.next * 1000, `not before its next attempt (${again - row.next * 1000} ms after it)`);
  ok(await d.waitFor((e) => e.event === 'mt_retry' && e.attempt === '3'),
    'the refusal after the restart is attempt 3: the count went on');
  ok(await h.until(() => (r = dump(dir)).mt.length === 1 && r.mt[0].attempts === 3, 5000), 'the row records attempts=3',
    r && r.text);

  failing = false;
  ok(await h.until(() => replies(NUM_T).length > before + 1, 15000), 'sent again after 2 s');
  ok(await h.until(() => (r = dump(dir)).outbox.done === 1 && r.outbox.queued === 0, 5000), 'accepted: the row is done',
    r && r.text);

  is(await h.deliver(a.binds[1].session, { source_addr: NUM_P, destination_addr: '36123', short_message: 'P-report' }), 0,
    'another SMS acknowledged');
  ok(await d.waitFor((e) => e.event === 'outbox_failed' && e.why === 'refused' && e.status === '0xb'),
    'its reply refused for good (ESME_RINVDSTADR): outbox_failed why=refused');
  is(replies(NUM_P).length, 1, 'and not retried');
  await h.stopClean(d);
  r = dump(dir);
  ok(r.outbox.done === 1 && r.outbox.failed === 1 && r.outbox.queued === 0, 'one done, one failed, none queued', r.text);
  ok(!d.lines.some((l) => /2237000005\d/.test(l)), 'no phone number in the log');
}, 90);
