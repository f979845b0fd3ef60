#!/usr/bin/env node
// SMS conversations (the menus by SMS) under SIGKILL: a dozen senders walk
// the IED path step by step, each step sent again until the carrier gets
// ESME_ROK (as an SMSC retransmits an unacknowledged MO), while numvertd
// is killed with SIGKILL at random moments and restarted. Each sender
// answers the screen it gets, as a person would. Every acknowledged step
// must get its screen (committed with the step, sent from the outbox even
// across a restart), every conversation must end in exactly one report,
// and the conversation must resume where the last committed step left it
// (a lost step would show an earlier screen again). A step committed but
// not acknowledged before a kill is sent again by the SMSC: numvertd must
// recognise it (the first MO after the restart equal to the last step
// written) rather than take it for a second answer. Each kill lands right after an acknowledgement, so
// that a build answering before its commit loses a step and fails.
'use strict';
const path = require('path');
const { spawnSync } = require('child_process');
const h = require('./lib/harness');
const { ok, is } = h;

const N = 100;
const KILLS = 6;
const num = (i) => `2237000${String(400 + i).padStart(4, "0")}`;

// What a person answers to each screen of the IED path (French).
function answer(screen) {
  const rules = [[/^Numero vert ALPC/, '1'], [/^Signalement anonyme/, '2'], [/^N'approchez pas/, '1'],
    [/^Dans quelle région/, '7'], [/^Région de Gao/, '1'], [/^Sur quelle route/, '3'], [/^Quel cercle/, '2'],
    [/^Quelle commune/, '1'], [/^Écrivez/, 'trois engins au bord de la route'], [/^Envoyer le signalement/, '1']];
  for (const [re, a] of rules) if (re.test(screen)) return a;
  return null;
}

function withTimeout(p, ms) { return Promise.race([p, h.sleep(ms).then(() => 'lost')]); }

h.run('SMS conversations survive SIGKILL', async () => {
  const dir = h.tmpdir();
  const a = await h.nodeSmsc();
  const conf = h.clientConf([{ name: 'orange', port: a.port, response_timeout: '1s' }],
    'sms_conversation_timeout = 10m\n');
  let d = h.numvertd(conf, dir);
  ok(await d.waitFor((e) => e.event === 'link_up'), 'link up');
  // The screens a sender got, concatenated SMS joined (UDH 8-bit refs).
  const replies = (i) => {
    const out = [];
    const parts = new Map();
    for (const x of a.submits.filter((y) => y.pdu.destination_addr === num(i))) {
      const m = x.pdu.short_message;
      if (!(x.pdu.esm_class & 0x40) || !m.udh) { out.push(m.message); continue; }
      const u = Buffer.concat(m.udh.map((e) => Buffer.from(e)));
      const ie = u[0] === 0x00 ? { ref: u[2], total: u[3], seq: u[4] } : { ref: u.readUInt16BE(2), total: u[4], seq: u[5] };
      const p = parts.get(ie.ref) || [];
      p[ie.seq - 1] = m.message;
      parts.set(ie.ref, p);
      if (p.filter((z) => z !== undefined).length === ie.total) out.push(p.join(''));
    }
    return out;
  };
  const session = () => a.binds.length > 0 ? a.binds[a.binds.length - 1].session : null;
  const st = Array.from({ length: N }, () => ({ acked: 0, sent: 0, done: false, regressed: 0, extra: 0, retyped: 0 }));
  let kills = 0;
  let stopKilling = false;
  // The kill lands right after an acknowledgement: a build that answered
  // the carrier before its commit would lose that step.
  let armed = null;

  // The carrier: an MO is delivered again until ESME_ROK.
  async function send(i, text) {
    for (let t = 0; t < 400; t++) {
      const s = session();
      st[i].sent++;
      const r = s ? await withTimeout(h.deliver(s, { source_addr: num(i), destination_addr: '36123', short_message: text }), 1500) : 'lost';
      if (r === 0) {
        st[i].acked++;
        if (armed) { const f = armed; armed = null; f(); }
        return true;
      }
      await h.sleep(100);
    }
    return false;
  }

  async function walk(i) {
    const steps = ['Numero vert ALPC', 'Signalement anonyme', "N'approchez", 'Dans quelle région', 'Sur quelle route',
      'Quel cercle', 'Quelle commune', 'Écrivez', 'Envoyer le signalement', 'Code:'];
    // "#" opens: no two consecutive answers of the path are equal, so a
    // step numvertd takes for the SMSC's resending of the previous one
    // (equal text, first after a restart) cannot happen here.
    let text = '#';
    let at = -1;
    for (let n = 0; n < 40; n++) {
      const before = replies(i).length;
      if (!await send(i, text)) return;
      // No screen: a person types the answer again. numvertd may have
      // taken a new answer right after a restart for the SMSC's resending
      // of the last one (equal text): then the second typing goes on.
      let got = await h.until(() => replies(i).length > before, 4000);
      if (!got) {
        st[i].retyped++;
        if (!await send(i, text)) return;
        got = await h.until(() => replies(i).length > before, 20000);
      }
      if (!got) { h.diag(`sender ${i}: no screen after "${text}" (${replies(i).length} screens)`); return; }
      await h.sleep(50);	// a retransmitted step may bring a second screen
      // The invalid prefix, and the case code the IED region screen
      // shows before anything is filed, are not the screen's name.
      const screen = replies(i)[replies(i).length - 1].replace(/^Choix non valable\.\n/, '')
        .replace(/^Votre code: \d{9}\. /, '');
      const k = steps.findIndex((p) => screen.startsWith(p));
      if (k >= 0 && k <= at) {
        st[i].regressed++;
        h.diag(`sender ${i}: after "${text}" screen ${k} (${steps[k]}) again, at ${at}; ` +
          `screens: ${replies(i).map((x) => x.slice(0, 12)).join(' | ')}`);
      }
      if (k > at + 1) st[i].extra++;
      at = Math.max(at, k);
      if (/^Code: \d{9}\. /.test(screen)) { st[i].done = true; return; }
      text = answer(screen);
      if (text === null) { h.diag(`sender ${i}: no answer to ${JSON.stringify(screen)}`); return; }
    }
  }

  async function killer() {
    while (!stopKilling && kills < KILLS) {
      await h.sleep(100 + Math.floor(Math.random() * 250));
      if (stopKilling) break;
      await new Promise((res) => { armed = () => { d.kill(); res(); }; });
      await d.exited;
      kills++;
      const binds = a.binds.length;
      d = h.numvertd(conf, dir);
      await h.until(() => a.binds.length > binds, 10000);
    }
  }

  const k = killer();
  await Promise.all(st.map((_, i) => walk(i)));
  stopKilling = true;
  if (armed) armed();
  await k;
  ok(kills >= KILLS - 3, `numvertd killed during the conversations (${kills} times)`);
  is(st.filter((x) => x.done).length, N, 'every conversation reached its final screen with a case code',
    JSON.stringify(st));
  is(st.reduce((n, x) => n + x.regressed, 0), 0, 'no conversation went back to a screen already passed');
  is(st.reduce((n, x) => n + x.retyped, 0), 0, 'no acknowledged step lost (none had to be typed again)');
  h.diag(`steps acknowledged ${st.reduce((n, x) => n + x.acked, 0)}, MOs sent ${st.reduce((n, x) => n + x.sent, 0)}, ` +
    `screens skipped by a retransmitted step ${st.reduce((n, x) => n + x.extra, 0)}, ` +
    `answers typed again ${st.reduce((n, x) => n + x.retyped, 0)}`);
  await h.sleep(500);
  await h.stopClean(d);

  const out = spawnSync(path.join(h.BUILD, 'tools/nvdump'), [path.join(dir, 'numvert.db'), path.join(dir, 'numvert.keys')],
    { encoding: 'utf8' });
  is(out.status, 0, 'the database opens with the keys', out.stderr);
  const routes = out.stdout.split('\n').filter((l) => l.startsWith('route '));
  is(routes.length, N, 'one report per conversation, none twice', routes.join('\n') + '\n' +
    JSON.stringify(st.map((x, i) => [i, x.acked, x.sent, x.done])));
  // A step the SMSC sends again after a kill is not taken for a second
  // answer ("1" twice would pick Kayes on the region list).
  ok(routes.every((l) => / category=ied/.test(l) && / region=gao /.test(l)), 'each an IED in Gao', routes.join('\n'));
  ok(/outbox queued 0/.test(out.stdout), 'no reply left queued', out.stdout);
  ok(!d.lines.some((l) => /2237000\d{4}/.test(l)), 'no phone number in the log');
}, 240);
