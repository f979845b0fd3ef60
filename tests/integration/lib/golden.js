// SPDX-License-Identifier: GPL-3.0-or-later
// The golden transcripts of tests/integration/golden/LANG/NAME.script (USSD)
// and LANG/NAME.sms.script (the same path by SMS, and the one-SMS keyword
// paths): reading them (tests/integration/menus.t, menus-nodesmpp.t,
// privacy.t) and what tests/integration/golden/regen shares with those
// tests. A golden file is a numvert-smsc script (docs/simulator.md) with a
// header of comments; the header's "# report:" line says what the dialogue
// leaves in the database:
//   # report: none
//   # report: CATEGORY LANG partial=0|1
// and, for a report with words typed on its details screen, those words:
//   # narrative: TEXT
'use strict';
const fs = require('fs');
const path = require('path');

const TOP = process.env.NV_TOP || path.resolve(__dirname, '../../..');
const DIR = path.join(TOP, 'tests/integration/golden');
const DIALECTS = ['its_session_info', 'user_message_reference', 'sixdee'];

// Every golden file, in a stable order (language directories, then names).
function files(dir = DIR) {
  const out = [];
  for (const lang of fs.readdirSync(dir).sort()) {
    const d = path.join(dir, lang);
    if (!fs.statSync(d).isDirectory()) continue;
    for (const f of fs.readdirSync(d).sort())
      if (f.endsWith('.script')) out.push(path.join(d, f));
  }
  return out;
}

// Undoes the script syntax's escapes (\n \t \\ \xNN) of a TEXT.
function unescape(s) {
  const bytes = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && i + 1 < s.length) {
      const c = s[++i];
      if (c === 'n') bytes.push(0x0a);
      else if (c === 't') bytes.push(0x09);
      else if (c === 'r') bytes.push(0x0d);
      else if (c === '\\') bytes.push(0x5c);
      else if (c === '~') bytes.push(0x7e);
      else if (c === 'x') { bytes.push(parseInt(s.slice(i + 1, i + 3), 16)); i += 2; }
      else bytes.push(...Buffer.from(`\\${c}`));
      continue;
    }
    bytes.push(...Buffer.from(s[i]));
  }
  return Buffer.from(bytes).toString('utf8');
}

// A golden file: its language and name ("NAME" or "NAME.sms"), its channel
// ('ussd' or 'sms'), what it leaves in the database, its sender, and its
// steps: { mo: TEXT } (an answer, a dial, or "abort"; by SMS also to: the
// number texted) and { verdict: 'continue'|'end', text: TEXT (unescaped,
// {code} kept) }, by SMS { sms: true, text: TEXT }.
function read(file) {
  const text = fs.readFileSync(file, 'utf8');
  const name = path.basename(file, '.script');
  const g = { file, text, lang: path.basename(path.dirname(file)), name, channel: /\.sms$/.test(name) ? 'sms' : 'ussd',
    report: null, narrative: null, senders: new Set(), steps: [], dialect: null };
  for (const line of text.split('\n')) {
    let m;
    if ((m = /^# report: (\S+)(?: (\S+) partial=([01]))?\s*$/.exec(line)))
      g.report = m[1] === 'none' ? 'none' : { category: m[1], lang: m[2], partial: Number(m[3]) };
    else if ((m = /^# narrative: (.*)$/.exec(line))) g.narrative = m[1];
    else if ((m = /^dialect (\S+)/.exec(line))) g.dialect = m[1];
    else if ((m = /^> ussd (\S+) (.*)$/.exec(line))) { g.senders.add(m[1]); g.steps.push({ from: m[1], mo: m[2] }); }
    else if ((m = /^< ussd (\S+) (continue|end) (.*)$/.exec(line))) g.steps.push({ from: m[1], verdict: m[2], text: unescape(m[3]) });
    else if ((m = /^> sms (\S+) (\S+) (.*)$/.exec(line))) { g.senders.add(m[1]); g.steps.push({ from: m[1], to: m[2], mo: m[3] }); }
    else if ((m = /^< sms (\S+) (.*)$/.exec(line))) g.steps.push({ from: m[1], sms: true, text: unescape(m[2]) });
    else if (/^[<>]/.test(line)) g.steps.push({ other: line });
  }
  if (g.report === null) throw new Error(`${file}: no "# report:" line in the header`);
  return g;
}

// The file's text for another USSD dialect: its "dialect" line replaced.
function withDialect(text, dialect) {
  if (!/^dialect \S+$/m.test(text)) throw new Error('a golden file without a dialect line');
  return text.replace(/^dialect \S+$/m, `dialect ${dialect}`);
}

// Matches an MT's text with an expected golden text ({code}: 9 digits).
// Returns the code seen, '' when none, or null when they differ.
function matchText(want, got) {
  const parts = want.split('{code}');
  let re = parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('(\\d{9})');
  re = new RegExp(`^${re}$`, 's');
  const m = re.exec(got);
  if (!m) return null;
  return m[1] || '';
}

module.exports = { DIR, DIALECTS, files, read, unescape, withDialect, matchText };
