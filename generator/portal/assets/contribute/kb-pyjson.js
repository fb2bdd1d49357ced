/* Reef KB: JSON as Python writes it, so a file made in the browser is byte for byte the file kb writes.
 *
 * kb saves entry files with json.dumps(indent=2, ensure_ascii=False, sort_keys=True) plus a newline
 * (generator/ck/jsonio.dumps_ck), and words schema problems with Python's repr() of the values
 * (generator/schema/messages.py). Numbers typed by a person keep their Python form in a RawNumber
 * ("2.0" stays a float, a 20-digit integer stays exact). window.kbPyJson:
 *   RawNumber(text)  a number literal as Python's json module reads it (.value is the JS number)
 *   parse(text)      strict JSON, numbers as RawNumber; throws SyntaxError with a message
 *   dumps(value)     the text kb writes for a .cm/*.json file
 *   compact(value)   one-line JSON (for --set and --meta)
 *   repr(value)      Python's repr() of a JSON value (dict keys sorted, as read back from a file)
 *   plain(value)     the value with plain JS numbers (for the schema validator)
 */
(function () {
  "use strict";

  var NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

  function floatRepr(x) {  // Python's repr(float): shortest round-trip digits, fixed for 1e-4 <= |x| < 1e16
    if (x === 0) { return Object.is(x, -0) ? "-0.0" : "0.0"; }
    var sign = x < 0 ? "-" : "";
    var parts = Math.abs(x).toExponential().split("e");
    var digits = parts[0].replace(".", "");
    var exp = parseInt(parts[1], 10);
    if (exp >= -4 && exp < 16) {
      if (exp < 0) { return sign + "0." + new Array(-exp).join("0") + digits; }
      while (digits.length < exp + 1) { digits += "0"; }
      var frac = digits.slice(exp + 1);
      return sign + digits.slice(0, exp + 1) + "." + (frac || "0");
    }
    var mantissa = digits.length > 1 ? digits[0] + "." + digits.slice(1) : digits;
    var e = Math.abs(exp) < 10 ? "0" + Math.abs(exp) : String(Math.abs(exp));
    return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + e;
  }

  function RawNumber(text) {  // throws RangeError for numbers JSON files cannot hold (1e999)
    if (!NUMBER.test(text)) { throw new SyntaxError("not a JSON number: " + text); }
    this.isInt = !/[.eE]/.test(text);
    this.value = Number(text);
    if (!isFinite(this.value)) { throw new RangeError("a number is too large for JSON (it reads as infinity)"); }
    this.text = this.isInt ? BigInt(text).toString() : floatRepr(this.value);
  }
  RawNumber.prototype.toString = function () { return this.text; };

  function numberText(x) {
    if (x instanceof RawNumber) { return x.text; }
    return Number.isInteger(x) && Math.abs(x) < 1e16 ? String(x) : floatRepr(x);
  }

  function byCodePoint(a, b) {  // Python sorts str keys by code point; JS compares UTF-16 units
    var ia = Array.from(a), ib = Array.from(b);
    for (var i = 0; i < Math.min(ia.length, ib.length); i++) {
      var d = ia[i].codePointAt(0) - ib[i].codePointAt(0);
      if (d) { return d; }
    }
    return ia.length - ib.length;
  }

  function sortedKeys(obj) { return Object.keys(obj).sort(byCodePoint); }

  function isObject(v) { return v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof RawNumber); }

  function encode(value, indent, level, sortKeys) {
    if (value === null) { return "null"; }
    if (value === true || value === false) { return String(value); }
    if (typeof value === "number" || value instanceof RawNumber) { return numberText(value); }
    if (typeof value === "string") { return JSON.stringify(value); }
    var pad = indent ? "\n" + new Array(level + 2).join(indent) : "";
    var end = indent ? "\n" + new Array(level + 1).join(indent) : "";
    if (Array.isArray(value)) {
      if (!value.length) { return "[]"; }
      return "[" + value.map(function (v) { return pad + encode(v, indent, level + 1, sortKeys); }).join(",") + end + "]";
    }
    var keys = sortKeys ? sortedKeys(value) : Object.keys(value);
    if (!keys.length) { return "{}"; }
    var colon = indent ? ": " : ":";
    return "{" + keys.map(function (k) {
      return pad + JSON.stringify(k) + colon + encode(value[k], indent, level + 1, sortKeys);
    }).join(",") + end + "}";
  }

  function dumps(value) { return encode(value, "  ", 0, true) + "\n"; }
  function compact(value) { return encode(value, "", 0, false); }

  var NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;
  var runs = null;  // [start, end, start, end, …] of Python's non-printable code points, when the page gives them

  function useNotPrintable(text) {  // base-36 "gap,length-1" pairs (generator/schema/messages.py)
    var parts = text.split(","), at = 0;
    runs = [];
    for (var i = 0; i + 1 < parts.length; i += 2) {
      var start = at + parseInt(parts[i], 36), end = start + parseInt(parts[i + 1], 36);
      runs.push(start, end);
      at = end + 1;
    }
  }

  function printable(ch) {
    if (!runs) { return !NOT_PRINTABLE.test(ch); }
    var c = ch.codePointAt(0), lo = 0, hi = runs.length / 2 - 1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (c < runs[2 * mid]) { hi = mid - 1; } else if (c > runs[2 * mid + 1]) { lo = mid + 1; } else { return false; }
    }
    return true;
  }

  function hex(code, width) { var h = code.toString(16); while (h.length < width) { h = "0" + h; } return h; }

  function strRepr(s) {  // CPython's unicode_repr
    var quote = s.indexOf("'") >= 0 && s.indexOf('"') < 0 ? '"' : "'";
    var out = quote;
    for (var ch of s) {
      var c = ch.codePointAt(0);
      if (ch === quote || ch === "\\") { out += "\\" + ch; }
      else if (ch === "\t") { out += "\\t"; }
      else if (ch === "\n") { out += "\\n"; }
      else if (ch === "\r") { out += "\\r"; }
      else if (c < 0x20 || c === 0x7f) { out += "\\x" + hex(c, 2); }
      else if (c < 0x7f || printable(ch)) { out += ch; }
      else if (c <= 0xff) { out += "\\x" + hex(c, 2); }
      else if (c <= 0xffff) { out += "\\u" + hex(c, 4); }
      else { out += "\\U" + hex(c, 8); }
    }
    return out + quote;
  }

  function repr(value) {
    if (value === null || value === undefined) { return "None"; }
    if (value === true) { return "True"; }
    if (value === false) { return "False"; }
    if (typeof value === "number" || value instanceof RawNumber) { return numberText(value); }
    if (typeof value === "string") { return strRepr(value); }
    if (Array.isArray(value)) { return "[" + value.map(repr).join(", ") + "]"; }
    return "{" + sortedKeys(value).map(function (k) { return strRepr(k) + ": " + repr(value[k]); }).join(", ") + "}";
  }

  function plain(value) {
    if (value instanceof RawNumber) { return value.value; }
    if (Array.isArray(value)) { return value.map(plain); }
    if (isObject(value)) {
      var out = {};
      Object.keys(value).forEach(function (k) { out[k] = plain(value[k]); });
      return out;
    }
    return value;
  }

  /* A strict JSON parser (duplicate keys refused, as kb's reader refuses them) keeping number literals. */
  function parse(text) {
    var i = 0;
    function fail(what) { throw new SyntaxError(what + " at character " + (i + 1)); }
    function space() { while (i < text.length && " \t\n\r".indexOf(text[i]) >= 0) { i++; } }
    function value() {
      space();
      var ch = text[i];
      if (ch === "{") { return object(); }
      if (ch === "[") { return array(); }
      if (ch === '"') { return string(); }
      var m = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(text.slice(i));
      if (m && m[0]) { i += m[0].length; return new RawNumber(m[0]); }
      var words = { "true": true, "false": false, "null": null };
      for (var w in words) { if (text.substr(i, w.length) === w) { i += w.length; return words[w]; } }
      fail(ch === undefined ? "unexpected end of the text" : "unexpected " + JSON.stringify(ch));
    }
    function string() {
      var m = /^"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"/.exec(text.slice(i));
      if (!m) { fail("a string is not closed or holds a control character"); }
      i += m[0].length;
      return JSON.parse(m[0]);
    }
    function array() {
      var out = [];
      i++; space();
      if (text[i] === "]") { i++; return out; }
      for (;;) {
        out.push(value()); space();
        if (text[i] === ",") { i++; continue; }
        if (text[i] === "]") { i++; return out; }
        fail("expected , or ]");
      }
    }
    function object() {
      var out = {};
      i++; space();
      if (text[i] === "}") { i++; return out; }
      for (;;) {
        space();
        if (text[i] !== '"') { fail("expected a key in double quotes"); }
        var key = string(); space();
        if (text[i] !== ":") { fail("expected :"); }
        i++;
        if (Object.prototype.hasOwnProperty.call(out, key)) { fail("duplicate key " + JSON.stringify(key)); }
        out[key] = value(); space();
        if (text[i] === ",") { i++; continue; }
        if (text[i] === "}") { i++; return out; }
        fail("expected , or }");
      }
    }
    var result = value();
    space();
    if (i < text.length) { fail("unexpected text after the value"); }
    return result;
  }

  window.kbPyJson = { RawNumber: RawNumber, parse: parse, dumps: dumps, compact: compact, repr: repr, plain: plain,
                      floatRepr: floatRepr, isObject: isObject, sortedKeys: sortedKeys, useNotPrintable: useNotPrintable };
})();
