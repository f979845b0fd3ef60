#!/usr/bin/env node
// Text on the wire, end to end: concatenated MOs that other SMPP
// implementations wrote (the fixtures' bytes, sent verbatim by a
// node-smpp SMSC) are acknowledged part by part and answered once, in
// any order, with duplicates and missing parts; headers that are wrong
// are refused with the right status; each link reads data_coding its
// own way and writes its replies as configured.
'use strict';
const fs = require('fs');
const path = require('path');
const h = require('./lib/harness');
const { ok, is } = h;

const FX = path.join(h.TOP, 'tests/fixtures/smpp');
const fx = (name) => Buffer.from(fs.readFileSync(path.join(FX, name), 'utf8').trim(), 'hex');

// Sends raw PDUs on a bound node-smpp session; resolves with the statuses
// of their deliver_sm_resp, by sequence number.
function sendRaw(session, bufs) {
  const want = new Map(bufs.map((b) => [b.readUInt32BE(12), null]));
  return new Promise((resolve) => {
    const onResp = (p) => {
      if (!want.has(p.sequence_number)) return;
      want.set(p.sequence_number, p.command_status);
      if ([...want.values()].every((v) => v !== null)) {
        session.removeListener('deliver_sm_resp', onResp);
        resolve(want);
      }
    };
    session.on('deliver_sm_resp', onResp);
    for (const b of bufs) session.socket.write(b);
  });
}

// Puts the SAR TLVs (ref, total, seq) of one part on a fixture PDU.
function withSar(buf, ref, total, seq) {
  const tlv = Buffer.from([0x02, 0x0c, 0, 2, ref >> 8, ref & 255, 0x02, 0x0e, 0, 1, total, 0x02, 0x0f, 0, 1, seq]);
  const out = Buffer.concat([buf, tlv]);
  out.writeUInt32BE(out.length, 0);
  return out;
}

const part = (kind, i) => fx(`nodesmpp-deliver_sm-concat-${kind}-part${i}of3.hex`);

h.run('text on the wire', async () => {
  const a = await h.nodeSmsc();
  const b = await h.nodeSmsc();
  const d = h.numvertd(h.clientConf([
    { name: 'gsm', port: a.port },
    { name: 'latin', port: b.port, dcs0: 'latin1', mt_coding: 'gsm7' },
  ], 'concat_timeout = 1s'));
  ok(await h.until(() => a.binds.length && b.binds.length), 'both links bind');
  const s = a.binds[0].session;
  const replies = () => a.submits.length;

  // UDH 8-bit, GSM-7, parts 3, 1, 2: three acks, one reply.
  let st = await sendRaw(s, [part('udh8-gsm7', 3), part('udh8-gsm7', 1), part('udh8-gsm7', 2)]);
  ok([...st.values()].every((v) => v === 0), 'UDH8 parts out of order: each acknowledged ESME_ROK', [...st]);
  ok(await h.until(() => replies() === 1), 'one reply for the three parts');
  const r = a.submits[0] && a.submits[0].pdu;
  is(r && r.data_coding, 0, 'the reply is GSM-7 (data_coding 0)');
  is(r && r.short_message.message, 'numvert: message bien arrivé. Merci.', 'the reply text, é in GSM-7');
  ok(await d.waitFor((e) => e.event === 'mo' && e.parts === '3' && e.coding === 'gsm7' && e.bad === '0'),
    'logged as one message of three parts, nothing undecodable');

  // UDH 16-bit, UCS-2, parts 2, 3, 1 with part 3 twice.
  st = await sendRaw(s, [part('udh16-ucs2', 2), part('udh16-ucs2', 3), part('udh16-ucs2', 1)]);
  ok([...st.values()].every((v) => v === 0), 'UDH16 UCS-2 parts acknowledged');
  ok(await h.until(() => replies() === 2), 'one reply for the UCS-2 message');
  ok(await d.waitFor((e) => e.event === 'mo' && e.parts === '3' && e.coding === 'ucs2'), 'logged as UCS-2, three parts');

  // SAR, parts 1, 3, 2, then part 2 again with a new sequence number.
  const dup = part('sar-gsm7', 2);
  dup.writeUInt32BE(0x7000, 12);
  st = await sendRaw(s, [part('sar-gsm7', 1), part('sar-gsm7', 3), part('sar-gsm7', 2)]);
  ok([...st.values()].every((v) => v === 0), 'SAR parts acknowledged');
  ok(await h.until(() => replies() === 3), 'one reply for the SAR message');
  st = await sendRaw(s, [dup]);
  is(st.get(0x7000), 0, 'a late duplicate is acknowledged');

  // A missing part: after concat_timeout what arrived is handled, marked.
  // It times out after the late duplicate above, on a later turn of the
  // timer: the timer must be armed again after each expiry.
  // The parts of a new message (reference 0x7b): the same bytes again
  // would be retransmissions of the first one, acknowledged and dropped.
  await h.sleep(300);
  const newRef = (b) => { const c = Buffer.from(b); c[c.indexOf(Buffer.from('0500037a03', 'hex')) + 3] = 0x7b; return c; };
  st = await sendRaw(s, [newRef(part('udh8-gsm7', 1)), newRef(part('udh8-gsm7', 3))]);
  ok([...st.values()].every((v) => v === 0), 'two of three parts acknowledged');
  ok(await d.waitFor((e) => e.event === 'mo_incomplete' && e.parts === '2', 4000), 'after the timeout: mo_incomplete with 2 parts');
  ok(await h.until(() => replies() >= 4), 'the incomplete message is answered, nothing dropped');
  await h.sleep(300);
  is(replies(), 4, 'the late duplicate of a completed message made no report of its own');

  // Wrong headers get their status, no reply.
  const before = replies();
  const mixed = withSar(part('udh8-gsm7', 1), 0x7a, 3, 1);
  mixed.writeUInt32BE(0x7001, 12);
  const badUdh = part('udh8-gsm7', 2);
  badUdh[badUdh.indexOf(Buffer.from('0500037a0302', 'hex'))] = 0xff;	// UDHL past the end
  badUdh.writeUInt32BE(0x7002, 12);
  // SAR with its segment number missing.
  const halfSar = Buffer.concat([part('sar-gsm7', 1).subarray(0, -16),
    Buffer.from([0x02, 0x0c, 0, 2, 0, 9, 0x02, 0x0e, 0, 1, 2])]);
  halfSar.writeUInt32BE(halfSar.length, 0);
  halfSar.writeUInt32BE(0x7003, 12);
  st = await sendRaw(s, [mixed, badUdh, halfSar]);
  is(st.get(0x7001), 0xc1, 'UDH concatenation and SAR together: ESME_ROPTPARNOTALLWD');
  is(st.get(0x7002), 0x43, 'a UDH longer than the message: ESME_RINVESMCLASS');
  is(st.get(0x7003), 0xc3, 'SAR without its segment number: ESME_RMISSINGOPTPARAM');
  await h.sleep(300);
  is(replies(), before, 'no reply to refused parts');

  // The Latin-1 trap: a dc0 = latin1 link reads it; a GSM-7 link flags it.
  const trap = fx('netsmpp-deliver_sm-dc0-latin1-trap.hex');
  await sendRaw(s, [trap]);
  ok(await d.waitFor((e) => e.event === 'mo' && e.link === 'gsm' && e.bad === '6'), 'GSM-7 link: 6 octets above 0x7F flagged');
  await sendRaw(b.binds[0].session, [trap]);
  ok(await d.waitFor((e) => e.event === 'mo' && e.link === 'latin' && e.bad === '0'), 'Latin-1 link: read cleanly');
  ok(await h.until(() => b.submits.length === 1), 'the Latin-1 link answers');
  const lr = b.submits[0] && b.submits[0].pdu;
  is(lr && lr.data_coding, 0, 'its reply has data_coding 0');
  ok(lr && Buffer.from(lr.short_message.message, 'latin1').includes(0xe9) || (lr && /arriv/.test(lr.short_message.message)),
    'and Latin-1 octets (é as 0xE9)');

  await h.stopClean(d);
  ok(!d.lines.some((l) => /2237612345|2236598765/.test(l)), 'no phone number in the log');
});
