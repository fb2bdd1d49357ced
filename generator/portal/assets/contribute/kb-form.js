/* Reef KB contribute form: reads the fields generated from a type's schema (generator/portal/forms.py),
 * checks them with the same schema and the same wording as kb validate (the JSON Schema validator in
 * json-schema.js, the message table of generator/schema/messages.json carried by the page), and writes
 * the entry's files as kb add would (kb-ckfiles.js): the kb command, a ZIP and GitHub new-file links.
 * Fields are elements with data-kind (see forms.py for the kinds); nothing is sent anywhere.
 */
(function () {
  "use strict";
  var SCHEMA_BASE = "https://schemas.reef-kb.invalid/";  // never fetched: the page carries the schemas
  var MAX_MESSAGE = 300;  // generator/schema/entry_checks.py MAX_MESSAGE
  var STRUCTURAL = ["properties", "additionalProperties", "patternProperties", "items", "prefixItems", "allOf",
    "anyOf", "oneOf", "$ref", "$dynamicRef", "$recursiveRef", "if", "then", "else", "not", "dependentSchemas",
    "contains", "unevaluatedProperties", "unevaluatedItems", "propertyNames", "dependencies"];
  var py, ck;

  function ptrPart(key) { return encodeURI(String(key).replace(/~/g, "~0").replace(/\//g, "~1")).replace(/#/g, "%23"); }
  function unPtr(part) { return decodeURI(part.replace(/%23/g, "#")).replace(/~1/g, "/").replace(/~0/g, "~"); }
  function segments(pointer) { return pointer.replace(/^#\/?/, "").split("/").filter(function (s, i, all) { return s || all.length > 1; }).map(unPtr); }

  function valueAt(value, pointer) {
    var node = value;
    segments(pointer).forEach(function (s) { node = node === undefined || node === null ? undefined : node[s]; });
    return node;
  }

  function codePoints(s) { return Array.from(s); }

  function shorten(message, instance) {  // entry_checks._short: a huge value must not become a huge message
    if (codePoints(message).length <= MAX_MESSAGE) { return message; }
    var shown = py.repr(instance);
    if (message.indexOf(shown) >= 0) {
      var sized = typeof instance === "string" ? codePoints(instance).length
        : Array.isArray(instance) ? instance.length
        : py.isObject(instance) ? Object.keys(instance).length : codePoints(shown).length;
      message = message.split(shown).join(codePoints(shown).slice(0, 60).join("") + "… (" + sized + " long)");
    }
    var cps = codePoints(message);
    return cps.length <= MAX_MESSAGE ? message : cps.slice(0, MAX_MESSAGE).join("") + "…";
  }

  function render(table, keyword, argument, instance, missing) {  // generator/schema/messages.py render
    var entry = table.keywords[keyword];
    if (!entry) { return null; }
    var when = entry.when || {};
    var key = typeof argument === "number" ? py.compact(argument) : null;
    var text = key !== null && Object.prototype.hasOwnProperty.call(when, key) ? when[key] : entry.text;
    var types = (Array.isArray(argument) ? argument : [argument]).map(py.repr).join(", ");
    var values = { "{instance}": py.repr(instance), "{argument}": py.repr(argument), "{property}": py.repr(missing || ""),
                   "{types}": types };
    Object.keys(values).forEach(function (mark) { text = text.split(mark).join(values[mark]); });
    return text;
  }

  function childFields(group) {
    return Array.prototype.filter.call(group.querySelectorAll("[data-kind]"), function (el) {
      return el.parentElement.closest("[data-kind]") === group;
    });
  }

  function ownSlot(el) { return el.querySelector(":scope > .kb-error"); }

  /* ---------------------------------------------------------------- reading the fields */

  function Reader() { this.problems = []; this.slots = {}; }

  Reader.prototype.problem = function (slot, text) { this.problems.push({ slot: slot, text: text }); };

  Reader.prototype.group = function (el, ptr) {
    var out = {}, self = this;
    childFields(el).forEach(function (child) {
      var key = child.dataset.key;
      var value = self.field(child, ptr + "/" + ptrPart(key));
      if (value !== undefined) { out[key] = value; }
    });
    return Object.keys(out).length ? out : undefined;
  };

  Reader.prototype.field = function (el, ptr) {
    var kind = el.dataset.kind, slot = ownSlot(el);
    if (slot) { this.slots[ptr] = slot; }
    if (kind === "object") { return this.group(el, ptr); }
    if (kind === "list") { return this.list(el, ptr); }
    if (kind === "map") { return this.map(el, ptr); }
    if (kind === "choices") {
      var picked = Array.prototype.filter.call(el.querySelectorAll("input[type=checkbox]"), function (b) { return b.checked; });
      return picked.length ? picked.map(function (b) { return py.parse(b.value); }) : undefined;
    }
    return this.scalar(kind, el.querySelector("input, textarea, select"), slot);
  };

  Reader.prototype.scalar = function (kind, input, slot) {
    var text = input.value;
    if (kind === "const") { return input.checked ? py.parse(input.value) : undefined; }
    if (kind === "tags" || kind === "lines") {
      var seen = [];
      text.split(kind === "tags" ? "," : "\n").forEach(function (t) {  // as kb add --tags: stripped, once each
        t = t.trim();
        if (t && (kind === "lines" || seen.indexOf(t) < 0)) { seen.push(t); }
      });
      return seen.length ? seen : undefined;
    }
    if (text === "") { return undefined; }
    if (kind === "select") { return py.parse(text); }
    if (kind === "boolean") { return text === "true"; }
    if (kind === "integer" || kind === "number") {
      try { return new py.RawNumber(text.trim()); } catch (err) {
        if (err instanceof RangeError) { this.problem(slot, err.message); }
        return text;  // not a number: the schema says so, in kb validate's words
      }
    }
    if (kind === "json") {
      try { return py.parse(text); } catch (err) { this.problem(slot, "not valid JSON: " + err.message); return undefined; }
    }
    return text;
  };

  Reader.prototype.items = function (el) {
    return Array.prototype.slice.call(el.querySelector(":scope > .kb-items").children);
  };

  Reader.prototype.list = function (el, ptr) {
    var out = [], self = this;
    this.items(el).forEach(function (item) {
      var value = self.field(item.querySelector("[data-value]"), ptr + "/" + out.length);
      if (value !== undefined) { out.push(value); }
    });
    return out.length ? out : undefined;
  };

  Reader.prototype.map = function (el, ptr) {
    var out = {}, self = this, count = 0;
    this.items(el).forEach(function (item) {
      var keyInput = item.querySelector("[data-map-key]"), key = keyInput.value;
      var keySlot = item.querySelector("[data-map-key] ~ .kb-error");
      var value = self.field(item.querySelector("[data-value]"), ptr + "/" + ptrPart(key));
      if (value === undefined && !key) { return; }
      if (!key) { self.problem(keySlot, "give this entry a name"); return; }
      if (Object.prototype.hasOwnProperty.call(out, key)) { self.problem(keySlot, py.repr(key) + " is used twice"); return; }
      out[key] = value === undefined ? {} : value;
      count++;
    });
    return count ? out : undefined;
  };

  /* ---------------------------------------------------------------- the form */

  function Form(root, data) {
    this.root = root;
    this.data = data;
    this.module = data.module;
    this.form = root.querySelector("#kb-contribute-form");
    this.fields = this.form.querySelector("[data-root]");
    // schemas name each other by file (common.schema.json): give them one base so their $refs meet
    var named = function (name) { return Object.assign({}, data.schemas[name], { $id: SCHEMA_BASE + name + ".schema.json" }); };
    this.validator = new window.kbJsonSchema.Validator(named(this.module), "2020-12", false);
    if (this.module !== "common" && data.schemas.common) { this.validator.addSchema(named("common")); }
    this.input("uid").value = ck.newUid();
    this.moduleUid = data.known_module_uid || ck.newUid();
    this.submitted = false;
    this.serial = 0;
    this.zipUrl = "";
    var self = this;
    this.form.addEventListener("submit", function (e) { e.preventDefault(); self.submitted = true; self.update(true); });
    this.form.addEventListener("click", function (e) { self.onClick(e); });
    this.form.addEventListener("change", function () { if (self.submitted) { self.update(false); } });
    this.form.addEventListener("input", function (e) { self.onInput(e); });
  }

  Form.prototype.input = function (name) { return this.form.querySelector("#kb-id-" + name); };

  Form.prototype.onClick = function (e) {
    var add = e.target.closest(".kb-add"), remove = e.target.closest(".kb-remove");
    if (add) { this.addItem(add.closest("[data-kind]")); }
    if (remove) {
      var group = remove.closest(".kb-repeat");
      remove.closest(".kb-item").remove();
      group.querySelector(".kb-add").focus();
    }
  };

  function numberIds(fragment, n) {  // an item's ids get its number, and so do those of the lists inside it
    fragment.querySelectorAll("[id], [for], [aria-describedby], [list]").forEach(function (el) {
      ["id", "for", "aria-describedby", "list"].forEach(function (attr) {
        var v = el.getAttribute(attr);
        if (v) { el.setAttribute(attr, v.split(" ").map(function (p) { return p.replace(/__[ik]__/, n); }).join(" ")); }
      });
    });
    fragment.querySelectorAll("template").forEach(function (inner) { numberIds(inner.content, n); });
  }

  Form.prototype.addItem = function (group) {
    var copy = group.querySelector(":scope > template").content.cloneNode(true);
    numberIds(copy, String(++this.serial));
    var item = copy.firstElementChild;
    group.querySelector(":scope > .kb-items").appendChild(copy);
    var first = item.querySelector("input, select, textarea");
    if (first) { first.focus(); }
  };

  Form.prototype.onInput = function (e) {
    var el = e.target;
    if (el.dataset && el.dataset.module !== undefined && el.list) { this.suggest(el); }
  };

  Form.prototype.suggest = function (input) {  // references: entries of the type, from the portal's search index
    var search = window.kbSearch, list = input.list, q = input.value.trim();
    clearTimeout(input.kbTimer);
    if (!search || !q || window.location.protocol === "file:") { return; }  // the index is fetched: not from a file
    input.kbTimer = setTimeout(function () {
      var filters = input.dataset.module ? { type: [input.dataset.module] } : {};
      search.search(q, filters).then(function (res) {
        return search.records(res.ids.slice(0, 12), res.meta);
      }).then(function (records) {
        list.textContent = "";
        records.forEach(function (r) {
          var option = document.createElement("option");
          option.value = r[6] || "";
          option.label = r[1] + " (" + r[2] + ")";
          list.appendChild(option);
        });
      }).catch(function () { /* no index (opened from a file): type the alias */ });
    }, 150);
  };

  Form.prototype.collect = function () {
    var reader = new Reader();
    var meta = reader.group(this.fields, "#") || {};
    var extraBox = this.form.querySelector("#kb-f-extra");
    reader.slots.extra = extraBox.parentElement.querySelector(".kb-error");
    if (extraBox.value.trim()) {
      try {
        var extra = py.parse(extraBox.value);
        if (!py.isObject(extra)) { throw new SyntaxError("write one JSON object, such as {\"key\": 1}"); }
        Object.keys(extra).forEach(function (k) {
          if (Object.prototype.hasOwnProperty.call(meta, k)) {
            reader.problem(reader.slots.extra, py.repr(k) + " is a field of the form: fill it there");
          } else { meta[k] = extra[k]; }
        });
      } catch (err) { reader.problem(reader.slots.extra, "not valid JSON: " + err.message); }
    }
    return { meta: meta, reader: reader };
  };

  Form.prototype.schemaMessages = function (meta) {
    var found = [], seen = {}, self = this;
    var plain = py.plain(meta);
    this.validator.validate(plain).errors.forEach(function (e) {
      if (STRUCTURAL.indexOf(e.keyword) >= 0) { return; }
      var argument = self.argumentAt(e.keywordLocation), instance = valueAt(meta, e.instanceLocation);
      var where = [e.instanceLocation], texts = [];
      if (e.keyword === "required") {
        argument.filter(function (k) { return !py.isObject(instance) || !Object.prototype.hasOwnProperty.call(instance, k); })
          .forEach(function (k) {
            var text = render(self.data.messages, "required", argument, instance, k);
            found.push({ where: [e.instanceLocation + "/" + ptrPart(k), e.instanceLocation], text: shorten(text, instance) });
          });
        return;
      }
      texts.push(render(self.data.messages, e.keyword, argument, instance) || e.error);
      texts.forEach(function (t) { found.push({ where: where, text: shorten(t, instance) }); });
    });
    return found.filter(function (m) {
      var key = m.where[0] + "\u0000" + m.text;
      if (seen[key]) { return false; }
      seen[key] = true;
      return true;
    });
  };

  Form.prototype.argumentAt = function (location) {  // the keyword's value in the schema, following $refs
    var docs = this.data.schemas, doc = this.module, node = docs[doc];
    segments(location).forEach(function (s) {
      if (s !== "$ref") { node = node === undefined ? undefined : node[s]; return; }
      var ref = node.$ref.split("#"), file = ref[0];
      if (file) { doc = file.split("/").pop().replace(/\.schema\.json$/, ""); }
      node = docs[doc];
      (ref[1] || "").split("/").filter(Boolean).forEach(function (p) { node = node === undefined ? undefined : node[unPtr(p)]; });
    });
    return node;
  };

  Form.prototype.identity = function () {
    var alias = this.input("alias").value, uid = this.input("uid").value;
    var problems = [];
    if (alias) {
      var nameText = ck.checkName(alias, "entry");
      if (nameText) { problems.push({ slot: this.form.querySelector("#kb-id-alias-err"), text: nameText }); }
    }
    var uidText = ck.uidProblem(uid);
    if (uidText) { problems.push({ slot: this.form.querySelector("#kb-id-uid-err"), text: uidText }); }
    return { alias: alias, uid: uid, name: this.input("name").value, problems: problems };
  };

  Form.prototype.clear = function () {
    this.form.querySelectorAll(".kb-error").forEach(function (slot) {
      slot.textContent = "";
      slot.hidden = true;
    });
    this.form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
  };

  Form.prototype.show = function (slot, text) {
    if (!slot) { slot = this.form.querySelector("#kb-form-status"); }
    var line = document.createElement("span");
    line.className = "kb-error-line";
    line.textContent = text;
    if (slot.childNodes.length && slot.id !== "kb-form-status") { slot.appendChild(document.createElement("br")); }
    slot.appendChild(line);
    slot.hidden = false;
    var owner = slot.parentElement;
    var control = owner && owner.querySelector(":scope > input, :scope > textarea, :scope > select");
    if (control) { control.setAttribute("aria-invalid", "true"); }
  };

  Form.prototype.update = function (produce) {
    this.clear();
    var status = this.form.querySelector("#kb-form-status");
    status.textContent = "";
    var got = this.collect(), who = this.identity(), self = this;
    var problems = who.problems.concat(got.reader.problems);
    this.schemaMessages(got.meta).forEach(function (m) {
      var slot = null;
      m.where.some(function (w) { slot = got.reader.slots[w]; return !!slot; });
      problems.push({ slot: slot, text: m.text });
    });
    var general = problems.filter(function (p) { return !p.slot; });
    problems.forEach(function (p) { if (p.slot) { self.show(p.slot, p.text); } });
    if (problems.length) {
      this.root.querySelector("#kb-contribute-out").hidden = true;
      status.textContent = (problems.length === 1 ? "1 problem" : problems.length + " problems") +
        ": fix the fields marked below." + general.map(function (p) { return " " + p.text + "."; }).join("");
      if (produce) {
        var first = this.form.querySelector("[aria-invalid]");
        if (first) { first.focus(); }
      }
      return;
    }
    status.textContent = "No problems found.";
    if (produce) { this.produce(got.meta, who); }
  };

  Form.prototype.repo = function () {
    var alias = this.input("repo").value;
    return this.data.repos.filter(function (r) { return r.alias === alias; })[0] || this.data.repos[0];
  };

  Form.prototype.produce = function (meta, who) {
    var repo = this.repo(), known = repo.modules[this.module];
    var files = ck.entryFiles({ module: this.module, alias: who.alias, uid: who.uid, name: who.name, meta: meta,
      moduleUid: known || this.moduleUid, moduleIsNew: !known, ckVersion: this.data.ck_version });
    var out = this.root.querySelector("#kb-contribute-out");
    out.querySelector("#kb-out-cmd").textContent = ck.command({ repo: repo.alias, module: this.module, alias: who.alias,
      uid: who.uid, name: who.name, meta: meta });
    if (this.zipUrl) { URL.revokeObjectURL(this.zipUrl); }
    this.zipUrl = URL.createObjectURL(new Blob([ck.zip(files)], { type: "application/zip" }));
    var link = out.querySelector("#kb-out-zip");
    link.href = this.zipUrl;
    link.download = this.module + "-" + (who.alias || who.uid) + ".zip";
    out.querySelector("#kb-out-zip-where").textContent = " of " + repo.alias;
    this.githubLinks(out, repo, files);
    var list = out.querySelector("#kb-out-files");
    list.textContent = "";
    files.forEach(function (f) {
      var head = document.createElement("h4"), code = document.createElement("code");
      code.textContent = f.path;
      head.appendChild(code);
      var pre = document.createElement("pre"), body = document.createElement("code");
      pre.className = "kb-out-file";
      pre.dataset.path = f.path;
      body.textContent = f.text;
      pre.appendChild(body);
      list.appendChild(head);
      list.appendChild(pre);
    });
    out.hidden = false;
    out.querySelector("h2").setAttribute("tabindex", "-1");
    out.querySelector("h2").focus();
  };

  Form.prototype.githubLinks = function (out, repo, files) {
    var box = out.querySelector("#kb-out-github"), list = out.querySelector("#kb-out-github-links");
    list.textContent = "";
    box.hidden = !repo.new_file;
    if (!repo.new_file) { return; }
    files.forEach(function (f) {
      var item = document.createElement("li"), a = document.createElement("a");
      a.href = repo.new_file + "?filename=" + encodeURIComponent(f.path) + "&value=" + encodeURIComponent(f.text);
      a.rel = "nofollow noopener noreferrer";
      a.textContent = "Create " + f.path;
      item.appendChild(a);
      list.appendChild(item);
    });
  };

  function start() {
    var root = document.querySelector(".kb-contribute");
    if (!root || root.dataset.ready || !window.kbJsonSchema || !window.kbPyJson || !window.kbCkFiles) { return; }
    root.dataset.ready = "1";
    py = window.kbPyJson;
    ck = window.kbCkFiles;
    var data = JSON.parse(document.getElementById("kb-contribute-data").textContent);
    if (data.not_printable) { py.useNotPrintable(data.not_printable); }
    window.kbContribute = new Form(root, data);
  }

  window.kbContributeMessages = { render: render, shorten: shorten };
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
