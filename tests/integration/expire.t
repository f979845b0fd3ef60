#!/usr/bin/env node
// An SMS conversation left unanswered ends after sms_conversation_timeout:
// what its sender wrote is filed as a partial report (routed by the
// place the words name, else to national triage), its row goes, and a
// GBV conversation leaves nothing.
'use strict';
const path = require('path');
const { spawnSync } = require('child_process');
const h = require('./lib/harness');
const { ok, is } = h;

h.run('SMS conversations expire into partial reports', async () => {
  const dir = h.tmpdir();
  const a = await h.nodeSmsc();
  const d = h.numvertd(h.clientConf([{ name: 'sim', port: a.port }], 'sms_conversation_timeout = 5s\n'), dir);
  ok(await d.waitFor((e) => e.event === 'link_up'), 'link up');
  const s = a.binds[0].session;
  const sms = (from, text) => h.deliver(s, { source_addr: from, destination_addr: '36123', short_message: text });
  const to = (num) => a.submits.filter((x) => x.pdu.destination_addr === num);

  // A keyword and no place: the region is asked; nobody answers.
  is(await sms('22370000901', 'ARME deux hommes au marche'), 0, 'SMS with a keyword, no place');
  ok(await h.until(() => to('22370000901').length === 1), 'the region question');
  // A GBV conversation left the same way.
  is(await sms('22370000902', 'VBG ma voisine'), 0, 'SMS with the GBV keyword, no place');
  ok(await h.until(() => to('22370000902').length === 1), 'its region question');
  ok(await d.waitFor((e) => e.event === 'report_filed' && e.partial === '1', 12000), 'the first filed as a partial report');
  await h.sleep(1500);
  await h.stopClean(d);

  const out = spawnSync(path.join(h.BUILD, 'tools/nvdump'), [path.join(dir, 'numvert.db'), path.join(dir, 'numvert.keys')],
    { encoding: 'utf8' });
  is(out.status, 0, 'the database opens with the keys', out.stderr);
  const routes = out.stdout.split('\n').filter((l) => l.startsWith('route '));
  is(routes.length, 1, 'one report: the GBV conversation left nothing', routes.join('\n'));
  ok(/ category=arms_seen/.test(routes[0] || '') && / region=- /.test(routes[0] || '') && /queues=national-triage/.test(routes[0] || ''),
    'arms seen, no region, national triage', routes[0]);
  ok(out.stdout.includes('ARME deux hommes au marche'), 'with the words written');
  is(to('22370000901').length, 1, 'and no message sent for it');
});
