#!/usr/bin/env node
// SIGHUP reloads the menus without dropping a live dialogue: a USSD
// dialogue open before the reload goes on with the menu it began with,
// a new one gets the edited menu, and an edit the loader refuses changes
// nothing (logged, named file:line).
'use strict';
const fs = require('fs');
const path = require('path');
const h = require('./lib/harness');
const { ok, is } = h;

const OLD = 'Signalement anonyme: nous ne gardons pas votre numéro.';
const NEW = 'Signalement anonyme (nouveau texte).';

h.run('menus reloaded on SIGHUP', async () => {
  const dir = h.tmpdir();
  const menu = path.join(dir, 'menu.yaml');
  const original = fs.readFileSync(path.join(h.TOP, 'menus/default.yaml'), 'utf8');
  ok(original.includes(`fr: "${OLD}"`), 'the home text is where the test expects it');
  fs.writeFileSync(menu, original);
  const a = await h.nodeSmsc();
  const d = h.numvertd(h.clientConf([{ name: 'sim', port: a.port }], `menu_file = ${menu}\n`), dir);
  ok(await d.waitFor((e) => e.event === 'link_up'), 'link up');
  const s = a.binds[0].session;
  const screens = (num) => a.submits.filter((x) => x.pdu.destination_addr === num).map((x) => x.pdu.short_message.message);
  let seq = 0;
  const ussd = (num, id, op, text) => h.deliver(s, { service_type: 'USSD', source_addr: num, destination_addr: '384',
    short_message: text, ussd_service_op: op, its_session_info: Buffer.from([id, (seq++ % 64) << 1]) });
  const step = async (num, id, op, text) => {
    const n = screens(num).length;
    is(await ussd(num, id, op, text), 0, `${num} "${text}" answered ESME_ROK`);
    ok(await h.until(() => screens(num).length > n), `${num}: a screen`);
    return screens(num)[screens(num).length - 1];
  };

  // A dialogue opened before the reload.
  await step('22370000701', 1, 0x01, '*384#');
  fs.writeFileSync(menu, original.replace(`fr: "${OLD}"`, `fr: "${NEW}"`));
  d.child.kill('SIGHUP');
  ok(await d.waitFor((e) => e.event === 'menu_reloaded' && e.open === '1'), 'menu_reloaded, one dialogue open');
  ok((await step('22370000701', 1, 0x12, '1')).startsWith(OLD), 'the open dialogue goes on with its menu');
  // A new one gets the new text.
  await step('22370000702', 2, 0x01, '*384#');
  ok((await step('22370000702', 2, 0x12, '1')).startsWith(NEW), 'a new dialogue gets the edited menu');

  // A refused edit changes nothing.
  fs.writeFileSync(menu, original.replace('next: weapon', 'next: no_such_node'));
  d.child.kill('SIGHUP');
  const bad = await d.waitFor((e) => e.event === 'menu_reload_failed');
  ok(bad && /menu\.yaml:\d+: .*no_such_node/.test(bad.why), 'menu_reload_failed names file:line', bad && bad.why);
  await step('22370000703', 3, 0x01, '*384#');
  ok((await step('22370000703', 3, 0x12, '1')).startsWith(NEW), 'the menu in use stays');
  await h.stopClean(d);
});
