// SPDX-License-Identifier: GPL-3.0-or-later
// The subset of YAML the project's data files are written in (menus/*.yaml,
// data/geo/*.yaml, data/routing.yaml), for tests and test tools that need to
// read them without a YAML package: block mappings and sequences by
// indentation, flow mappings and sequences ({a: b, c: [x, y]}, possibly over
// several lines), double-quoted strings with JSON-like escapes, single-quoted
// strings, plain scalars and comments. Scalars stay strings (no typing:
// "1", 1 and true all read as strings). Anything else (anchors, tags, block
// scalars, multi-document files) throws, so a test never silently misreads.
'use strict';
const fs = require('fs');

// Cuts a trailing comment: '#' at the start or after white space, outside quotes.
function stripComment(s) {
  let q = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (q) {
      if (c === '\\' && q === '"') i++;
      else if (c === q) q = null;
    } else if (c === '"' || c === "'") {
      q = c;
    } else if (c === '#' && (i === 0 || /\s/.test(s[i - 1]))) {
      return s.slice(0, i);
    }
  }
  return s;
}

// Flow syntax and quoted scalars, from a string.
class Flow {
  constructor(s, where) { this.s = s; this.i = 0; this.where = where; }
  err(m) { throw new Error(`${this.where}: ${m} near "${this.s.slice(this.i, this.i + 20)}"`); }
  ws() { while (this.i < this.s.length && /\s/.test(this.s[this.i])) this.i++; }
  value(stops) {
    this.ws();
    const c = this.s[this.i];
    if (c === '{') return this.map();
    if (c === '[') return this.seq();
    if (c === '"' || c === "'") return this.quoted();
    return this.plain(stops);
  }
  quoted() {
    const q = this.s[this.i++];
    let out = '';
    for (;;) {
      if (this.i >= this.s.length) this.err('unterminated string');
      const c = this.s[this.i++];
      if (q === "'" && c === "'" && this.s[this.i] === "'") { out += "'"; this.i++; continue; }
      if (c === q) return out;
      if (q === '"' && c === '\\') {
        const e = this.s[this.i++];
        const simple = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', '/': '/', 0: '\0', ' ': ' ' };
        if (e in simple) out += simple[e];
        else if (e === 'x' || e === 'u' || e === 'U') {
          const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
          out += String.fromCodePoint(parseInt(this.s.slice(this.i, this.i + n), 16));
          this.i += n;
        } else this.err(`unknown escape \\${e}`);
        continue;
      }
      out += c;
    }
  }
  plain(stops) {
    const st = this.i;
    while (this.i < this.s.length && !stops.includes(this.s[this.i])) {
      this.i++;
    }
    return this.s.slice(st, this.i).trim();
  }
  key() {
    this.ws();
    const c = this.s[this.i];
    if (c === '"' || c === "'") return this.quoted();
    const st = this.i;
    while (this.i < this.s.length && !(this.s[this.i] === ':' && /[\s]/.test(this.s[this.i + 1] || ' ')) && !',}'.includes(this.s[this.i])) this.i++;
    return this.s.slice(st, this.i).trim();
  }
  map() {
    const o = {};
    this.i++;
    for (;;) {
      this.ws();
      if (this.s[this.i] === '}') { this.i++; return o; }
      const k = this.key();
      this.ws();
      if (this.s[this.i] !== ':') this.err('expected ":" in a flow mapping');
      this.i++;
      o[k] = this.value(',}');
      this.ws();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== '}') this.err('expected "," or "}"');
    }
  }
  seq() {
    const a = [];
    this.i++;
    for (;;) {
      this.ws();
      if (this.s[this.i] === ']') { this.i++; return a; }
      a.push(this.value(',]'));
      this.ws();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== ']') this.err('expected "," or "]"');
    }
  }
}

// A scalar or flow value written after "key:" or "- ".
function inline(s, where) {
  const f = new Flow(s, where);
  const v = f.value('');
  f.ws();
  if (f.i !== s.length) f.err('unexpected text after the value');
  return v;
}

// "key: rest" of a block mapping line, or null.
function splitKey(s) {
  let k, rest;
  if (s[0] === '"' || s[0] === "'") {
    const f = new Flow(s, '');
    k = f.quoted();
    rest = s.slice(f.i);
    if (!/^:(\s|$)/.test(rest)) return null;
    return [k, rest.slice(1).trim()];
  }
  const m = /^([^\s{}[\],#&*!|>'"%@`][^:]*?):(\s+(.*))?$/.exec(s);
  if (!m) return null;
  return [m[1].trim(), (m[3] || '').trim()];
}

function parse(text, name = 'yaml') {
  // Logical lines: indentation, content, line number; flow values that
  // span lines are joined.
  const raw = text.split('\n');
  const lines = [];
  for (let i = 0; i < raw.length; i++) {
    let s = stripComment(raw[i]).replace(/\s+$/, '');
    if (/^\s*$/.test(s)) continue;
    if (/^\s*(---|\.\.\.)\s*$/.test(s)) { if (lines.length) throw new Error(`${name}:${i + 1}: one document only`); continue; }
    if (/\t/.test(s.match(/^\s*/)[0])) throw new Error(`${name}:${i + 1}: tab in indentation`);
    const ln = i + 1;
    const depth = (t) => { let d = 0, q = null; for (let j = 0; j < t.length; j++) { const c = t[j]; if (q) { if (c === '\\' && q === '"') j++; else if (c === q) q = null; } else if (c === '"' || c === "'") q = c; else if (c === '{' || c === '[') d++; else if (c === '}' || c === ']') d--; } return d; };
    while (depth(s) > 0 && i + 1 < raw.length) s += ' ' + stripComment(raw[++i]).trim();
    const ind = s.match(/^ */)[0].length;
    if (/^\s*[&*!|>]/.test(s.slice(ind)) || /:\s+[&*!|>][-+0-9]*\s*$/.test(s)) throw new Error(`${name}:${ln}: unsupported YAML (anchor, tag or block scalar)`);
    lines.push({ ind, s: s.slice(ind), ln });
  }
  let p = 0;
  const where = (l) => `${name}:${l.ln}`;

  function block(ind) {
    const l = lines[p];
    if (l.s.startsWith('- ') || l.s === '-') return seq(ind);
    return map(ind);
  }
  function valueAfter(rest, l, ind) {
    if (rest !== '') return inline(rest, where(l));
    // Nested block: deeper, or a sequence at the same indentation.
    const n = lines[p];
    if (n && (n.ind > ind || (n.ind === ind && (n.s.startsWith('- ') || n.s === '-')))) return block(n.ind);
    return null;
  }
  function map(ind) {
    const o = {};
    while (p < lines.length && lines[p].ind === ind && !lines[p].s.startsWith('- ')) {
      const l = lines[p++];
      const kv = splitKey(l.s);
      if (!kv) throw new Error(`${where(l)}: expected "key: value"`);
      o[kv[0]] = valueAfter(kv[1], l, ind);
    }
    if (p < lines.length && lines[p].ind > ind) throw new Error(`${where(lines[p])}: bad indentation`);
    return o;
  }
  function seq(ind) {
    const a = [];
    while (p < lines.length && lines[p].ind === ind && (lines[p].s.startsWith('- ') || lines[p].s === '-')) {
      const l = lines[p];
      const rest = l.s === '-' ? '' : l.s.slice(2).trim();
      if (rest === '') { p++; a.push(valueAfter('', l, ind)); continue; }
      const kv = rest[0] !== '{' && rest[0] !== '[' ? splitKey(rest) : null;
      if (kv) {
        // "- key: value" starts a mapping at the key's column.
        const col = ind + l.s.length - l.s.slice(1).trimStart().length;
        lines[p] = { ind: col, s: rest, ln: l.ln };
        a.push(map(col));
      } else {
        p++;
        a.push(inline(rest, where(l)));
      }
    }
    return a;
  }
  if (lines.length === 0) return null;
  const v = block(lines[0].ind);
  if (p < lines.length) throw new Error(`${where(lines[p])}: unexpected line`);
  return v;
}

function load(file) { return parse(fs.readFileSync(file, 'utf8'), file); }

module.exports = { parse, load };
