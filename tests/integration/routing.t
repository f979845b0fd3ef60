#!/usr/bin/env node
// Routing and the sender's limits, end to end with node-smpp as the SMSC:
// the region comes from the number dialled (one toll-free number per
// region) or from a place the text names; a report goes to its region's
// queue and no other; the counted-once mark counts a sender once per
// cell; a report over the sender's rate limit is stored, flagged and not
// answered; an urgent report nobody acknowledged is escalated once (log
// line and an SMS to the queue's on-duty officer through the outbox),
// also after a SIGKILL and restart. The routing data here is the shipped
// file with one test rule (SMS reports are urgent) and short delays. The
// texts name no category keyword (ARME, EEI, ...: docs/menus.md), so they
// stay unsorted reports, which the test rule makes urgent.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const h = require('./lib/harness');
const { ok, is } = h;

const NUM_A = '22370000081';
const NUM_B = '22370000082';
const NUM_C = '22370000083';
const NUM_D = '22370000084';
const NUM_E = '22370000085';
const ON_DUTY = '22370000099';

function routingFile(dir) {
  let y = fs.readFileSync(path.join(h.TOP, 'data/routing.yaml'), 'utf8');
  const before = y;
  y = y.replace(/^(\s*)escalate_after: 900$/m, '$1escalate_after: 2');
  y = y.replace(/^(\s*)on_duty: ""$/m, `$1on_duty: "+${ON_DUTY}"`);
  y = y.replace(/^(\s*)- \{region: unknown, queues: \[national-triage\]\}$/m,
    '$1- {category: unsorted, region: unknown, queues: [national-triage]}\n' +
    '$1- {category: unsorted, queues: ["{region}"], urgent: true}\n$&');
  if (y === before) throw new Error('data/routing.yaml changed shape: update routing.t');
  const f = path.join(dir, 'routing.yaml');
  fs.writeFileSync(f, y);
  return f;
}

function routes(dir) {
  const out = spawnSync(path.join(h.BUILD, 'tools/nvdump'), [path.join(dir, 'numvert.db'), path.join(dir, 'numvert.keys')],
    { encoding: 'utf8' });
  return out.stdout.split('\n').filter((l) => l.startsWith('route '));
}

h.run('routing, limits and escalation', async () => {
  const dir = h.tmpdir();
  const a = await h.nodeSmsc();
  const conf = h.clientConf([{ name: 'orange', port: a.port, short_codes: '36123, 80001107, 80001105' }],
    `routing_file = ${routingFile(dir)}\nrate_per_hour = 2\nrate_per_day = 5\n`);
  let d = h.numvertd(conf, dir);
  ok(await d.waitFor((e) => e.event === 'link_up'), 'link up', d.lines.join('\n'));
  const s = a.binds[0].session;
  const to = (num) => a.submits.filter((x) => x.pdu.destination_addr === num);
  const sms = (from, dest, text) => h.deliver(s, { source_addr: from, source_addr_ton: 1, source_addr_npi: 1,
    destination_addr: dest, short_message: text });

  is(await sms(NUM_A, '80001107', 'des hommes suspects au marche'), 0, 'SMS to the Gao number');
  is(await sms(NUM_A, '80001107', 'ils sont encore la'), 0, 'a second one');
  is(await sms(NUM_A, '80001107', 'et encore'), 0, 'a third one, over rate_per_hour = 2: acknowledged all the same');
  is(await sms(NUM_B, '36123', 'vu a Bandiagara hier'), 0, 'SMS to the national number naming Bandiagara');
  is(await sms(NUM_C, '80001105', 'rien de precis'), 0, 'SMS to the Mopti number');
  is(await sms(NUM_E, '80001105', "objet suspect sur l'axe Douentza-Gao"), 0, 'SMS naming a road axis');
  ok(await h.until(() => to(NUM_B).length === 1 && to(NUM_C).length === 1 && to(NUM_E).length === 1 &&
    to(NUM_A).length >= 2), 'replies sent');
  ok(await d.waitFor((e) => e.event === 'rate_limited' && /^p-[a-z2-7]{24}$/.test(e.pseudonym) && e.limit === 'hour'),
    'rate_limited logged with the pseudonym only');
  await h.sleep(300);
  is(to(NUM_A).length, 2, 'the report over the limit got no reply (spend control), the others did');

  // Escalation: nobody acknowledges them within 2 s.
  ok(await d.waitFor((e) => e.event === 'escalation' && /^gao$/.test(e.queues), 8000), 'escalation logged for a Gao report');
  ok(await h.until(() => to(ON_DUTY).length >= 1, 8000), 'the on-duty officer got an SMS');
  ok(/urgent/.test(to(ON_DUTY)[0].pdu.short_message.message), 'saying a report is urgent',
    to(ON_DUTY)[0].pdu.short_message.message);
  await h.sleep(2500);
  const alerts = d.lines.filter((l) => /event=escalation /.test(l)).length;
  is(alerts, 6, 'one alert per urgent report, no more');

  // An urgent report whose daemon dies before its delay is escalated after the restart.
  is(await sms(NUM_D, '80001105', 'encore eux'), 0, 'an urgent report');
  const first = d.lines;
  d.kill();
  await d.exited;
  d = h.numvertd(conf, dir);
  ok(await d.waitFor((e) => e.event === 'escalation_resumed' && e.reports === '1'), 'after SIGKILL: watched again');
  ok(await d.waitFor((e) => e.event === 'escalation', 8000), 'and escalated');
  await h.stopClean(d);

  const r = routes(dir);
  is(r.length, 7, 'seven reports', r.join('\n'));
  const gao = r.filter((l) => / region=gao /.test(l));
  is(gao.length, 3, 'three in Gao (the number dialled)');
  ok(gao.every((l) => / queues=gao urgent=1 /.test(l)), 'queue gao only, urgent (the test rule)', gao.join('\n'));
  is(gao.filter((l) => / counted=1 /.test(l)).length, 1, 'the sender counts once in the cell (Gao, unsorted)');
  is(gao.filter((l) => / flags=over_limit /.test(l)).length, 1, 'the report over the limit is stored, flagged');
  ok(r.some((l) => / region=mopti cercle=mopti\.bandiagara .* queues=mopti /.test(l)), 'Bandiagara (text) -> Mopti', r.join('\n'));
  is(r.filter((l) => / region=mopti cercle=- .* queues=mopti /.test(l)).length, 2, 'the Mopti number -> Mopti');
  ok(r.some((l) => / region=- .* queues=gao,mopti,tombouctou .* axis=axis\.douentza-gao$/.test(l)),
    'the axis -> the queues of the three regions it crosses, the axis stored', r.join('\n'));
  ok(!/2237000008\d|22370000099|70000099/.test(first.concat(d.lines).join('\n')),
    'no number in the log (not even the officer\'s)');
}, 90);
