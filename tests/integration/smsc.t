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

// load --kind ussd against echo-esme; hold: --hold-open, stopped once
// the result is out. Returns the exit code, the result and echo's summary.
async function ussdLoad(echoArgs, loadArgs, hold = false) {
  const dir = h.tmpdir();
  const pf = path.join(dir, 'port');
  const ld = h.smsc(['load', '--listen', '127.0.0.1:0', '--port-file', pf, '--kind', 'ussd', '--json', ...loadArgs]);
  const port = await portFile(pf);
  const e = h.smsc(['echo-esme', '--connect', `127.0.0.1:${port}`, '--quiet', ...echoArgs]);
  if (hold && await ld.waitOut(/^\{/, 20000)) {
    await h.sleep(200);
    ld.child.kill('SIGTERM');
  }
  const r = await Promise.race([ld.exited, h.sleep(30000 * h.SLOW).then(() => ({ code: 'timeout' }))]);
  await e.stop('SIGINT');
  let res = {};
  try { res = JSON.parse(ld.out.join('')); } catch (x) { h.diag(`load output: ${ld.out.join('\n')}`); }
  return { code: r.code, res, ussd: res.ussd, echo: e.out.join('\n') };
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

  // USSD dialogues against echo-esme (make bench's reference): a menu four
  // screens deep answered in full, on two binds with more dialogues open
  // than its_session_info has ids on one (ids are kept per bind); then one
  // two screens deep, so that every dialogue ends early.
  let u = await ussdLoad(['--ussd-steps', '4', '--binds', '2'], ['--answers', '1,2,3', '--count', '600',
    '--concurrency', '400', '--binds', '2', '--dialect', 'its_session_info']);
  is(u.code, 0, 'load --answers: exits 0');
  is(JSON.stringify(u.ussd && [u.ussd.dialogues, u.ussd.completed, u.ussd.ended_early, u.ussd.errors, u.ussd.left_open]),
    '[600,600,0,0,0]', 'load --answers 1,2,3: 600 dialogues completed, none early, no error');
  is(u.ussd && u.ussd.steps, 2400, 'load --answers 1,2,3: 4 steps per dialogue, each with its screen');
  is(u.ussd && u.ussd.step_latency_us.n, 2400, 'load --answers: one latency sample per step');
  is(u.ussd && u.ussd.open_max, 400, 'load --answers: 400 dialogues open at once');
  is(u.res.mo_sent, 2400, 'load --answers: no abort after a final screen');
  u = await ussdLoad(['--ussd-steps', '2'], ['--answers', '1,2,3', '--count', '200', '--dialect', 'user_message_reference']);
  is(u.code, 0, 'load --answers, a shorter menu: exits 0 (ending early is not an error)');
  is(JSON.stringify(u.ussd && [u.ussd.completed, u.ussd.ended_early, u.ussd.errors, u.ussd.steps]), '[0,200,0,400]',
    'load --answers, a shorter menu: 200 dialogues ended early after 2 steps');
  u = await ussdLoad(['--ussd-steps', '3'], ['--count', '100', '--hold-open', '--dialect', 'sixdee'], true);
  is(JSON.stringify(u.ussd && [u.ussd.completed, u.ussd.left_open, u.ussd.steps]), '[100,100,100]',
    'load --hold-open: 100 dialogues dialled and left open');
  is(u.code, 0, 'load --hold-open: holds until SIGTERM, then exits 0');
  ok(/ussd_open=100\b/.test(u.echo), 'echo-esme still had the 100 dialogues open', u.echo);
  const tooMany = spawnSync(path.join(h.BUILD, 'numvert-smsc'), ['load', '--kind', 'ussd', '--dialect', 'its',
    '--concurrency', '300', '--listen', '127.0.0.1:0'], { encoding: 'utf8', timeout: 10000 });
  is(tooMany.status, 2, 'load: 300 open its_session_info dialogues on one bind is a usage error');

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
