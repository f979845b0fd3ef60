#!/usr/bin/env node
// A database that cannot be written (here: numvertd's file size limit
// lowered to 1 octet with prlimit while it runs, so every write to the
// database fails as on a full disk) gives a clear log line and temporary
// errors to the carrier, loses nothing, and recovers without a restart
// when the writes work again.
'use strict';
const path = require('path');
const { spawnSync } = require('child_process');
const h = require('./lib/harness');
const { ok, is } = h;

const prlimit = (pid, v) => spawnSync('prlimit', ['--pid', String(pid), `--fsize=${v}:unlimited`], { encoding: 'utf8' });

h.run('disk full', async () => {
  const dir = h.tmpdir();
  const a = await h.nodeSmsc();
  const d = h.numvertd(h.clientConf([{ name: 'orange', port: a.port, short_codes: '36123' }]), dir);
  ok(await d.waitFor((e) => e.event === 'link_up'), 'link up');
  const s = a.binds[0].session;
  const mo = (n, text) => h.deliver(s, { source_addr: `2237000005${n}`, destination_addr: '36123', short_message: text });

  is(await mo(1, 'avant'), 0, 'an SMS is stored and acknowledged');
  ok(await h.until(() => a.submits.length === 1), 'and answered');

  const r = prlimit(d.child.pid, 1);
  is(r.status, 0, 'file size limit of numvertd lowered to 1 octet', r.stderr);
  is(await mo(2, 'pendant'), 0x64, 'an SMS that cannot be written: ESME_RX_T_APPN (the carrier keeps it)');
  const fail = await d.waitFor((e) => e.event === 'db_commit_failed' || e.event === 'db_job_failed');
  ok(fail && fail.temporary === '1', 'logged as a temporary database failure', JSON.stringify(fail));
  h.diag(d.lines.find((l) => /db_(commit|job)_failed/.test(l)));
  is(await mo(3, 'pendant encore'), 0x64, 'and the next one too');
  await h.sleep(200);
  is(a.submits.length, 1, 'no reply for what was not stored');
  ok(d.code === undefined, 'numvertd still runs');

  is(prlimit(d.child.pid, 'unlimited').status, 0, 'the limit lifted');
  is(await mo(2, 'pendant'), 0, 'the carrier retries: stored and acknowledged');
  is(await mo(3, 'pendant encore'), 0, 'and the other one');
  ok(await d.waitFor((e) => e.event === 'db_recovered'), 'db_recovered logged, no restart');
  ok(await h.until(() => a.submits.length === 3), 'both answered');
  await h.stopClean(d);

  const out = spawnSync(path.join(h.BUILD, 'tools/nvdump'), [path.join(dir, 'numvert.db'), path.join(dir, 'numvert.keys')],
    { encoding: 'utf8' });
  const texts = out.stdout.split('\n').filter((l) => l.startsWith('report ')).map((l) => l.split(' ').slice(4).join(' '));
  is(texts.join('|'), 'avant|pendant|pendant encore', 'three reports, each once', out.stdout + out.stderr);
  ok(/outbox done 3/.test(out.stdout), 'three replies done');
});
