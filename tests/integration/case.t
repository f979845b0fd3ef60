#!/usr/bin/env node
// Case codes end to end (node-smpp as the SMSC, USSD its_session_info):
// a report's code dialled as *384*CODE# shows its status; a mistyped code
// (check digit wrong) says so without counting; well-formed codes of no
// case count, and after case_wrong_per_day of them the sender's
// follow-ups are refused for the day, even with the right code, while
// another sender's are not. An IED dialogue broken off after its region
// is kept as a partial report that the code shown on the region screen
// finds (DESIGN §4: resumable with its case code).
'use strict';
const h = require('./lib/harness');
const { ok, is } = h;

// Verhoeff (routing/casecode.c): the check digit of a string of digits.
const D = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]];
const P = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8]];
const INV = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9];
function check(digits) {
  let c = 0;
  const r = digits.split('').reverse();
  for (let i = 0; i < r.length; i++) c = D[c][P[(i + 1) % 8][Number(r[i])]];
  return String(INV[c]);
}
const valid = (eight) => eight + check(eight);

h.run('case codes: status, typos, the daily lockout', async () => {
  const a = await h.nodeSmsc();
  const d = h.numvertd(h.clientConf([{ name: 'sim', port: a.port }], 'case_wrong_per_day = 3\n'));
  ok(await d.waitFor((e) => e.event === 'link_up'), 'link up');
  const s = a.binds[0].session;
  const to = (num) => a.submits.filter((x) => x.pdu.destination_addr === num).map((x) => x.pdu);
  let id = 0;
  async function dial(num, code) {
    const n = to(num).length;
    id = (id + 1) % 256;
    is(await h.deliver(s, { service_type: 'USSD', source_addr: num, destination_addr: '384', short_message: `*384*${code}#`,
      ussd_service_op: 1, its_session_info: Buffer.from([id, 0]) }), 0, `*384*…# answered ESME_ROK`);
    ok(await h.until(() => to(num).length > n), 'a screen');
    return to(num)[to(num).length - 1];
  }

  // A report by SMS gives a code.
  is(await h.deliver(s, { source_addr: '22370000801', destination_addr: '36123', short_message: 'ARME Ansongo hier' }), 0, 'SMS report');
  ok(await h.until(() => to('22370000801').length >= 1), 'its answer');
  const code = (/code: (\d{9})/.exec(to('22370000801')[0].short_message.message) || [])[1];
  ok(code && check(code.slice(0, 8)) === code[8], 'a 9-digit case code with a Verhoeff check digit', code);

  const W = '22370000802';
  let r = await dial(W, code);
  ok(/^Dossier re.u, pas encore v.rifi.\./.test(r.short_message.message) && r.ussd_service_op === 0x02, 'the right code shows the status',
    r.short_message.message);
  const typo = code.slice(0, 8) + String((Number(code[8]) + 1) % 10);
  for (let i = 0; i < 4; i++) {
    r = await dial(W, typo);
    ok(/^Ce code n'est pas valable/.test(r.short_message.message), `a typo (${i + 1}): "check and retype", not counted`);
  }
  const wrong = ['12345678', '23456789', '34567890'].map(valid).filter((c) => c !== code);
  for (const w of wrong) {
    r = await dial(W, w);
    ok(/Aucun dossier avec ce code/.test(r.short_message.message) || /Trop de codes faux/.test(r.short_message.message),
      'a well-formed code of no case', r.short_message.message);
  }
  ok(/Trop de codes faux/.test(r.short_message.message) && r.ussd_service_op === 0x11, 'the third wrong code locks, final screen');
  r = await dial(W, code);
  ok(/Trop de codes faux/.test(r.short_message.message), 'locked: even the right code is refused today');
  r = await dial('22370000803', code);
  ok(/^Dossier re.u/.test(r.short_message.message), 'another sender is not locked');

  // An IED dialogue broken off after its region: the code shown on the
  // region screen finds the partial report, which takes more words.
  const R = '22370000804';
  const sid = 200;
  let sq = 0;
  async function step(op, text) {
    const n = to(R).length;
    is(await h.deliver(s, { service_type: 'USSD', source_addr: R, destination_addr: '384', short_message: text,
      ussd_service_op: op, its_session_info: Buffer.from([sid, (sq++ % 64) << 1]) }), 0, `IED dialogue "${text}"`);
    if (op !== 0x12 || text !== '') ok(await h.until(() => to(R).length > n), 'a screen');
    return to(R)[to(R).length - 1];
  }
  await step(0x01, '*384#');
  await step(0x12, '1');
  await step(0x12, '2');
  r = await step(0x12, '1');
  const early = (/^Votre code: (\d{9})\. Dans quelle r/.exec(r.short_message.message) || [])[1];
  ok(early, 'the IED region screen shows the code before anything is filed', r.short_message.message);
  await step(0x12, '7');
  is(await h.deliver(s, { service_type: 'USSD', source_addr: R, destination_addr: '384', short_message: '',
    ussd_service_op: 0x12, its_session_info: Buffer.from([sid, ((sq++ % 64) << 1) | 1]) }), 0, 'the subscriber hangs up');
  ok(await d.waitFor((e) => e.event === 'report_filed' && e.partial === '1'), 'kept as a partial report');
  r = await dial('22370000805', early);
  ok(/^Dossier re.u, pas encore v.rifi.\./.test(r.short_message.message), 'its code finds it', r.short_message.message);

  await h.stopClean(d);
  ok(!d.lines.some((l) => /2237000080\d|\d{9}/.test(l.replace(/ts=\S+/, ''))), 'no number and no code in the log');
});
