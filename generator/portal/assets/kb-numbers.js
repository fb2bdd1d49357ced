// Reef KB number formatter: the same text as generator/numbers.py for the same value
// (tests/test_numbers.py runs both): 4 significant digits, thousands separators, a unit on every
// value, scientific notation only outside [0.001, 1e9).
(function () {
  "use strict";
  if (window.kbNumbers) { return; }
  var DIGITS = 4, SMALL = 1e-3, LARGE = 1e9, PREFIX_UNITS = ["$", "€", "£"];

  function group(integer) { return integer.replace(/\B(?=(\d{3})+(?!\d))/g, ","); }

  function trim(text) {
    if (text.indexOf(".") >= 0) { text = text.replace(/0+$/, "").replace(/\.$/, ""); }
    return text === "-0" || text === "" ? "0" : text;
  }

  // toExponential rounds half away from zero on the exact binary value, like Python's Decimal.
  function number(value, digits) {
    digits = digits || DIGITS;
    if (typeof value !== "number" || !isFinite(value)) { return "—"; }
    if (value === 0) { return "0"; }
    var exp = value.toExponential(digits - 1);
    var parts = exp.split("e"), mantissa = parts[0], exponent = parseInt(parts[1], 10);
    if (Math.abs(value) < SMALL || Math.abs(Number(exp)) >= LARGE) {
      return trim(mantissa) + "e" + (exponent >= 0 ? "+" : "-") + Math.abs(exponent);
    }
    var negative = mantissa.charAt(0) === "-";
    var figures = mantissa.replace("-", "").replace(".", "");
    var text;
    if (exponent >= 0) {
      var whole = exponent + 1;
      text = figures.length <= whole ? figures + new Array(whole - figures.length + 1).join("0")
        : figures.slice(0, whole) + "." + figures.slice(whole);
    } else {
      text = "0." + new Array(-exponent).join("0") + figures;
    }
    var dot = text.indexOf(".");
    var integer = dot < 0 ? text : text.slice(0, dot), fraction = dot < 0 ? "" : text.slice(dot);
    return trim((negative ? "-" : "") + group(integer) + fraction);
  }

  function withUnit(value, unit, digits) {
    var text = number(value, digits);
    unit = (unit || "").trim();
    if (!unit || unit === "1" || text === "—") { return text; }
    if (PREFIX_UNITS.indexOf(unit) >= 0) {
      return text.charAt(0) === "-" ? "-" + unit + text.slice(1) : unit + text;
    }
    return text + " " + unit;
  }

  function percent(value) {
    if (typeof value !== "number" || !isFinite(value)) { return "—"; }
    var shown = Math.abs(value).toFixed(1);
    if (Number(shown) === 0) { return "0 %"; }
    return (value > 0 ? "+" : "-") + shown + " %";
  }

  function ratio(value) {
    if (typeof value !== "number" || !isFinite(value) || value <= 0) { return "—"; }
    var digits = value < 10 ? 3 : value < 100 ? 2 : 3;
    return number(value, digits) + "×";
  }

  function share(value) {
    if (typeof value !== "number" || !isFinite(value)) { return "∞ %"; }
    if (Math.abs(value) >= 10) { return String(Math.round(value)) + " %"; }
    return number(value, 2) + " %";
  }

  window.kbNumbers = { number: number, withUnit: withUnit, percent: percent, ratio: ratio, share: share };
})();
