// The learner's progress, and the assessment as the web app draws and grades it. Pure: no page,
// no platform; js/course.js keeps the state and js/runtime.js sends it.
//
// Progress is saved in cmi.suspend_data, which SCORM 1.2 caps at 4,096 characters, so it is a
// compact text of six fields joined by "|", each of letters and digits only:
//
//   1                 the format
//   lessons           done or not, five lessons a base-32 digit
//   practice          one base-32 digit a practice question: 0 unanswered, else the options chosen
//                     as bits (option a is 1, b is 2, c is 4...)
//   sittings          how many assessment sittings were started, in base 36
//   sitting           the latest sitting, or empty: seed "." drawn "." answers "." submitted
//                     (seed in base 36; each drawn question as its bank position in two base-36
//                     digits; one base-32 digit an answer, as above; submitted 0 or 1)
//   signature         empty, or the time signed (seconds since 1970, base 36) "." the typed name,
//                     URI-encoded
//
// scorm/sco.py's max_suspend_data_length counts the same fields at their largest: change both.
(function () {
  "use strict";

  var FORMAT = "1";
  var BASE32 = "0123456789abcdefghijklmnopqrstuv";
  var MAX_SITTINGS = 36 * 36 * 36 * 36 - 1;

  /** Progress before anything is done, for a course of `shape` ({lessons, practice}). */
  function emptyState(shape) {
    return {
      lessons: filled(shape.lessons, false),
      practice: filled(shape.practice, 0),
      sittings: 0,
      sitting: null,
      signature: null,
    };
  }

  function filled(length, value) {
    var list = [];
    for (var index = 0; index < length; index += 1) list.push(value);
    return list;
  }

  function encode(state) {
    var lessons = "";
    for (var start = 0; start < state.lessons.length; start += 5) {
      var bits = 0;
      for (var offset = 0; offset < 5 && start + offset < state.lessons.length; offset += 1) {
        if (state.lessons[start + offset]) bits |= 1 << offset;
      }
      lessons += BASE32[bits];
    }
    var practice = state.practice.map(function (mask) { return BASE32[mask]; }).join("");
    var sitting = "";
    if (state.sitting) {
      sitting = [
        state.sitting.seed.toString(36),
        state.sitting.drawn.map(function (position) { return pad2(position.toString(36)); }).join(""),
        state.sitting.answers.map(function (mask) { return BASE32[mask]; }).join(""),
        state.sitting.submitted ? "1" : "0",
      ].join(".");
    }
    var signature = "";
    if (state.signature) {
      signature = state.signature.at.toString(36) + "." + encodeURIComponent(wellFormed(state.signature.name));
    }
    var sittings = Math.min(state.sittings, MAX_SITTINGS).toString(36);
    return [FORMAT, lessons, practice, sittings, sitting, signature].join("|");
  }

  /** The state saved in `text`, or empty progress when there is none or it is for another course. */
  function decode(text, shape) {
    var empty = emptyState(shape);
    if (!text) return empty;
    var fields = String(text).split("|");
    if (fields.length !== 6 || fields[0] !== FORMAT) return empty;
    try {
      var state = {
        lessons: decodeLessons(fields[1], shape.lessons),
        practice: decodeMasks(fields[2], shape.practice),
        sittings: parseBase(fields[3], 36),
        sitting: fields[4] ? decodeSitting(fields[4], shape.bankSize) : null,
        signature: fields[5] ? decodeSignature(fields[5]) : null,
      };
      return state;
    } catch (problem) {
      return empty;
    }
  }

  function decodeLessons(text, count) {
    if (text.length !== Math.ceil(count / 5)) throw new Error("lessons");
    var lessons = [];
    for (var index = 0; index < count; index += 1) {
      var bits = digit(text[Math.floor(index / 5)]);
      lessons.push(Boolean(bits & (1 << (index % 5))));
    }
    return lessons;
  }

  function decodeMasks(text, count) {
    if (text.length !== count) throw new Error("masks");
    var masks = [];
    for (var index = 0; index < text.length; index += 1) masks.push(digit(text[index]));
    return masks;
  }

  function decodeSitting(text, bankSize) {
    var parts = text.split(".");
    if (parts.length !== 4 || parts[1].length % 2 !== 0) throw new Error("sitting");
    var drawn = [];
    for (var index = 0; index < parts[1].length; index += 2) {
      var position = parseBase(parts[1].slice(index, index + 2), 36);
      if (position >= bankSize) throw new Error("drawn");
      drawn.push(position);
    }
    return {
      seed: parseBase(parts[0], 36),
      drawn: drawn,
      answers: decodeMasks(parts[2], drawn.length),
      submitted: parts[3] === "1",
    };
  }

  function decodeSignature(text) {
    var dot = text.indexOf(".");
    if (dot < 1) throw new Error("signature");
    return { at: parseBase(text.slice(0, dot), 36), name: decodeURIComponent(text.slice(dot + 1)) };
  }

  function digit(character) {
    var value = BASE32.indexOf(character);
    if (value < 0) throw new Error("digit");
    return value;
  }

  function parseBase(text, base) {
    if (!/^[0-9a-z]+$/.test(text)) throw new Error("number");
    return parseInt(text, base);
  }

  function pad2(text) {
    return text.length < 2 ? "0" + text : text;
  }

  /** `text` with any lone surrogate replaced, which encodeURIComponent would refuse. */
  function wellFormed(text) {
    return String(text).replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/g, function (match, before) {
      return (before || "") + "\uFFFD";
    });
  }

  // --- The assessment ----------------------------------------------------------------------------

  /** A seeded generator of numbers in [0, 1) (mulberry32): a sitting's options shuffle again the
   * same way from its seed when the learner comes back. */
  function generator(seed) {
    var value = seed >>> 0;
    return function () {
      value = (value + 0x6d2b79f5) >>> 0;
      var mixed = value;
      mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
      mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
      return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
    };
  }

  function shuffle(list, random) {
    for (var index = list.length - 1; index > 0; index -= 1) {
      var other = Math.floor(random() * (index + 1));
      var kept = list[index];
      list[index] = list[other];
      list[other] = kept;
    }
    return list;
  }

  /** Draw a sitting as the web app does (elearn/training/assessment.py, draw_questions): a
   * question on every critical clause, one from every lesson not yet asked about, then the rest
   * at random up to `size`, all shuffled. Questions in `avoid` (the last sitting's) are used only
   * where nothing else will do. `bank` lists each question's lesson number and clauses; the
   * result is bank positions. */
  function draw(bank, size, random, avoid, critical) {
    var chosen = [];
    var positions = bank.map(function (question, position) { return position; });
    function pick(candidates) {
      var unused = candidates.filter(function (position) { return chosen.indexOf(position) < 0; });
      var fresh = unused.filter(function (position) { return avoid.indexOf(position) < 0; });
      var pool = fresh.length ? fresh : unused;
      if (pool.length) chosen.push(pool[Math.floor(random() * pool.length)]);
    }
    (critical || []).forEach(function (clause) {
      var asked = chosen.some(function (position) { return bank[position].clauses.indexOf(clause) >= 0; });
      if (!asked) {
        pick(positions.filter(function (position) { return bank[position].clauses.indexOf(clause) >= 0; }));
      }
    });
    var lessons = [];
    bank.forEach(function (question) {
      if (lessons.indexOf(question.lesson) < 0) lessons.push(question.lesson);
    });
    lessons.forEach(function (lesson) {
      var asked = chosen.some(function (position) { return bank[position].lesson === lesson; });
      if (!asked) pick(positions.filter(function (position) { return bank[position].lesson === lesson; }));
    });
    var wanted = size - chosen.length;
    [false, true].forEach(function (seen) {
      var pool = positions.filter(function (position) {
        return chosen.indexOf(position) < 0 && (avoid.indexOf(position) >= 0) === seen;
      });
      var taken = shuffle(pool, random).slice(0, Math.max(wanted, 0));
      chosen = chosen.concat(taken);
      wanted -= taken.length;
    });
    return shuffle(chosen, random);
  }

  /** The order a sitting shows each drawn question's options in: shuffled, except where the
   * question's kind fixes them (true, then false). */
  function optionOrders(seed, drawnQuestions) {
    var random = generator(seed ^ 0x5bd1e995);
    return drawnQuestions.map(function (question) {
      var keys = question.keys.slice();
      return question.fixed ? keys : shuffle(keys, random);
    });
  }

  /** Grade a sitting: right only when exactly the right options were chosen. The percentage is
   * rounded half to even, as Python's round() does in the web app; the pass compares exact
   * fractions, so 79.6% is not a pass at 80%. With `critical` (a flag for each question), a
   * wrong answer on a critical question fails the sitting whatever the score. */
  function grade(answers, rightMasks, passMark, critical) {
    var count = answers.length;
    var correct = 0;
    var results = answers.map(function (mask, index) {
      var isCorrect = mask === rightMasks[index];
      if (isCorrect) correct += 1;
      return isCorrect;
    });
    return {
      results: results,
      correct: correct,
      count: count,
      percent: count ? roundHalfEven(100 * correct, count) : 0,
      passed:
        count > 0 &&
        correct * 100 >= passMark * count &&
        !results.some(function (isCorrect, index) { return critical && critical[index] && !isCorrect; }),
    };
  }

  function roundHalfEven(numerator, denominator) {
    var whole = Math.floor(numerator / denominator);
    var twice = 2 * (numerator - whole * denominator);
    if (twice > denominator || (twice === denominator && whole % 2 === 1)) whole += 1;
    return whole;
  }

  /** Option keys ("a", "c") as bits, and back. */
  function maskOf(keys, allKeys) {
    return keys.reduce(function (mask, key) {
      var index = allKeys.indexOf(key);
      return index < 0 ? mask : mask | (1 << index);
    }, 0);
  }

  function keysOf(mask, allKeys) {
    return allKeys.filter(function (key, index) { return mask & (1 << index); });
  }

  window.elearnProgress = {
    emptyState: emptyState,
    encode: encode,
    decode: decode,
    generator: generator,
    draw: draw,
    optionOrders: optionOrders,
    grade: grade,
    maskOf: maskOf,
    keysOf: keysOf,
    MAX_SITTINGS: MAX_SITTINGS,
  };
})();
