#!/usr/bin/env node
// The menus against a foreign SMSC: the npm smpp package plays the carrier
// in the its_session_info dialect (NowSMS / vumi), numvertd binds to it in
// client mode. For every category, in French, the golden transcript of
// tests/integration/golden/fr/CATEGORY.script is replayed by hand: each
// answer goes out as a deliver_sm with service_type USSD, ussd_service_op
// 0x01 (begin) or 0x12 (continue) and its_session_info (octet 1 the
// session, octet 2 the step << 1); each screen numvertd sends back must be
// a submit_sm with ussd_service_op 0x02 (continue) or 0x11 (end), the
// its_session_info echoed (end bit set on the last screen), and the text
// of the golden file.
'use strict';
const path = require('path');
const h = require('./lib/harness');
const golden = require('./lib/golden');
const { ok, is } = h;

// The MTs to one number, in order of arrival.
function inbox(smsc) {
  const seen = new Map();
  return (to) => {
    const from = seen.get(to) || 0;
    const list = smsc.submits.filter((s) => s.pdu.destination_addr === to);
    return { list, from, take() { seen.set(to, from + 1); return list[from]; } };
  };
}

function textOf(pdu) {
  const sm = pdu.short_message;
  if (sm && typeof sm === 'object' && 'message' in sm && sm.message !== '') return sm.message;
  const mp = pdu.message_payload;
  if (mp && typeof mp === 'object' && 'message' in mp) return mp.message;
  return typeof sm === 'string' ? sm : '';
}

h.run('golden menus vs node-smpp', async () => {
  const a = await h.nodeSmsc();
  const d = h.numvertd(h.clientConf([{ name: 'nodesmpp', port: a.port, ussd_profile: 'its_session_info' }]).replace('log_level = debug', 'log_level = info'));
  ok(await h.until(() => a.binds.length >= 1), 'numvertd binds to node-smpp');
  const s = a.binds[0].session;
  const box = inbox(a);
  const cats = ['arms_seen', 'arms_cache', 'trafficking', 'manufacture', 'ied', 'attack', 'gbv', 'extremism', 'intercommunity'];
  let sess = 10;
  for (const cat of cats) {
    const g = golden.read(path.join(golden.DIR, 'fr', `${cat}.script`));
    const from = [...g.senders][0];
    const id = sess++;
    let seq = 0, step = 0, bad = [];
    for (let i = 0; i < g.steps.length; i++) {
      const st = g.steps[i];
      if (st.mo === undefined) continue;
      const begin = seq === 0;
      const its = Buffer.from([id, seq << 1]);
      const status = await h.deliver(s, { service_type: 'USSD', source_addr: from, source_addr_ton: 1, source_addr_npi: 1,
        destination_addr: '384', short_message: st.mo, ussd_service_op: begin ? 0x01 : 0x12, its_session_info: its });
      if (status !== 0) bad.push(`step ${step}: deliver_sm answered 0x${status.toString(16)}`);
      const want = g.steps[i + 1];
      const q = box(from);
      if (!await h.until(() => box(from).list.length > q.from, 5000)) {
        bad.push(`step ${step} ("${st.mo}"): no submit_sm`);
        break;
      }
      const mt = box(from).take().pdu;
      const end = want.verdict === 'end';
      if (mt.ussd_service_op !== (end ? 0x11 : 0x02))
        bad.push(`step ${step}: ussd_service_op ${mt.ussd_service_op}, want ${end ? 0x11 : 0x02}`);
      const gotIts = Buffer.from(mt.its_session_info || []).toString('hex');
      const wantIts = Buffer.from([id, (seq << 1) | (end ? 1 : 0)]).toString('hex');
      if (gotIts !== wantIts) bad.push(`step ${step}: its_session_info ${gotIts}, want ${wantIts}`);
      if (mt.service_type !== 'USSD') bad.push(`step ${step}: service_type "${mt.service_type}"`);
      const text = textOf(mt);
      if (golden.matchText(want.text, text) === null)
        bad.push(`step ${step}:\n- ${JSON.stringify(want.text)}\n+ ${JSON.stringify(text)}`);
      seq++;
      step++;
    }
    ok(bad.length === 0, `fr/${cat}: ${step} screens over node-smpp equal the golden transcript`, bad.join('\n'));
  }
  await h.sleep(300);
  const extra = a.submits.filter((x) => !/^2237/.test(x.pdu.destination_addr));
  is(extra.length, 0, 'no submit_sm to anyone else');
  await h.stopClean(d);
  ok(!d.lines.some((l) => /22375\d{6}/.test(l)), 'no phone number in the log');
});
