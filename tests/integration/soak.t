#!/usr/bin/env node
// The soak of the menus: numvert-smsc keeps 10,000 USSD dialogues open at
// once against numvertd, each walking the menus down to the free-text
// screen (language, category, weapon, count, who, region, cercle,
// commune, a typed sentence) before the subscriber hangs up. Every
// dialogue must get every screen, numvertd must end every session
// (dialog_stats open=0 at exit) and, in the ASan build that `make check`
// also runs, LeakSanitizer must find nothing left behind.
'use strict';
const fs = require('fs');
const path = require('path');
const h = require('./lib/harness');
const { ok, is } = h;

const N = 10000;
const ANSWERS = '1,1,1,1,1,7,2,1,deux hommes au marche';

h.run('soak: 10,000 concurrent USSD sessions', async () => {
  const dir = h.tmpdir();
  const pf = path.join(dir, 'port');
  const load = h.smsc(['load', '--kind', 'ussd', '--dialect', 'user_message_reference', '--count', String(N),
    '--concurrency', String(N), '--answers', ANSWERS, '--listen', '127.0.0.1:0', '--port-file', pf,
    '--idle-timeout', `${30 * h.SLOW}s`, '--json']);
  ok(await h.until(() => fs.existsSync(pf) && fs.readFileSync(pf, 'utf8').trim() !== ''), 'load generator listening');
  const port = Number(fs.readFileSync(pf, 'utf8').trim());
  const d = h.numvertd(h.clientConf([{ name: 'sim', port, ussd_profile: 'user_message_reference' }])
    .replace('log_level = debug', 'log_level = info'), dir);
  const r = await Promise.race([load.exited, h.sleep(240000 * h.SLOW).then(() => ({ code: 'timeout' }))]);
  is(r.code, 0, 'the load generator finished', load.out.join('\n'));
  let res = {};
  try { res = JSON.parse(load.out.join('\n')); } catch (e) { h.diag(load.out.join('\n')); }
  const u = res.ussd || {};
  is(u.completed, N, `${N} dialogues completed every step`, JSON.stringify(u));
  is(u.open_max, N, `${N} open at once`);
  is((u.errors || 0) + (u.protocol_errors || 0), 0, 'no wrong screen');
  h.diag(`steps ${u.steps}, ${Math.round(u.steps_per_s)} steps/s, step p99 ${u.step_latency_us && u.step_latency_us.p99} us ` +
    `(${path.basename(h.BUILD)} build; a measure, not a test: make bench)`);
  await h.stopClean(d);
  const st = d.find((e) => e.event === 'dialog_stats')[0] || {};
  is(st.open, '0', 'every session ended', JSON.stringify(st));
  is(st.begun, String(N), 'one session per dialogue');
  is(st.dropped, String(N), 'each dropped at the hang-up (no IED or attack partial)');
}, 300);
