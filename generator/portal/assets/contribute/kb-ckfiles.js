/* Reef KB: the files `kb add` writes for a new entry, made in the browser (see generator/ck/store.py
 * Repo.add and generator/ck/edits.py), the equivalent kb command, and a ZIP archive of the files.
 *
 * For <repo>:<module>:<alias> with UID <uid>, kb add writes (paths relative to the repository folder):
 *   <module>/<alias>/.cm/meta.json, info.json, desc.json   (json.dumps, indent 2, sorted keys, newline)
 *   <module>/.cm/alias-a-<alias> = "<uid>\n", <module>/.cm/alias-u-<uid> = "<alias>\n"
 *   and, for the repository's first entry of that module, .cm/alias-a-<module> = "<module uid>\n",
 *   .cm/alias-u-<module uid> = "<module>\n". A UID-only entry lives in <module>/<uid>/ with no alias files.
 * info.json: backup_data_uid, backup_module_uid, backup_module_uoa, control {engine "CK",
 *   iso_datetime (local time, Python's datetime.now().isoformat()), version}, data_name (name or alias).
 * window.kbCkFiles: newUid, isoNow, nameProblem, checkName, uidProblem, entryFiles, command, zip.
 */
(function () {
  "use strict";
  var py = window.kbPyJson;
  var MAX_NAME_BYTES = 255 - "alias-a-".length;
  var CK_NAME = /^[A-Za-z0-9_@.+' -]+$/;
  var WINDOWS_RESERVED = ["con", "prn", "aux", "nul", "conin$", "conout$"];
  for (var n = 1; n <= 9; n++) { WINDOWS_RESERVED.push("com" + n, "lpt" + n); }

  function newUid() {  // 16 hex digits, as CK makes them
    var bytes = new Uint8Array(8);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
  }

  function two(n) { return (n < 10 ? "0" : "") + n; }

  function isoNow(date) {  // datetime.now().isoformat(): local time, microseconds unless zero
    var d = date || new Date();
    var text = d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate()) + "T" + two(d.getHours()) +
      ":" + two(d.getMinutes()) + ":" + two(d.getSeconds());
    var ms = d.getMilliseconds();
    return ms ? text + "." + String(ms * 1000).padStart(6, "0") : text;
  }

  function nameProblem(name) {  // generator/ck/ids.py name_problem, word for word
    if (!name) { return "the name is empty"; }
    if (name === "." || name.indexOf("..") >= 0) { return "the name contains '..'"; }
    if (/\p{C}/u.test(name)) { return "the name contains control or invisible characters"; }
    if (/[\/\\]/.test(name)) { return "the name contains a path separator"; }
    if (/[^\x00-\x7f]/.test(name)) { return "the name contains non-ASCII characters"; }
    if (!CK_NAME.test(name)) { return "only letters, digits, spaces and _ @ . + ' - are allowed (as in CK)"; }
    if (name[0] === ".") { return "the name starts with a dot (a hidden folder, which CK and kb skip)"; }
    if (name !== name.trim() || name[name.length - 1] === ".") {
      return "the name starts or ends with a space, or ends with a dot (Windows cannot check it out)";
    }
    if (name.length > MAX_NAME_BYTES) {
      return "the name is " + name.length + " characters long; at most " + MAX_NAME_BYTES +
        " fit a file system's 255-byte limit with the alias file prefix 'alias-a-'";
    }
    var stem = name.split(".")[0];
    if (WINDOWS_RESERVED.indexOf(stem.toLowerCase().replace(/\s+$/, "")) >= 0) {
      return "'" + stem + "' is a reserved device name on Windows";
    }
    return "";
  }

  function checkName(name, what) {  // ids.check_name's message ("" when fine)
    var problem = nameProblem(name);
    return problem ? "invalid " + what + " name " + py.repr(name) + ": " + problem : "";
  }

  function uidProblem(uid) {  // ids.check_uid's message
    return /^[0-9a-f]{16}$/.test(uid) ? "" : "invalid UID " + py.repr(uid) + ": a UID is 16 lowercase hexadecimal digits";
  }

  /* spec: {module, alias, uid, name, meta, moduleUid, moduleIsNew, ckVersion, now} -> [{path, text}] */
  function entryFiles(spec) {
    var folder = spec.module + "/" + (spec.alias || spec.uid) + "/.cm/";
    var info = {
      backup_data_uid: spec.uid, backup_module_uid: spec.moduleUid, backup_module_uoa: spec.module,
      control: { engine: "CK", iso_datetime: spec.now || isoNow(), version: spec.ckVersion.slice() },
    };
    if (spec.name || spec.alias) { info.data_name = spec.name || spec.alias; }
    var files = [
      { path: folder + "meta.json", text: py.dumps(spec.meta) },
      { path: folder + "info.json", text: py.dumps(info) },
      { path: folder + "desc.json", text: py.dumps({}) },
    ];
    if (spec.alias) {
      files.push({ path: spec.module + "/.cm/alias-a-" + spec.alias, text: spec.uid + "\n" },
                 { path: spec.module + "/.cm/alias-u-" + spec.uid, text: spec.alias + "\n" });
    }
    if (spec.moduleIsNew) {
      files.push({ path: ".cm/alias-a-" + spec.module, text: spec.moduleUid + "\n" },
                 { path: ".cm/alias-u-" + spec.moduleUid, text: spec.module + "\n" });
    }
    return files;
  }

  /* ---------------------------------------------------------------- the kb command */

  function shellQuote(text) {
    return /^[A-Za-z0-9_@%+=:,.\/-]+$/.test(text) ? text : "'" + text.replace(/'/g, "'\"'\"'") + "'";
  }

  function mayReadAsJson(text) {  // kb's --set reads a value as JSON when it can: keep such text a string
    var t = text.trim();
    return /^[\[{"0-9-]/.test(t) || /^(true|false|null|NaN|Infinity)/.test(t);
  }

  function setValue(value) {
    if (typeof value === "string") { return mayReadAsJson(value) ? JSON.stringify(value) : value; }
    return py.compact(value);
  }

  function tagsFlag(tags) {  // --tags splits on commas and strips: only tags that survive that
    if (!Array.isArray(tags) || !tags.length) { return null; }
    var ok = tags.every(function (t, i) {
      return typeof t === "string" && t && t === t.trim() && t.indexOf(",") < 0 && tags.indexOf(t) === i;
    });
    return ok ? tags.join(",") : null;
  }

  /* spec: {repo, module, alias, uid, name, meta} -> the kb add command line */
  function command(spec) {
    var head = ["kb", "add", spec.repo + ":" + spec.module + ":" + spec.alias, "--uid", spec.uid];
    if (spec.name) { head.push("--name", spec.name); }
    var meta = spec.meta;
    var keys = Object.keys(meta).sort();
    var awkward = keys.some(function (k) { return !k || k !== k.trim() || /[.=]/.test(k); });
    if (awkward) {
      return head.map(shellQuote).join(" ") + " --meta - <<'EOF'\n" + py.compact(meta) + "\nEOF";
    }
    var tags = tagsFlag(meta.tags);
    if (tags !== null) { head.push("--tags", tags); }
    var parts = [head.map(shellQuote).join(" ")];
    keys.forEach(function (k) {
      if (k === "tags" && tags !== null) { return; }
      parts.push("--set " + shellQuote(k + "=" + setValue(meta[k])));
    });
    return parts.join(" \\\n    ");
  }

  /* ---------------------------------------------------------------- ZIP (stored, no compression) */

  var CRC_TABLE = (function () {
    var table = new Uint32Array(256);
    for (var i = 0; i < 256; i++) {
      var c = i;
      for (var k = 0; k < 8; k++) { c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; }
      table[i] = c >>> 0;
    }
    return table;
  })();

  function crc32(bytes) {
    var c = 0xffffffff;
    for (var i = 0; i < bytes.length; i++) { c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8); }
    return (c ^ 0xffffffff) >>> 0;
  }

  function zip(files, date) {  // files: [{path, text}] -> Uint8Array of a ZIP archive
    var enc = new TextEncoder();
    var d = date || new Date();
    var time = (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1);
    var day = ((d.getFullYear() - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate();
    var locals = [], centrals = [], offset = 0;
    files.forEach(function (f) {
      var name = enc.encode(f.path), data = enc.encode(f.text), crc = crc32(data);
      var local = new DataView(new ArrayBuffer(30));
      local.setUint32(0, 0x04034b50, true); local.setUint16(4, 20, true); local.setUint16(6, 0x0800, true);
      local.setUint16(10, time, true); local.setUint16(12, day, true); local.setUint32(14, crc, true);
      local.setUint32(18, data.length, true); local.setUint32(22, data.length, true);
      local.setUint16(26, name.length, true);
      var central = new DataView(new ArrayBuffer(46));
      central.setUint32(0, 0x02014b50, true); central.setUint16(4, 20, true); central.setUint16(6, 20, true);
      central.setUint16(8, 0x0800, true); central.setUint16(12, time, true); central.setUint16(14, day, true);
      central.setUint32(16, crc, true); central.setUint32(20, data.length, true); central.setUint32(24, data.length, true);
      central.setUint16(28, name.length, true); central.setUint32(42, offset, true);
      locals.push(new Uint8Array(local.buffer), name, data);
      centrals.push(new Uint8Array(central.buffer), name);
      offset += 30 + name.length + data.length;
    });
    var size = centrals.reduce(function (s, b) { return s + b.length; }, 0);
    var end = new DataView(new ArrayBuffer(22));
    end.setUint32(0, 0x06054b50, true); end.setUint16(8, files.length, true); end.setUint16(10, files.length, true);
    end.setUint32(12, size, true); end.setUint32(16, offset, true);
    var parts = locals.concat(centrals, [new Uint8Array(end.buffer)]);
    var out = new Uint8Array(parts.reduce(function (s, b) { return s + b.length; }, 0));
    var at = 0;
    parts.forEach(function (b) { out.set(b, at); at += b.length; });
    return out;
  }

  window.kbCkFiles = { newUid: newUid, isoNow: isoNow, nameProblem: nameProblem, checkName: checkName,
                       uidProblem: uidProblem, entryFiles: entryFiles, command: command, zip: zip,
                       shellQuote: shellQuote };
})();
