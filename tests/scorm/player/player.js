// A stand-in learning platform for the tests: scorm-again's runtime as the SCORM API, a frame for
// the package, and a log of every call the package makes, read by the tests.
(function () {
  "use strict";

  var METHODS = {
    "1.2": ["LMSInitialize", "LMSFinish", "LMSGetValue", "LMSSetValue", "LMSCommit", "LMSGetLastError"],
    "2004": ["Initialize", "Terminate", "GetValue", "SetValue", "Commit", "GetLastError"],
  };
  var api = null;
  var calls = [];

  /** Launch the package at `config.url` as the platform would, with `config.data` (flattened CMI
   * values the platform kept from last time) loaded first. */
  function launch(config) {
    var settings = { autocommit: false, logLevel: 5, lmsCommitUrl: false };
    api = config.standard === "1.2" ? new window.Scorm12API(settings) : new window.Scorm2004API(settings);
    if (config.data) api.loadFromFlattenedJSON(config.data, "");
    var methods = METHODS[config.standard];
    var originals = {};
    methods.forEach(function (method) { originals[method] = api[method].bind(api); });
    var lastError = originals[methods[methods.length - 1]];
    methods.forEach(function (method) {
      api[method] = function () {
        var args = Array.prototype.slice.call(arguments);
        var result = originals[method].apply(null, args);
        calls.push({ method: method, args: args.map(String), result: String(result), error: String(lastError()) });
        return result;
      };
    });
    if (config.standard === "1.2") window.API = api;
    else window.API_1484_11 = api;
    if (config.window) {
      openWindow(config.url);
      return;
    }
    var frame = document.createElement("iframe");
    frame.name = "sco";
    frame.id = "sco";
    frame.title = "Course";
    frame.src = config.url;
    document.getElementById("frame-holder").appendChild(frame);
  }

  /** Open the package in a window of its own, as some platforms do: it finds the API through
   * its opener. */
  function openWindow(url) {
    window.open(url, "sco-window");
  }

  /** Leave as a learner closing the platform's window would: the frame goes, with no exit button. */
  function closeFrame() {
    var frame = document.getElementById("sco");
    if (frame) frame.remove();
  }

  window.player = {
    launch: launch,
    closeFrame: closeFrame,
    openWindow: openWindow,
    calls: function () { return calls; },
  };
})();
