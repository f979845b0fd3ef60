#!/usr/bin/env node
// numvertd in client mode against the npm smpp package acting as the
// carrier's SMSC: binds, SMS and USSD MOs get their replies, receipts and
// aborts get none, transmitter+receiver pairs, enquire_link both ways.
'use strict';
const h = require('./lib/harness');
const { ok, is } = h;

h.run('client mode vs node-smpp', async () => {
  const a = await h.nodeSmsc();
  const b = await h.nodeSmsc();
  const d = h.numvertd(h.clientConf([
    { name: 'orange', port: a.port, short_codes: '36123, *384#' },
    { name: 'moov', port: b.port, bind: 'transmitter+receiver', enquire_link_interval: '1s' },
  ]));
  ok(await h.until(() => a.binds.length >= 1 && b.binds.length >= 2), 'both links bind');
  const trx = a.binds[0];
  is(trx.cmd, 'bind_transceiver', 'orange binds as transceiver');
  is(trx.system_id, 'numvert', 'bind carries the configured system_id');
  is(trx.password, 'secret12', 'bind carries the configured password');
  is(b.binds.map((x) => x.cmd).sort().join(','), 'bind_receiver,bind_transmitter', 'moov binds a transmitter and a receiver');
  ok(await d.waitFor((e) => e.event === 'link_up' && e.link === 'orange'), 'orange logs link_up');

  // An SMS naming a category but no place is answered with the one
  // question missing (the region), then filed with a case code.
  const st = await h.deliver(trx.session, { source_addr: '22370000011', destination_addr: '36123', short_message: 'ARME vu au marche' });
  is(st, 0, 'SMS deliver_sm answered ESME_ROK');
  ok(await h.until(() => a.submits.length >= 1), 'a reply submit_sm arrives');
  const r = a.submits[0].pdu;
  is(r.destination_addr, '22370000011', 'reply goes to the MO source');
  is(r.source_addr, '36123', 'reply comes from the short code');
  ok(/^Dans quelle région\?\n1 Kayes\n/.test(r.short_message.message), 'it asks the region, in French (the keyword\'s language)',
    r.short_message.message);
  is(await h.deliver(trx.session, { source_addr: '22370000011', destination_addr: '36123', short_message: '7' }), 0,
    'the answer answered ESME_ROK');
  ok(await h.until(() => a.submits.length >= 2), 'the final reply arrives');
  ok(/^Merci\. Votre code: \d{9}\. /.test(a.submits[1].pdu.short_message.message), 'with a case code',
    a.submits[1].pdu.short_message.message);

  // A USSD begin gets the language screen in the its_session_info
  // dialect; "0" ends the dialogue with a final screen.
  const st2 = await h.deliver(trx.session, { service_type: 'USSD', source_addr: '22370000012', destination_addr: '384',
    short_message: '*384#', ussd_service_op: 1, its_session_info: Buffer.from([0x2a, 0x00]) });
  is(st2, 0, 'USSD begin answered ESME_ROK');
  ok(await h.until(() => a.submits.length >= 3), 'a USSD screen arrives');
  const u0 = a.submits[2].pdu;
  is(u0.ussd_service_op, 0x02, 'USSD screen op is 0x02 (USSR request, continue)');
  is(Buffer.from(u0.its_session_info).toString('hex'), '2a00', 'its_session_info echoed, end bit clear');
  is(await h.deliver(trx.session, { service_type: 'USSD', source_addr: '22370000012', destination_addr: '384',
    short_message: '0', ussd_service_op: 0x12, its_session_info: Buffer.from([0x2a, 0x02]) }), 0, 'USSD answer answered ESME_ROK');
  ok(await h.until(() => a.submits.length >= 4), 'the final screen arrives');
  const u = a.submits[3].pdu;
  is(u.ussd_service_op, 0x11, 'USSD reply op is 0x11 (PSSR response, end)');
  is(Buffer.from(u.its_session_info).toString('hex'), '2a03', 'its_session_info echoed with the end bit set');
  is(u.service_type, 'USSD', 'service_type USSD kept');

  // An abort (end bit set by the subscriber) and a delivery receipt get no reply.
  is(await h.deliver(trx.session, { service_type: 'USSD', source_addr: '22370000015', destination_addr: '384',
    short_message: '*384#', ussd_service_op: 1, its_session_info: Buffer.from([0x2b, 0x00]) }), 0, 'a second dialogue');
  ok(await h.until(() => a.submits.length >= 5), 'its first screen arrives');
  is(await h.deliver(trx.session, { service_type: 'USSD', source_addr: '22370000015', destination_addr: '384',
    short_message: '', ussd_service_op: 0x12, its_session_info: Buffer.from([0x2b, 0x03]) }), 0, 'USSD release answered ESME_ROK');
  is(await h.deliver(trx.session, { source_addr: '22370000011', destination_addr: '36123', esm_class: 4,
    short_message: 'id:M1 sub:001 dlvrd:001 submit date:2611230000 done date:2611230000 stat:DELIVRD err:000 text:', receipted_message_id: 'M1', message_state: 2 }),
    0, 'delivery receipt answered ESME_ROK');
  await h.sleep(500);
  is(a.submits.length, 5, 'no reply to a release or a receipt');

  // A destination that is none of the link's short codes is refused.
  is(await h.deliver(trx.session, { source_addr: '22370000014', destination_addr: '99999', short_message: 'x' }), 0x0b,
    'MO to a code the link does not serve: ESME_RINVDSTADR');
  await h.sleep(300);
  is(a.submits.length, 5, 'and no reply');
  ok(await d.waitFor((e) => e.event === 'mo_refused' && e.why === 'not_our_code'), 'refusal logged');

  // The TX+RX pair: MO on the receiver, reply on the transmitter.
  const rx = b.binds.find((x) => x.cmd === 'bind_receiver').session;
  const tx = b.binds.find((x) => x.cmd === 'bind_transmitter').session;
  is(await h.deliver(rx, { source_addr: '22370000013', destination_addr: '36123', short_message: 'test' }), 0, 'MO on the receiver bind acknowledged');
  ok(await h.until(() => b.submits.length >= 1), 'reply arrives on moov');
  ok(b.submits[0] && b.submits[0].session === tx, 'reply goes out on the transmitter bind');

  // enquire_link both ways: numvertd answers ours and sends its own when idle.
  const el = await new Promise((res) => trx.session.enquire_link({}, (p) => res(p.command_status)));
  is(el, 0, 'numvertd answers enquire_link');
  ok(await h.until(() => b.enquires >= 2, 4000), 'numvertd sends enquire_link on an idle link (interval 1s)');

  await h.stopClean(d);
  ok(d.find((e) => e.event === 'disconnected' && e.why === 'unbound').length === 3, 'every bind is unbound at shutdown');
  ok(!d.lines.some((l) => /2237000001\d/.test(l)), 'no phone number in the log');
});
