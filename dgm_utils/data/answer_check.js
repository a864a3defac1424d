/* The page's exercise checker. It implements, rule for rule, the grammar of
 * dgm_utils/exercises.py (its module docstring documents it); the unit tests run both on
 * the same vectors (dgm_utils/data/exercise_vectors.json) and on a generated corpus of
 * typed text and require the same verdict and message.
 *
 * An answer box (dgm_utils.exercises.AnswerBox) includes this file in a <script> and calls
 * dgmCheck(element) from its button and its input. Under Node, require() returns {judge}.
 * The spec it reads is the box's data-spec, made by exercises._page_spec: what is right is
 * decided in Python (tolerances, canonical forms of answers and mistakes, messages), how
 * typed text is read is decided here and in Python alike.
 */
(function (root) {
  "use strict";

  var MAX_LENGTH = 200;
  var MAX_DEPTH = 20;
  var MAX_MAGNITUDE = 1e15;
  var MAX_INT_DIGITS = 40;
  var EXACT_INT = 9007199254740992; // 2 ** 53: beyond it a float is no longer a whole number
  var HALF = 0.5000005; // half a unit of the last place, with room for rounding in binary

  function has(map, key) {
    return Object.prototype.hasOwnProperty.call(map, key);
  }

  // Typed text to a canonical string: one kind of minus, arrow, space; trimmed.
  function normalise(text) {
    return String(text)
      .replace(/[\u2010-\u2015\u2212\ufe63\uff0d]/g, "-")
      .replace(/[\u00d7\u00b7\u22c5]/g, "*")
      .replace(/\u00f7/g, "/")
      .replace(/[\u2192\u27f6\u21d2]/g, "->")
      .replace(/-+>/g, "->")
      .replace(/[ \t\n\r\f\v\u00a0\u2009\u202f\ufeff]+/g, " ")
      .replace(/^ | $/g, "");
  }

  // --- numbers: a literal, or arithmetic with + - * / ^ ** ( ) ln log exp sqrt pi ----------
  var LITERAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
  var TOKEN = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|^[a-z]+|^\*\*|^[-+*/^()]/;
  var FUNCTIONS = { ln: Math.log, log: Math.log, exp: Math.exp, sqrt: Math.sqrt };

  function finite(v) {
    if (!isFinite(v)) throw new Error("not finite");
    return v;
  }

  function tokenize(text) {
    var tokens = [];
    var rest = text.toLowerCase();
    while (rest.length) {
      if (rest[0] === " ") {
        rest = rest.slice(1);
        continue;
      }
      var m = TOKEN.exec(rest);
      if (!m) throw new Error("bad character");
      tokens.push(m[0]);
      rest = rest.slice(m[0].length);
    }
    return tokens;
  }

  function evaluate(text) {
    var tokens = tokenize(text);
    var pos = 0;
    var depth = 0;
    function peek() {
      return tokens[pos];
    }
    function take() {
      return tokens[pos++];
    }
    function expr() {
      depth += 1;
      if (depth > MAX_DEPTH) throw new Error("too deep");
      var v = term();
      while (peek() === "+" || peek() === "-") {
        v = take() === "+" ? finite(v + term()) : finite(v - term());
      }
      depth -= 1;
      return v;
    }
    function term() {
      var v = factor();
      for (;;) {
        if (peek() === "*" || peek() === "/") {
          v = take() === "*" ? finite(v * factor()) : finite(v / factor());
        } else if (/^[a-z]/.test(peek() || "")) {
          v = finite(v * factor()); // a name right after a factor multiplies: 64 ln 2, 2pi
        } else {
          return v;
        }
      }
    }
    function factor() {
      if (peek() === "-") {
        take();
        return -factor();
      }
      if (peek() === "+") {
        take();
        return factor();
      }
      var base = atom();
      if (peek() === "^" || peek() === "**") {
        take();
        return finite(Math.pow(base, factor()));
      }
      return base;
    }
    function atom() {
      var t = take();
      if (t === undefined) throw new Error("unexpected end");
      if (t === "(") {
        var v = expr();
        if (take() !== ")") throw new Error("missing )");
        return v;
      }
      if (/^[\d.]/.test(t)) return finite(Number(t));
      if (t === "pi") return Math.PI;
      if (has(FUNCTIONS, t)) return finite(FUNCTIONS[t](atom()));
      throw new Error("unknown name");
    }
    var value = expr();
    if (pos !== tokens.length) throw new Error("trailing input");
    return value;
  }

  // A plain literal's precision: significant figures and decimal places.
  function precision(literal, shift) {
    var m = LITERAL.exec(literal);
    var mantissa = m[1].replace(".", "");
    var fraction = m[1].indexOf(".") < 0 ? "" : m[1].split(".")[1];
    var exponent = m[2] ? parseInt(m[2].slice(1), 10) : 0;
    var significant = mantissa.replace(/^0+/, "").length;
    return { sig: Math.max(significant, 1), decimals: fraction.length - exponent + shift };
  }

  function judgeFloat(spec, text) {
    var scale = 1;
    var shift = 0;
    if (spec.percent && /%$/.test(text)) {
      text = text.slice(0, -1).replace(/ $/, "");
      scale = 100;
      shift = 2;
    }
    if (/%/.test(text)) return null;
    var value;
    var literal = null;
    try {
      if (LITERAL.test(text)) {
        value = Number(text);
        literal = precision(text, shift);
      } else {
        value = evaluate(text);
      }
    } catch (e) {
      return null;
    }
    value = value / scale;
    if (!isFinite(value) || Math.abs(value) > MAX_MAGNITUDE) return null;
    var error = Math.abs(value - spec.answer);
    if (error <= spec.tol) return ["correct", spec.feedback];
    if (literal !== null) {
      var coarse = coarseNote(spec, literal, error);
      if (coarse) return ["coarse", coarse];
    }
    for (var i = 0; i < spec.mistakes.length; i++) {
      if (Math.abs(value - spec.mistakes[i][0]) <= spec.tol) return ["mistake", spec.mistakes[i][1]];
    }
    return ["wrong", spec.hint];
  }

  // Right at the precision typed, which is coarser than the one asked for.
  function coarseNote(spec, literal, error) {
    var got;
    var unit;
    var noun;
    if (spec.sig) {
      got = literal.sig;
      if (got >= spec.sig) return null;
      unit = Number("1e" + (spec.mag - got + 1));
      noun = got === 1 ? "significant figure" : "significant figures";
    } else {
      got = literal.decimals;
      if (got >= spec.decimals || got < 0) return null;
      unit = Number("1e" + -got);
      noun = got === 1 ? "decimal place" : "decimal places";
    }
    if (error > unit * HALF) return null;
    return "Right to " + got + " " + noun + "; give " + (spec.sig || spec.decimals) + ".";
  }

  // The verdict on an answer in canonical form: the answer, a recorded mistake, or wrong.
  function byKey(spec, key) {
    if (key === spec.answer) return ["correct", spec.feedback];
    if (has(spec.mistakes, key)) return ["mistake", spec.mistakes[key]];
    return ["wrong", spec.hint];
  }

  function judgeInt(spec, text) {
    var digits = null;
    var m = /^([+-]?)(\d+)(\.0*)?$/.exec(text) || /^([+-]?)(\d{1,3}(,\d{3})+)$/.exec(text);
    if (m) {
      digits = m[2].replace(/,/g, "").replace(/^0+(?=\d)/, "");
      if (digits.length > MAX_INT_DIGITS) return null;
      if (m[1] === "-" && digits !== "0") digits = "-" + digits;
    } else {
      var value;
      try {
        value = evaluate(text);
      } catch (e) {
        return null;
      }
      if (Math.abs(value) > EXACT_INT || value % 1 !== 0) return null;
      digits = String(value);
    }
    return byKey(spec, digits);
  }

  // Names: case, quotes, brackets, separators and spaces around symbols do not matter.
  function names(text) {
    return text
      .toLowerCase()
      .replace(/[{}[\]'"`]/g, "")
      .replace(/ ?(->|[(|,;]) ?/g, "$1")
      .replace(/ \)/g, ")");
  }

  function judgeSet(spec, text) {
    var items = names(text)
      .split(/[,; ]+/)
      .filter(function (s) {
        return s.length > 0;
      });
    if (!items.length) return null;
    for (var i = 0; i < items.length; i++) {
      if (!/^[a-z0-9_()|>-]+$/.test(items[i])) return null;
    }
    var key = items
      .filter(function (s, j) {
        return items.indexOf(s) === j;
      })
      .sort()
      .join(",");
    return byKey(spec, key);
  }

  function judgeChoice(spec, text) {
    var key = names(text).replace(/ /g, "");
    if (!/^[a-z0-9_()|>-]+$/.test(key)) return null;
    return byKey(spec, key);
  }

  var JUDGES = { int: judgeInt, float: judgeFloat, set: judgeSet, choice: judgeChoice };

  // The verdict on typed text: [kind, message], kind one of correct, coarse, mistake,
  // wrong, unchecked.
  function judge(spec, typed) {
    var text = normalise(typed);
    var verdict = null;
    if (text.length && text.length <= MAX_LENGTH && /^[\x20-\x7e]*$/.test(text)) {
      verdict = JUDGES[spec.kind](spec, text);
    }
    if (verdict === null) return ["unchecked", "Not checked: " + spec.expects];
    if (verdict[0] === "correct") return ["correct", "Correct!" + (verdict[1] ? " " + verdict[1] : "")];
    return [verdict[0], "Not yet. " + verdict[1]];
  }

  // The box: read its input, write the verdict into its role=status element.
  function dgmCheck(element) {
    var box = element.closest(".dgm-check");
    var spec = JSON.parse(box.getAttribute("data-spec"));
    var input = box.querySelector("input");
    box.querySelector("[role=status]").textContent = judge(spec, input.value)[1];
  }

  if (typeof module !== "undefined" && module.exports) {
    module.exports = { judge: judge };
  } else if (root && !root.dgmCheck) {
    root.dgmCheck = dgmCheck;
  }
})(typeof window !== "undefined" ? window : this);
