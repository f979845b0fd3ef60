#!/usr/bin/env node
// numvertd in server mode: carriers' USSD gateways or aggregators bind to
// it. The npm smpp package plays the ESME; raw sockets play hostile peers.
'use strict';
const net = require('net');
const h = require('./lib/harness');
const { ok, is } = h;

function serverConf(links) {
  return `[numvertd]\nlog_level = debug\nstats_interval = 0\nshutdown_grace = 2s\n\n` + links.map((l) => {
    const o = { mode: 'server', listen: '127.0.0.1:0', system_id: 'agg', password: 'secret12', response_timeout: '2s', ...l };
    const name = o.name; delete o.name;
    return `[link ${name}]\n` + Object.entries(o).map(([k, v]) => `${k} = ${v}`).join('\n') + '\n';
  }).join('\n');
}

// Binds with node-smpp (interface_version 0x50 by default, as it ships).
function esme(port, bind = 'bind_transceiver', creds = {}) {
  return new Promise((resolve) => {
    const s = h.smpp.connect({ url: `smpp://127.0.0.1:${port}`, auto_enquire_link_period: 0 });
    const st = { s, delivers: [], closed: false };
    s.on('error', () => {});
    s.on('close', () => { st.closed = true; });
    s.on('deliver_sm', (p) => { st.delivers.push(p); s.send(p.response()); });
    s.on('connect', () => s[bind]({ system_id: 'agg', password: 'secret12', ...creds }, (r) => { st.bind = r; resolve(st); }));
  });
}
const submit = (st, f) => new Promise((r) => st.s.submit_sm({ data_coding: 0, ...f }, (p) => r(p)));

// A raw TCP peer: sends bytes, collects whole PDUs' headers.
function raw(port) {
  return new Promise((resolve) => {
    const st = { pdus: [], closed: false, buf: Buffer.alloc(0) };
    st.c = net.connect(port, '127.0.0.1', () => resolve(st));
    st.c.on('error', () => {});
    st.c.on('close', () => { st.closed = true; });
    st.c.on('data', (d) => {
      st.buf = Buffer.concat([st.buf, d]);
      while (st.buf.length >= 16 && st.buf.length >= st.buf.readUInt32BE(0)) {
        const len = st.buf.readUInt32BE(0);
        st.pdus.push({ len, id: st.buf.readUInt32BE(4), status: st.buf.readUInt32BE(8), seq: st.buf.readUInt32BE(12), body: st.buf.subarray(16, len) });
        st.buf = st.buf.subarray(len);
      }
    });
  });
}
function pdu(id, seq, body = Buffer.alloc(0), len) {
  const b = Buffer.alloc(16);
  b.writeUInt32BE(len !== undefined ? len : 16 + body.length, 0);
  b.writeUInt32BE(id, 4); b.writeUInt32BE(0, 8); b.writeUInt32BE(seq, 12);
  return Buffer.concat([b, body]);
}
const cstr = (s) => Buffer.from(s + '\0', 'latin1');
function bindBody() { return Buffer.concat([cstr('agg'), cstr('secret12'), cstr(''), Buffer.from([0x34, 0, 0]), cstr('')]); }
function submitBody(tlvs) {
  return Buffer.concat([cstr(''), Buffer.from([1, 1]), cstr('22370000051'), Buffer.from([0, 0]), cstr('36123'),
    Buffer.from([0, 0, 0]), cstr(''), cstr(''), Buffer.from([0, 0, 0, 0, 2]), Buffer.from('hi'), tlvs]);
}

h.run('server mode', async () => {
  const d = h.numvertd(serverConf([
    { name: 'agg', max_binds: 3, bind_timeout: '700ms', ussd_profile: 'user_message_reference' },
    { name: 'fenced', allow: '127.0.0.2/32', system_id: 'fenced' },
  ]));
  const l1 = await d.waitFor((e) => e.event === 'listening');
  ok(l1, 'numvertd listens');
  const port = Number(l1.port);
  const l2 = await d.waitFor((e) => e.event === 'listening' && Number(e.port) !== port);
  const fport = Number(l2 && l2.port);

  // A node-smpp ESME, binding as SMPP 5.0 (0x50), is accepted.
  const e1 = await esme(port);
  is(e1.bind.command_status, 0, 'bind_transceiver (interface_version 0x50) accepted');
  is(e1.bind.sc_interface_version, 0x34, 'bind_resp tells the peer we speak SMPP 3.4');

  // An SMS MO as submit_sm: answered with a message_id and a deliver_sm reply.
  const r1 = await submit(e1, { source_addr: '22370000051', destination_addr: '36123', short_message: 'ARME Gao' });
  is(r1.command_status, 0, 'MO submit_sm answered ESME_ROK');
  ok(r1.message_id && r1.message_id.length > 0, 'submit_sm_resp carries a message_id');
  ok(await h.until(() => e1.delivers.length >= 1), 'reply arrives as deliver_sm');
  is(e1.delivers[0] && e1.delivers[0].destination_addr, '22370000051', 'reply goes to the subscriber');

  // USSD in the user_message_reference dialect.
  const r2 = await submit(e1, { service_type: 'USSD', source_addr: '22370000052', destination_addr: '384', short_message: '*384#',
    ussd_service_op: 1, user_message_reference: 0x3039 });
  is(r2.command_status, 0, 'USSD begin answered ESME_ROK');
  ok(await h.until(() => e1.delivers.length >= 2), 'USSD reply arrives');
  const u = e1.delivers[1] || {};
  is(u.ussd_service_op, 0x02, 'USSD screen op 0x02 (the language screen: the dialogue goes on)');
  is(u.user_message_reference, 0x3039, 'user_message_reference echoed');
  is(u.its_session_info, undefined, 'no its_session_info in this dialect');
  const r3 = await submit(e1, { service_type: 'USSD', source_addr: '22370000052', destination_addr: '384', short_message: '0',
    ussd_service_op: 0x12, user_message_reference: 0x3039 });
  is(r3.command_status, 0, 'USSD answer "0" answered ESME_ROK');
  ok(await h.until(() => e1.delivers.length >= 3), 'the final screen arrives');
  is((e1.delivers[2] || {}).ussd_service_op, 0x11, 'USSD final op 0x11');
  is((e1.delivers[2] || {}).user_message_reference, 0x3039, 'user_message_reference echoed on the final screen');

  // A receiver-only bind may not submit.
  const rx = await esme(port, 'bind_receiver');
  is(rx.bind.command_status, 0, 'second bind (receiver) accepted');
  is((await submit(rx, { source_addr: '22370000053', destination_addr: '36123', short_message: 'x' })).command_status, 0x04,
    'submit_sm on a receiver bind refused ESME_RINVBNDSTS');

  // Refusals: password, system_id, max_binds, allowlist.
  const bad = await esme(port, 'bind_transceiver', { password: 'wrong' });
  is(bad.bind.command_status, 0x0e, 'wrong password refused ESME_RINVPASWD');
  ok(await h.until(() => bad.closed), 'connection closed after a refused bind');
  is((await esme(port, 'bind_transceiver', { system_id: 'nobody' })).bind.command_status, 0x0f, 'unknown system_id refused ESME_RINVSYSID');
  const e3 = await esme(port);
  is(e3.bind.command_status, 0, 'third bind accepted (max_binds 3)');
  is((await esme(port)).bind.command_status, 0x0d, 'fourth bind refused ESME_RBINDFAIL');
  ok(await d.waitFor((e) => e.event === 'bind_refused' && e.status === 'ESME_RINVPASWD'), 'refused bind logged');
  ok(!d.lines.some((l) => /wrong|secret12/.test(l)), 'no password in the log');
  const f = await raw(fport);
  ok(await h.until(() => f.closed, 2000), 'connection from outside the allowlist closed at once');
  ok(await d.waitFor((e) => e.event === 'connection_refused' && e.why === 'not_in_allowlist'), 'allowlist refusal logged');

  // Hostile bytes on a bound raw connection.
  e3.s.close();
  ok(await d.waitFor((e) => e.event === 'disconnected' && e.link === 'agg' && e.why === 'peer_closed'), 'closed bind noticed');
  const r = await raw(port);
  r.c.write(pdu(0x00000009, 1, bindBody()));
  ok(await h.until(() => r.pdus.length >= 1), 'raw bind answered');
  is(r.pdus[0] && r.pdus[0].status, 0, 'raw bind accepted');
  r.c.write(pdu(0x000001ff, 7));
  ok(await h.until(() => r.pdus.length >= 2), 'unknown command answered');
  is(r.pdus[1] && r.pdus[1].id, 0x80000000, 'unknown command_id gets generic_nack');
  is(r.pdus[1] && r.pdus[1].status, 0x03, 'generic_nack carries ESME_RINVCMDID');
  is(r.pdus[1] && r.pdus[1].seq, 7, 'generic_nack echoes the sequence number');
  const tlv66 = Buffer.concat(Array.from({ length: 66 }, (_, i) => Buffer.from([0x02, 0x04, 0, 2, 0, i])));
  r.c.write(pdu(0x00000004, 8, submitBody(tlv66)));
  ok(await h.until(() => r.pdus.length >= 3), '66-TLV submit_sm answered');
  is(r.pdus[2] && r.pdus[2].id, 0x80000004, 'it gets a submit_sm_resp');
  is(r.pdus[2] && r.pdus[2].status, 0xc0, 'with ESME_RINVOPTPARSTREAM');
  r.c.write(pdu(0x00000015, 9));
  ok(await h.until(() => r.pdus.length >= 4), 'connection still serves enquire_link');
  r.c.write(pdu(0x00000015, 10, Buffer.alloc(0), 0x80000000));
  ok(await h.until(() => r.closed, 3000), 'command_length 2^31 closes the connection');
  is(r.pdus[4] && r.pdus[4].status, 0x02, 'after a generic_nack ESME_RINVCMDLEN');
  ok(await d.waitFor((e) => e.event === 'framing_error'), 'framing error logged');

  // A socket that never binds is closed after bind_timeout.
  const idle = await raw(port);
  ok(await h.until(() => idle.closed, 3000), 'silent connection closed after bind_timeout');

  // The first ESME still works after all that.
  is((await submit(e1, { source_addr: '22370000054', destination_addr: '36123', short_message: 'still' })).command_status, 0,
    'first bind unaffected by the others');

  await h.stopClean(d);
  ok(!d.lines.some((l) => /223700000\d\d/.test(l)), 'no phone number in the log');
});
