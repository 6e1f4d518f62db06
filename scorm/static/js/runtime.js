// The SCORM runtime adapter: finds the learning platform's API and speaks SCORM 1.2 or SCORM 2004
// for the course, which only says what happened (a page, an answer, a result, a signature).
//
// - Finds API (1.2) or API_1484_11 (2004) through the parent frames, then the opener's, as ADL's
//   discovery algorithm does. Without one the course runs standalone and says so.
// - Initialises once and terminates once, whichever comes first: the course's own "Save and
//   close" or the page going away (pagehide, which fires where unload does not).
// - Commits after each save. On 2004 it never commits right before Terminate, which commits.
// - Until the declaration is signed, exit is "suspend", so the platform keeps the progress.
(function () {
  "use strict";

  // ADL's algorithm gives up after this many parent frames.
  var MAX_PARENTS = 500;

  var NAMES = {
    "1.2": {
      api: "API",
      initialize: "LMSInitialize",
      terminate: "LMSFinish",
      getValue: "LMSGetValue",
      setValue: "LMSSetValue",
      commit: "LMSCommit",
      lastError: "LMSGetLastError",
      location: "cmi.core.lesson_location",
      entry: "cmi.core.entry",
      exit: "cmi.core.exit",
      mode: "cmi.core.lesson_mode",
      learnerName: "cmi.core.student_name",
      sessionTime: "cmi.core.session_time",
    },
    "2004": {
      api: "API_1484_11",
      initialize: "Initialize",
      terminate: "Terminate",
      getValue: "GetValue",
      setValue: "SetValue",
      commit: "Commit",
      lastError: "GetLastError",
      location: "cmi.location",
      entry: "cmi.entry",
      exit: "cmi.exit",
      mode: "cmi.mode",
      learnerName: "cmi.learner_name",
      sessionTime: "cmi.session_time",
    },
  };

  /** The platform's API object named `name`, searching `start`'s frames, then its opener's. */
  function findApi(name, start) {
    var found = searchFrames(start, name);
    if (found) return found;
    var openers = [];
    try { openers.push(start.opener); } catch (problem) { /* another origin */ }
    try { openers.push(start.top.opener); } catch (problem) { /* another origin */ }
    for (var index = 0; index < openers.length; index += 1) {
      if (openers[index]) {
        found = searchFrames(openers[index], name);
        if (found) return found;
      }
    }
    return null;
  }

  function searchFrames(start, name) {
    var frame = start;
    for (var depth = 0; frame && depth <= MAX_PARENTS; depth += 1) {
      try {
        if (frame[name]) return frame[name];
      } catch (problem) {
        // A frame of another origin: keep looking above it.
      }
      var parent = null;
      try { parent = frame.parent; } catch (problem) { return null; }
      if (!parent || parent === frame) return null;
      frame = parent;
    }
    return null;
  }

  function pad(number, width) {
    var text = String(number);
    while (text.length < width) text = "0" + text;
    return text;
  }

  /** A duration in each standard's format: 1.2's HHHH:MM:SS.SS, 2004's ISO 8601 PT#H#M#S. */
  function sessionTime(standard, milliseconds) {
    var centiseconds = Math.max(0, Math.floor(milliseconds / 10));
    var hours = Math.floor(centiseconds / 360000);
    var minutes = Math.floor(centiseconds / 6000) % 60;
    var seconds = Math.floor(centiseconds / 100) % 60;
    var hundredths = centiseconds % 100;
    if (standard === "1.2") {
      return pad(Math.min(hours, 9999), 2) + ":" + pad(minutes, 2) + ":" + pad(seconds, 2) + "." + pad(hundredths, 2);
    }
    return "PT" + hours + "H" + minutes + "M" + seconds + "." + pad(hundredths, 2) + "S";
  }

  /** A moment in each standard's format: 1.2's time of day, 2004's ISO 8601 timestamp (UTC). */
  function timestamp(standard, date) {
    if (standard === "1.2") {
      return pad(date.getHours(), 2) + ":" + pad(date.getMinutes(), 2) + ":" + pad(date.getSeconds(), 2);
    }
    // SCORM 2004 allows a time zone only after fractions of a second.
    return date.toISOString().slice(0, 22) + "Z";
  }

  /** A score to two decimals, rounded down, so a platform comparing it with the mastery score
   * never passes what the course failed. */
  function floorTo(value, places) {
    var factor = Math.pow(10, places);
    return String(Math.floor(value * factor + 1e-9) / factor);
  }

  function connect(standard, options) {
    var names = NAMES[standard];
    var settings = options || {};
    var api = findApi(names.api, settings.window || window);
    var startedAt = Date.now();
    var isInitialised = false;
    var isTerminated = false;
    var isReview = false;
    var interactionCount = 0;
    var commentCount = 0;
    var problems = [];

    function call(method, args) {
      if (!api || typeof api[method] !== "function") return "";
      var result;
      try {
        result = api[method].apply(api, args);
      } catch (problem) {
        problems.push(method + ": " + problem);
        return "";
      }
      return result;
    }

    function lastError() {
      return String(call(names.lastError, []) || "0");
    }

    function get(element) {
      var value = call(names.getValue, [element]);
      return value === null || value === undefined ? "" : String(value);
    }

    function set(element, value) {
      var result = String(call(names.setValue, [element, String(value)]));
      if (result !== "true") problems.push(names.setValue + "(" + element + "): error " + lastError());
      return result === "true";
    }

    function commit() {
      var result = String(call(names.commit, [""]));
      if (result !== "true") problems.push(names.commit + ": error " + lastError());
    }

    var adapter = {
      standard: standard,
      isConnected: false,
      problems: problems,

      /** Initialise once; returns what the platform kept from last time. */
      start: function () {
        if (isInitialised || !api) return { location: "", suspendData: "", learnerName: "" };
        isInitialised = String(call(names.initialize, [""])) === "true";
        if (!isInitialised) {
          problems.push(names.initialize + ": error " + lastError());
          return { location: "", suspendData: "", learnerName: "" };
        }
        adapter.isConnected = true;
        var mode = get(names.mode);
        isReview = mode === "review" || mode === "browse";
        adapter.isReview = isReview;
        var entry = get(names.entry);
        var launch = {
          entry: entry,
          location: get(names.location),
          suspendData: get("cmi.suspend_data"),
          learnerName: get(names.learnerName),
        };
        interactionCount = parseInt(get("cmi.interactions._count"), 10) || 0;
        if (standard === "2004") {
          commentCount = parseInt(get("cmi.comments_from_learner._count"), 10) || 0;
        }
        if (!isReview) {
          if (standard === "1.2") {
            if (get("cmi.core.lesson_status") === "not attempted") set("cmi.core.lesson_status", "incomplete");
          } else if (["not attempted", "unknown", ""].indexOf(get("cmi.completion_status")) >= 0) {
            set("cmi.completion_status", "incomplete");
          }
          set(names.exit, "suspend");
          commit();
        }
        return launch;
      },

      /** Save where the learner is and their progress, and commit. */
      save: function (location, suspendData) {
        if (!adapter.isWriting()) return;
        set(names.location, location);
        set("cmi.suspend_data", suspendData);
        set(names.sessionTime, sessionTime(standard, Date.now() - startedAt));
        commit();
      },

      /** Report the assessment and the declaration: `outcome` has correct, count, passed, signed
       * and progress (0 to 1). Saved with the next save(). A failed learner is reported failed. */
      report: function (outcome) {
        if (!adapter.isWriting()) return;
        var fraction = outcome.count ? outcome.correct / outcome.count : 0;
        var raw = floorTo(100 * fraction, 2);
        if (standard === "1.2") {
          // 1.2 has one status. Between passing and signing it stays incomplete, and the score is
          // left blank so that no platform turns it into "passed" by the mastery score.
          var status = outcome.passed ? (outcome.signed ? "passed" : "incomplete") : "failed";
          set("cmi.core.score.min", "0");
          set("cmi.core.score.max", "100");
          set("cmi.core.score.raw", status === "incomplete" ? "" : raw);
          set("cmi.core.lesson_status", status);
        } else {
          set("cmi.score.min", "0");
          set("cmi.score.max", "100");
          set("cmi.score.raw", raw);
          set("cmi.score.scaled", floorTo(fraction, 7));
          set("cmi.success_status", outcome.passed ? "passed" : "failed");
          set("cmi.completion_status", outcome.passed && outcome.signed ? "completed" : "incomplete");
        }
      },

      /** How far through the course the learner is, 0 to 1 (2004 only has a place for it). */
      progress: function (measure) {
        if (!adapter.isWriting() || standard !== "2004") return;
        set("cmi.progress_measure", floorTo(measure, 7));
      },

      /** Record one assessment answer as cmi.interactions.n. */
      answer: function (item) {
        if (!adapter.isWriting()) return;
        var prefix = "cmi.interactions." + interactionCount + ".";
        interactionCount += 1;
        var isTrueFalse = item.interaction === "true-false";
        set(prefix + "id", item.id);
        set(prefix + "type", item.interaction);
        if (standard === "1.2") {
          item.clauses.forEach(function (clause, index) {
            set(prefix + "objectives." + index + ".id", "clause-" + clause);
          });
          set(prefix + "time", timestamp(standard, item.at));
          set(prefix + "weighting", "1");
          set(prefix + "student_response", response12(item.response, isTrueFalse));
          set(prefix + "correct_responses.0.pattern", response12(item.correct, isTrueFalse));
          set(prefix + "result", item.isCorrect ? "correct" : "wrong");
        } else {
          item.clauses.forEach(function (clause, index) {
            set(prefix + "objectives." + index + ".id", "clause-" + clause);
          });
          set(prefix + "timestamp", timestamp(standard, item.at));
          set(prefix + "weighting", "1");
          set(prefix + "correct_responses.0.pattern", response2004(item.correct, isTrueFalse));
          set(prefix + "learner_response", response2004(item.response, isTrueFalse));
          set(prefix + "result", item.isCorrect ? "correct" : "incorrect");
          set(prefix + "description", item.description.slice(0, 250));
        }
      },

      /** Record the signed declaration: an interaction with the typed name, and a comment saying who
       * signed which policy version when, so the platform's reports show it. */
      declaration: function (signed) {
        if (!adapter.isWriting()) return;
        var when = signed.at.toISOString().slice(0, 16).replace("T", " ") + " UTC";
        var text = "Declaration of receipt signed by " + signed.name + " on " + when + " for the " +
          signed.policyTitle + ", version " + signed.version + ".";
        var prefix = "cmi.interactions." + interactionCount + ".";
        interactionCount += 1;
        set(prefix + "id", "declaration");
        set(prefix + "type", "fill-in");
        if (standard === "1.2") {
          set(prefix + "time", timestamp(standard, signed.at));
          set(prefix + "student_response", signed.name.slice(0, 255));
          set(prefix + "result", "neutral");
          set("cmi.comments", text.slice(0, 4096));
        } else {
          set(prefix + "timestamp", timestamp(standard, signed.at));
          set(prefix + "learner_response", signed.name.slice(0, 250));
          set(prefix + "result", "neutral");
          set(prefix + "description", ("Declaration of receipt: " + signed.policyTitle + ", version " + signed.version).slice(0, 250));
          var comment = "cmi.comments_from_learner." + commentCount + ".";
          commentCount += 1;
          set(comment + "comment", text.slice(0, 4000));
          set(comment + "location", "declaration");
          set(comment + "timestamp", timestamp(standard, signed.at));
        }
      },

      /** Terminate, once. `isFinished` (signed) ends the attempt; otherwise exit is suspend. */
      finish: function (isFinished) {
        if (!isInitialised || isTerminated) return;
        isTerminated = true;
        if (!isReview) {
          set(names.exit, isFinished ? (standard === "1.2" ? "" : "normal") : "suspend");
          set(names.sessionTime, sessionTime(standard, Date.now() - startedAt));
          // 1.2 platforms differ in whether LMSFinish saves; 2004's Terminate always commits.
          if (standard === "1.2") commit();
        }
        if (String(call(names.terminate, [""])) !== "true") {
          problems.push(names.terminate + ": error " + lastError());
        }
      },

      /** True while values may be written: connected, not reviewing, not yet terminated. */
      isWriting: function () {
        return isInitialised && !isTerminated && !isReview;
      },

      isReview: false,
    };
    return adapter;
  }

  // 1.2 choice responses are single characters joined by commas; true-false is t or f.
  function response12(keys, isTrueFalse) {
    if (isTrueFalse) return keys[0] === "a" ? "t" : "f";
    return keys.join(",");
  }

  // 2004 choice responses are identifiers joined by [,]; true-false is true or false.
  function response2004(keys, isTrueFalse) {
    if (isTrueFalse) return keys[0] === "a" ? "true" : "false";
    return keys.join("[,]");
  }

  window.elearnRuntime = {
    connect: connect,
    findApi: findApi,
    sessionTime: sessionTime,
    timestamp: timestamp,
  };
})();
