#!/usr/bin/env node
// numvertd in client mode when the carrier misbehaves (the npm smpp
// package as the SMSC): the connection drops, the SMSC stops answering,
// enquire_link goes unanswered, the SMSC throttles, a bind is refused.
// Every MO's reply must still arrive: nothing is dropped.
'use strict';
const h = require('./lib/harness');
const { ok, is } = h;

async function boundSession(st, n) {
  ok(await h.until(() => st.binds.length >= n, 5000), `bind #${n} arrives`);
  return st.binds[n - 1] && st.binds[n - 1].session;
}

h.run('resilience', async () => {
  // --- link drop and reconnect -------------------------------------------
  const drop = await h.nodeSmsc();
  // --- silent SMSC: accepts the bind, then never answers submit_sm -------
  let silent = true;
  const mute = await h.nodeSmsc({ submit: () => (silent ? null : { message_id: 'X' }) });
  // --- enquire_link unanswered ------------------------------------------
  let deaf = true;
  const noel = await h.nodeSmsc({ silentEnquire: () => deaf });
  // --- throttling: the first 6 submit_sm are refused with ESME_RTHROTTLED
  let throttles = 0;
  const thr = await h.nodeSmsc({ submit: () => (throttles++ < 6 ? { command_status: 0x58 } : { message_id: 'T' }) });
  // --- refused password, then accepted -----------------------------------
  let refuse = 2;
  const pw = await h.nodeSmsc({ bind: () => (refuse-- > 0 ? 0x0e : 0) });
  // --- a contract of 20 messages per second -------------------------------
  const rate = await h.nodeSmsc();

  const d = h.numvertd(h.clientConf([
    { name: 'drop', port: drop.port },
    { name: 'mute', port: mute.port, response_timeout: '300ms' },
    { name: 'noel', port: noel.port, enquire_link_interval: '1s', response_timeout: '500ms' },
    { name: 'thr', port: thr.port, throttle_backoff: '100ms' },
    { name: 'pw', port: pw.port, reconnect_min: '50ms', reconnect_max: '1s' },
    { name: 'rate', port: rate.port, throughput: 20, window: 10 },
  ]));

  // Drop: the SMSC kills the TCP connection; numvertd must rebind, and an
  // MO delivered just before the drop still gets its reply.
  let s = await boundSession(drop, 1);
  is(await h.deliver(s, { source_addr: '22370000021', destination_addr: '36123', short_message: 'a' }), 0, 'drop: MO acknowledged');
  ok(await h.until(() => drop.submits.length >= 1), 'drop: reply before the drop');
  s.destroy();
  s = await boundSession(drop, 2);
  ok(await d.waitFor((e) => e.event === 'reconnect_scheduled' && e.link === 'drop'), 'drop: reconnect scheduled with a delay');
  is(await h.deliver(s, { source_addr: '22370000022', destination_addr: '36123', short_message: 'b' }), 0, 'drop: MO on the new bind acknowledged');
  ok(await h.until(() => drop.submits.length >= 2), 'drop: reply on the new bind');

  // Mute: three response timeouts drop the connection; the replies are
  // requeued and delivered once the SMSC answers again.
  s = await boundSession(mute, 1);
  for (let i = 0; i < 3; i++)
    await h.deliver(s, { source_addr: `2237000003${i}`, destination_addr: '36123', short_message: `m${i}` });
  ok(await d.waitFor((e) => e.event === 'response_timeout' && e.link === 'mute'), 'mute: response timeouts logged');
  ok(await d.waitFor((e) => e.event === 'disconnected' && e.link === 'mute' && e.why === 'peer_not_answering', 5000),
    'mute: connection dropped as peer_not_answering');
  silent = false;
  ok(await h.until(() => mute.binds.length >= 2), 'mute: rebinds');
  const answered = () => new Set(mute.submits.filter((x) => x.session === mute.binds[mute.binds.length - 1].session)
    .map((x) => x.pdu.destination_addr));
  ok(await h.until(() => answered().size === 3, 8000), 'mute: all three replies delivered after the rebind', [...answered()]);

  // No enquire_link answer: the link is declared dead and rebinds.
  await boundSession(noel, 1);
  ok(await d.waitFor((e) => e.event === 'disconnected' && e.link === 'noel' && e.why === 'peer_not_answering', 5000),
    'enquire_link unanswered: connection dropped');
  deaf = false;
  ok(await h.until(() => noel.binds.length >= 2), 'enquire_link unanswered: rebinds');

  // Throttling: the link pauses and retries; every reply arrives once accepted.
  s = await boundSession(thr, 1);
  for (let i = 0; i < 4; i++)
    is(await h.deliver(s, { source_addr: `2237000004${i}`, destination_addr: '36123', short_message: `t${i}` }), 0, `throttle: MO ${i} acknowledged`);
  ok(await d.waitFor((e) => e.event === 'throttled' && e.link === 'thr'), 'throttle: link pauses');
  const accepted = () => new Set(thr.submits.slice(6).map((x) => x.pdu.destination_addr));
  ok(await h.until(() => accepted().size === 4, 8000), 'throttle: all four replies accepted in the end', [...accepted()]);
  ok(!d.find((e) => e.event === 'mt_given_up').length, 'throttle: nothing given up');

  // Refused password: retried after reconnect_max (1s), not at reconnect_min.
  ok(await h.until(() => pw.binds.length >= 3, 5000), 'refused bind: retried until accepted');
  const gap = pw.binds.length >= 2 ? pw.binds[1].at - pw.binds[0].at : 0;
  ok(gap >= 900, `refused bind: next attempt waits reconnect_max (${gap} ms)`);
  ok(await d.waitFor((e) => e.event === 'disconnected' && e.link === 'pw' && e.why === 'bind_rejected'), 'refused bind logged as bind_rejected');
  ok(!d.lines.some((l) => /secret12/.test(l)), 'no password in the log');

  // Throughput: 40 replies at 20/s with a burst of one window (10) take at
  // least (40 - 10) / 20 = 1.5 s; only "not faster" is checked, which a
  // slow machine cannot break.
  s = await boundSession(rate, 1);
  await Promise.all(Array.from({ length: 40 }, (_, i) =>
    h.deliver(s, { source_addr: `223700001${String(i).padStart(2, '0')}`, destination_addr: '36123', short_message: 'r' })));
  ok(await h.until(() => rate.submits.length >= 40, 10000), 'throughput: all 40 replies arrive');
  const span = rate.submits.length >= 40 ? rate.submits[39].at - rate.submits[0].at : 0;
  ok(span >= 1200, `throughput: 40 replies spread over ${span} ms (at least 1,200 ms at 20/s)`);

  await h.stopClean(d);
  ok(!d.lines.some((l) => /223700000\d\d/.test(l)), 'no phone number in the log');
});
