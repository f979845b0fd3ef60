#!/usr/bin/env node
// numvertd against the project's own carrier simulator, numvert-smsc:
// transcripts in every USSD dialect in client mode and in server mode, a
// load run, the simulator's self-test, and the `make run` demo.
'use strict';
const fs = require('fs');
const net = require('net');
const path = require('path');
const { spawnSync } = require('child_process');
const h = require('./lib/harness');
const { ok, is } = h;

const SCRIPTS = path.join(__dirname, 'scripts');

async function portFile(f) {
  ok(await h.until(() => fs.existsSync(f) && fs.readFileSync(f, 'utf8').trim() !== '', 5000), `port written to ${path.basename(f)}`);
  return Number(fs.readFileSync(f, 'utf8').trim());
}

// The script runner as the SMSC, numvertd binding to it.
async function clientTranscript(dialect) {
  const dir = h.tmpdir();
  const pf = path.join(dir, 'port');
  const s = h.smsc(['script', path.join(SCRIPTS, `menu-${dialect}.script`), '--listen', '127.0.0.1:0', '--port-file', pf]);
  const port = await portFile(pf);
  const d = h.numvertd(h.clientConf([{ name: 'sim', port, ussd_profile: dialect }]), dir);
  const r = await Promise.race([s.exited, h.sleep(20000 * h.SLOW).then(() => ({ code: 'timeout' }))]);
  is(r.code, 0, `client mode, ${dialect}: transcript matches`);
  if (r.code !== 0) h.diag(s.out.join('\n'));
  await h.stopClean(d, `numvertd (${dialect})`);
  return d;
}

// Two free consecutive ports (SMPP and phones), below Linux's ephemeral
// range so that no outgoing connection of another test holds one.
function tryListen(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}
async function freePort() {
  for (;;) {
    const p = 20000 + Math.floor(Math.random() * 9000);
    if (await tryListen(p) && await tryListen(p + 1)) return p;
  }
}

h.run('numvert-smsc', async () => {
  const logs = [];
  for (const dl of ['its_session_info', 'user_message_reference', 'sixdee'])
    logs.push(await clientTranscript(dl));

  // Server mode: the simulator binds to numvertd as the ESME.
  const d = h.numvertd(`[numvertd]\nlog_level = debug\nstats_interval = 0\n[link agg]\nmode = server\nlisten = 127.0.0.1:0\n` +
    `system_id = agg\npassword = secret12\nussd_profile = user_message_reference\n`);
  const l = await d.waitFor((e) => e.event === 'listening');
  const s = h.smsc(['script', path.join(SCRIPTS, 'menu-user_message_reference.script'), '--connect', `127.0.0.1:${l.port}`,
    '--esme', '--system-id', 'agg', '--password', 'secret12']);
  const r = await Promise.race([s.exited, h.sleep(20000 * h.SLOW).then(() => ({ code: 'timeout' }))]);
  is(r.code, 0, 'server mode: transcript matches (MO as submit_sm, replies as deliver_sm)');
  if (r.code !== 0) h.diag(s.out.join('\n'));
  await h.stopClean(d, 'numvertd (server)');
  logs.push(d);

  // Load: every MO acknowledged and answered.
  const dir = h.tmpdir();
  const pf = path.join(dir, 'port');
  const n = 3000;
  const ld = h.smsc(['load', '--listen', '127.0.0.1:0', '--port-file', pf, '--count', String(n), '--rate', 'max',
    '--window', '10', '--expect-reply', '--json']);
  const lport = await portFile(pf);
  const d2 = h.numvertd(h.clientConf([{ name: 'load', port: lport }]).replace('log_level = debug', 'log_level = info'), dir);
  await Promise.race([ld.exited, h.sleep(30000 * h.SLOW)]);
  let res = {};
  try { res = JSON.parse(ld.out.join('')); } catch (e) { h.diag(`load output: ${ld.out.join('\n')}`); }
  is(res.mo_acked_ok, n, `load: ${n} MOs acknowledged ESME_ROK`);
  is(res.replies, n, `load: ${n} replies received`);
  is(res.replies_missing, 0, 'load: no reply missing');
  await h.stopClean(d2, 'numvertd (load)');
  logs.push(d2);

  // The simulator's own self-test (script, phone, load in both roles).
  const st = spawnSync(path.join(h.TOP, 'gateway/sim/examples/selftest.sh'), [h.BUILD], { encoding: 'utf8', timeout: 120000 * h.SLOW });
  is(st.status, 0, 'numvert-smsc self-test passes');
  if (st.status !== 0) h.diag(st.stdout + st.stderr);

  // `make run`: the demo binds and the scripted citizen's traffic flows.
  const port = await freePort();
  const demo = spawnSync(path.join(h.TOP, 'deploy/run-demo'), [], { encoding: 'utf8', timeout: 60000 * h.SLOW,
    env: { ...process.env, NV_DEMO_PORT: String(port), NV_DEMO_SECONDS: String(3 * h.SLOW), NV_BUILD: h.BUILD } });
  is(demo.status, 0, 'make run demo starts and stops cleanly');
  if (!/numvert demo/.test(demo.stdout)) h.diag(`run-demo stderr: ${demo.stderr}`);
  ok(/carrier \| mt sms .*Merci\. Votre code: \d{9}/.test(demo.stdout), 'demo: an SMS report is answered with its case code', demo.stdout);
  ok(/carrier \| mt ussd .* end .*permis/.test(demo.stdout), 'demo: a USSD dialogue reaches its final screen', demo.stdout);
  ok(/phone --control 127\.0\.0\.1:\d+/.test(demo.stdout), 'demo: tells how to dial in');

  ok(logs.every((x) => !x.lines.some((ln) => /2237000007\d|2236000007\d/.test(ln))), 'no phone number in any numvertd log');
});
