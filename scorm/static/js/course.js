// The course in the browser: shows one page of index.html at a time, keeps the learner's progress,
// draws and grades the assessment, takes the signature, and tells js/runtime.js what happened.
//
// Pages are the .sco-page elements; "#lesson-3" in the address shows lesson 3, so the links between
// pages work with or without this script. Every page change and every answer is saved at once.
(function () {
  "use strict";

  var progress = window.elearnProgress;
  var body = document.body;
  var settings = {
    standard: body.getAttribute("data-standard"),
    passMark: parseInt(body.getAttribute("data-pass-mark"), 10),
    size: parseInt(body.getAttribute("data-assessment-size"), 10),
    critical: (body.getAttribute("data-critical-clauses") || "").split(" ").filter(Boolean),
    criticalMustPass: body.getAttribute("data-critical-must-pass") === "yes",
    policyTitle: body.getAttribute("data-policy-title"),
    version: body.getAttribute("data-version"),
    nameMaxLength: parseInt(body.getAttribute("data-name-max-length"), 10),
  };
  var schoolName = document.querySelector(".app-header__school").textContent.trim();

  var pages = Array.prototype.slice.call(document.querySelectorAll(".sco-page"));
  var pageIds = pages.map(function (page) { return page.id; });
  var lessonCount = pages.filter(function (page) { return /^lesson-\d+$/.test(page.id); }).length;
  var bank = Array.prototype.slice.call(document.querySelectorAll("template.sco-bank-question")).map(function (template) {
    return {
      template: template,
      id: template.getAttribute("data-question"),
      lesson: parseInt(template.getAttribute("data-lesson"), 10),
      interaction: template.getAttribute("data-interaction"),
      fixed: template.getAttribute("data-fixed") === "yes",
      keys: template.getAttribute("data-keys").split(""),
      clauses: template.getAttribute("data-clauses").split(" ").filter(Boolean),
      cites: template.getAttribute("data-cites"),
      prompt: template.content.querySelector("legend").textContent.trim(),
    };
  });
  var practice = Array.prototype.slice.call(document.querySelectorAll(".app-practice")).map(function (section, index) {
    return {
      section: section,
      index: index,
      number: parseInt(section.id.split("-").pop(), 10),
      id: section.getAttribute("data-question"),
      keys: section.getAttribute("data-keys").split(""),
    };
  });
  var shape = { lessons: lessonCount, practice: practice.length, bankSize: bank.length };

  var runtime = window.elearnRuntime.connect(settings.standard);
  var state = progress.emptyState(shape);
  var answers = null;
  var currentPage = "home";
  var shownSitting = null;
  var isClosed = false;

  // --- Starting --------------------------------------------------------------------------------

  function start() {
    var launch = runtime.start();
    document.getElementById("standalone-notice").hidden = runtime.isConnected;
    document.getElementById("review-notice").hidden = !runtime.isReview;
    document.getElementById("save-and-close").hidden = !runtime.isConnected;
    state = progress.decode(launch.suspendData, shape);
    var requested = location.hash.slice(1);
    var first = pageIds.indexOf(launch.location) >= 0 ? launch.location : pageIds.indexOf(requested) >= 0 ? requested : "home";

    window.addEventListener("hashchange", function () {
      var id = location.hash.slice(1);
      if (pageIds.indexOf(id) >= 0 && !isClosed) showPage(id, true);
    });
    window.addEventListener("pagehide", function () { close(false); });
    document.getElementById("save-and-close").addEventListener("click", function () { close(true); });
    bindLessons();
    bindAssessment();
    bindDeclaration();
    document.getElementById("print-certificate").addEventListener("click", function () { window.print(); });

    loadAnswers().then(function (loaded) {
      answers = loaded;
      practice.forEach(showPracticeAnswer);
      if (history.replaceState) history.replaceState(null, "", "#" + first);
      showPage(first, false);
      save();
      body.classList.add("sco-ready");
    }, function () {
      showPage(first, false);
      body.classList.add("sco-ready");
      showProblem("This browser cannot open the course's questions. Use an up-to-date browser, such as a current Edge, Chrome, Firefox or Safari.");
    });
  }

  /** The answers in js/answers.js: base 64, unmasked, then inflated (zlib) and parsed. */
  function loadAnswers() {
    var packed = window.elearnAnswers;
    if (!packed || typeof DecompressionStream !== "function") return Promise.reject(new Error("no answers"));
    var key = bytesOf(packed.key);
    var data = bytesOf(packed.data);
    for (var index = 0; index < data.length; index += 1) data[index] ^= key[index % key.length];
    var stream = new Blob([data]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Response(stream).text().then(function (text) {
      var parsed = JSON.parse(text);
      var loaded = {};
      Object.keys(parsed).forEach(function (id) {
        loaded[id] = { keys: parsed[id][0].split(""), feedback: parsed[id][1] };
      });
      return loaded;
    });
  }

  function bytesOf(base64) {
    var text = atob(base64);
    var bytes = new Uint8Array(text.length);
    for (var index = 0; index < text.length; index += 1) bytes[index] = text.charCodeAt(index);
    return bytes;
  }

  function showProblem(message) {
    var notice = document.getElementById("standalone-notice").cloneNode(true);
    notice.id = "problem-notice";
    notice.hidden = false;
    notice.querySelector(".govuk-notification-banner__title").id = "problem-title";
    notice.setAttribute("aria-labelledby", "problem-title");
    notice.querySelector(".govuk-notification-banner__title").textContent = "There is a problem";
    var content = notice.querySelector(".govuk-notification-banner__content");
    content.textContent = "";
    content.appendChild(element("p", "govuk-notification-banner__heading", message));
    document.getElementById("sco-notices").appendChild(notice);
  }

  // --- Saving and leaving ----------------------------------------------------------------------

  function save() {
    if (answers === null) return;
    runtime.progress(stepsDone() / (lessonCount + 2));
    runtime.save(currentPage, progress.encode(state));
  }

  function close(isByButton) {
    if (isClosed) return;
    isClosed = true;
    runtime.finish(Boolean(state.signature));
    if (!isByButton) return;
    pages.forEach(function (page) { page.hidden = true; });
    var notice = document.getElementById("saved-notice");
    if (state.signature) {
      notice.querySelector("p").textContent = "You have finished this course. You can close this window.";
    }
    notice.hidden = false;
    document.getElementById("save-and-close").hidden = true;
    notice.querySelector("h1").focus();
  }

  // --- Pages -----------------------------------------------------------------------------------

  function go(id) {
    if (location.hash === "#" + id) showPage(id, true);
    else location.hash = id;
  }

  function showPage(id, isMove) {
    currentPage = id;
    var page = document.getElementById(id);
    pages.forEach(function (other) { other.hidden = other !== page; });
    render(id);
    document.title = page.getAttribute("data-title") + " – " + schoolName;
    if (isMove) {
      window.scrollTo(0, 0);
      var heading = visibleHeading(page);
      if (heading) heading.focus();
      save();
    }
  }

  function visibleHeading(page) {
    var headings = page.querySelectorAll("h1");
    for (var index = 0; index < headings.length; index += 1) {
      if (!headings[index].closest("[hidden]")) return headings[index];
    }
    return null;
  }

  function render(id) {
    if (id === "home") renderHome();
    else if (id === "assessment") renderAssessment();
    else if (id === "result") renderResult();
    else if (id === "declaration") renderDeclaration();
    else if (id === "certificate") renderCertificate();
    else renderLesson(id);
  }

  /** Show the page's .sco-state blocks whose data-when is in `names`, hide the others. */
  function showStates(page, names) {
    page.querySelectorAll(".sco-state").forEach(function (block) {
      block.hidden = names.indexOf(block.getAttribute("data-when")) < 0;
    });
  }

  function fill(page, selector, text) {
    page.querySelectorAll(selector).forEach(function (node) { node.textContent = text; });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // --- Where the learner is --------------------------------------------------------------------

  function lessonsDone() {
    return state.lessons.filter(Boolean).length;
  }

  function nextLesson() {
    var index = state.lessons.indexOf(false);
    return index < 0 ? null : index + 1;
  }

  /** The latest sitting's grade, or null while none has been submitted. */
  function lastGrade() {
    if (!state.sitting || !state.sitting.submitted || answers === null) return null;
    var rightMasks = state.sitting.drawn.map(function (position) {
      var question = bank[position];
      return progress.maskOf(answers[question.id].keys, question.keys);
    });
    var critical = state.sitting.drawn.map(function (position) {
      return bank[position].clauses.some(function (clause) { return settings.critical.indexOf(clause) >= 0; });
    });
    return progress.grade(
      state.sitting.answers, rightMasks, settings.passMark, settings.criticalMustPass ? critical : null
    );
  }

  function hasPassed() {
    var grade = lastGrade();
    return Boolean(grade && grade.passed);
  }

  function stepsDone() {
    return lessonsDone() + (hasPassed() ? 1 : 0) + (state.signature ? 1 : 0);
  }

  function nextStep() {
    var lesson = nextLesson();
    if (lesson) return "lesson-" + lesson;
    if (!hasPassed()) return "assessment";
    if (!state.signature) return "declaration";
    return "certificate";
  }

  // --- The course home -------------------------------------------------------------------------

  function renderHome() {
    var page = document.getElementById("home");
    var grade = lastGrade();
    var status = "Not started";
    if (state.signature) status = "Complete: you have signed the declaration";
    else if (grade && grade.passed) status = "Passed: sign the declaration to finish";
    else if (grade) status = "Not passed yet: read the answers and try again";
    else if (lessonsDone() || state.practice.some(Boolean)) status = "In progress";
    document.getElementById("training-status").textContent = status;
    var bar = document.getElementById("lesson-progress");
    bar.value = lessonsDone();
    bar.textContent = lessonsDone() + " of " + lessonCount;
    document.getElementById("lesson-progress-text").textContent = lessonsDone() + " of " + lessonCount;

    var button = document.getElementById("continue");
    var started = status !== "Not started";
    button.firstChild.textContent = state.signature ? "See your certificate " : started ? "Continue where you left off " : "Start your training ";
    button.setAttribute("href", "#" + nextStep());

    for (var index = 0; index < lessonCount; index += 1) {
      setTaskStatus(index + 1, state.lessons[index] ? { text: "Done" } : { tag: "To do", colour: "blue" });
    }
    var lessonsReady = nextLesson() === null;
    var assessment = { text: "Cannot start yet", cannotStart: true };
    if (grade && grade.passed) assessment = { text: "Passed" };
    else if (grade && lessonsReady) assessment = { tag: "Not passed: try again", colour: "red" };
    else if (lessonsReady) assessment = { tag: "To do", colour: "blue" };
    setTaskStatus(lessonCount + 1, assessment);
    var declaration = { text: "Cannot start yet", cannotStart: true };
    if (state.signature) declaration = { text: "Done" };
    else if (grade && grade.passed) declaration = { tag: "To do", colour: "blue" };
    setTaskStatus(lessonCount + 2, declaration);
    document.getElementById("certificate-link").hidden = !state.signature;
    page.hidden = false;
  }

  function setTaskStatus(number, status) {
    var cell = document.getElementById("course-" + number + "-status");
    cell.textContent = "";
    cell.classList.toggle("govuk-task-list__status--cannot-start-yet", Boolean(status.cannotStart));
    if (status.tag) cell.appendChild(element("strong", "govuk-tag govuk-tag--" + status.colour, status.tag));
    else cell.textContent = status.text;
  }

  // --- Lessons and practice questions ----------------------------------------------------------

  function bindLessons() {
    document.querySelectorAll(".sco-complete-lesson").forEach(function (button) {
      button.addEventListener("click", function () {
        var number = parseInt(button.getAttribute("data-lesson"), 10);
        // As in the web app, a lesson is done only once its practice questions are answered.
        var unanswered = practice.filter(function (item) {
          return item.section.closest(".sco-page").id === "lesson-" + number && !state.practice[item.index];
        });
        var warning = document.getElementById("practice-first-" + number);
        if (unanswered.length && !state.lessons[number - 1]) {
          warning.hidden = false;
          warning.focus();
          return;
        }
        warning.hidden = true;
        state.lessons[number - 1] = true;
        var next = nextLesson();
        go(next ? "lesson-" + next : "assessment");
      });
    });
    practice.forEach(function (item) {
      item.section.querySelector("form").addEventListener("submit", function (event) {
        event.preventDefault();
        checkPractice(item);
      });
    });
  }

  function renderLesson(id) {
    var number = parseInt(id.split("-")[1], 10);
    var page = document.getElementById(id);
    var isDone = state.lessons[number - 1];
    page.querySelector(".sco-lesson-done").hidden = !isDone;
    page.querySelector(".sco-complete-lesson").firstChild.textContent = isDone ? "Continue" : "Mark as done and continue";
  }

  function checkPractice(item) {
    if (answers === null) return;
    var form = item.section.querySelector("form");
    var chosen = checkedKeys(form);
    clearFieldError(form);
    if (!chosen.length) {
      showFieldError(form.querySelector(".govuk-form-group"), "Answer question " + item.number);
      form.querySelector("input").focus();
      return;
    }
    state.practice[item.index] = progress.maskOf(chosen, item.keys);
    showPracticeAnswer(item);
    var feedback = item.section.querySelector(".app-feedback");
    feedback.setAttribute("tabindex", "-1");
    feedback.focus();
    save();
  }

  function showPracticeAnswer(item) {
    var mask = state.practice[item.index];
    var slot = item.section.querySelector(".sco-feedback");
    slot.textContent = "";
    if (!mask) return;
    var chosen = progress.keysOf(mask, item.keys);
    item.section.querySelectorAll("input").forEach(function (input) {
      input.checked = chosen.indexOf(input.value) >= 0;
    });
    var answer = answers[item.id];
    var isRight = progress.maskOf(answer.keys, item.keys) === mask;
    var box = element("div", "app-feedback app-feedback--" + (isRight ? "correct" : "incorrect"));
    box.appendChild(element("h4", "govuk-heading-s app-feedback__heading", isRight ? "That's right." : "Not quite."));
    box.appendChild(feedbackFor(answer, chosen, item.keys));
    slot.appendChild(box);
  }

  /** The web app's option_feedback for a question, with "Your answer" against the chosen options. */
  function feedbackFor(answer, chosenKeys, keys) {
    var holder = document.createElement("template");
    holder.innerHTML = answer.feedback;
    var fragment = holder.content;
    // option_feedback lists the options in the course's order, the order of `keys`.
    fragment.querySelectorAll(".app-review-option").forEach(function (option, index) {
      if (chosenKeys.indexOf(keys[index]) < 0) return;
      var label = option.querySelector("strong");
      label.after(" ", element("span", "govuk-tag govuk-tag--blue", "Your answer"));
    });
    return fragment;
  }

  function checkedKeys(container) {
    return Array.prototype.slice.call(container.querySelectorAll("input:checked")).map(function (input) { return input.value; });
  }

  // --- Form errors, as GOV.UK Frontend shows them ----------------------------------------------

  /** Mark the form group with an error message, tied to its field by aria-describedby. */
  function showFieldError(group, message) {
    group.classList.add("govuk-form-group--error");
    var input = group.querySelector("input");
    var error = element("p", "govuk-error-message");
    error.id = input.id + "-error";
    error.appendChild(element("span", "govuk-visually-hidden", "Error: "));
    error.appendChild(document.createTextNode(message));
    var anchor = group.querySelector(".govuk-radios, .govuk-checkboxes") || input;
    anchor.parentNode.insertBefore(error, anchor);
    var described = group.querySelector("fieldset") || input;
    var existing = described.getAttribute("aria-describedby");
    described.setAttribute("aria-describedby", existing ? existing + " " + error.id : error.id);
    if (input.type === "text") input.classList.add("govuk-input--error");
  }

  function clearFieldError(container) {
    container.querySelectorAll(".govuk-form-group--error").forEach(function (group) {
      group.classList.remove("govuk-form-group--error");
      group.querySelectorAll(".govuk-error-message").forEach(function (error) {
        var described = group.querySelector("[aria-describedby]");
        if (described) {
          var rest = described.getAttribute("aria-describedby").split(" ").filter(function (token) { return token !== error.id; });
          if (rest.length) described.setAttribute("aria-describedby", rest.join(" "));
          else described.removeAttribute("aria-describedby");
        }
        error.remove();
      });
      group.querySelectorAll(".govuk-input--error").forEach(function (input) { input.classList.remove("govuk-input--error"); });
    });
  }

  function showErrorSummary(page, problems) {
    var slot = page.querySelector(".sco-error-summary");
    slot.textContent = "";
    if (!problems.length) return;
    var summary = element("div", "govuk-error-summary");
    var alert = element("div");
    alert.setAttribute("role", "alert");
    alert.appendChild(element("h2", "govuk-error-summary__title", "There is a problem"));
    var list = element("ul", "govuk-list govuk-error-summary__list");
    problems.forEach(function (problem) {
      var link = element("a", "", problem.message);
      link.href = "#" + problem.target.id;
      link.addEventListener("click", function (event) {
        event.preventDefault();
        problem.target.focus();
        problem.target.scrollIntoView({ block: "center" });
      });
      var item = element("li");
      item.appendChild(link);
      list.appendChild(item);
    });
    var summaryBody = element("div", "govuk-error-summary__body");
    summaryBody.appendChild(list);
    alert.appendChild(summaryBody);
    summary.appendChild(alert);
    slot.appendChild(summary);
    summary.setAttribute("tabindex", "-1");
    summary.focus();
  }

  // --- The assessment --------------------------------------------------------------------------

  function bindAssessment() {
    document.getElementById("start-assessment").addEventListener("click", newSitting);
    document.getElementById("retake").addEventListener("click", newSitting);
    var form = document.getElementById("assessment-form");
    form.addEventListener("change", function () {
      if (!state.sitting || state.sitting.submitted) return;
      readSittingAnswers();
      save();
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      submitSitting();
    });
  }

  function newSitting() {
    if (answers === null || nextLesson() !== null || hasPassed()) return;
    var avoid = state.sitting && state.sitting.submitted ? state.sitting.drawn : [];
    var seed = window.crypto.getRandomValues(new Uint32Array(1))[0];
    var drawn = progress.draw(bank, settings.size, progress.generator(seed), avoid, settings.critical);
    state.sittings = Math.min(state.sittings + 1, progress.MAX_SITTINGS);
    state.sitting = { seed: seed, drawn: drawn, answers: drawn.map(function () { return 0; }), submitted: false };
    go("assessment");
  }

  function renderAssessment() {
    var page = document.getElementById("assessment");
    fill(page, ".sco-lessons-done", String(lessonsDone()));
    var next = nextLesson();
    if (next !== null) {
      page.querySelector(".sco-next-lesson").setAttribute("href", "#lesson-" + next);
      showStates(page, ["lessons-to-do"]);
    } else if (hasPassed()) {
      fill(page, ".sco-score", String(lastGrade().percent));
      showStates(page, ["passed"]);
    } else if (state.sitting && !state.sitting.submitted && answers !== null) {
      showSitting(page);
      showStates(page, ["sitting"]);
    } else {
      showStates(page, ["ready"]);
    }
  }

  /** Build the sitting's questions from the bank's templates, options in the sitting's order. */
  function showSitting(page) {
    var sitting = state.sitting;
    if (shownSitting === sitting) return;
    shownSitting = sitting;
    showErrorSummary(page, []);
    var holder = document.getElementById("assessment-questions");
    holder.textContent = "";
    var questions = sitting.drawn.map(function (position) { return bank[position]; });
    var orders = progress.optionOrders(sitting.seed, questions);
    fill(page, ".sco-question-count", String(questions.length));
    questions.forEach(function (question, index) {
      var number = index + 1;
      var section = element("section", "app-question");
      section.id = "question-" + number;
      section.setAttribute("aria-labelledby", "question-" + number + "-heading");
      section.setAttribute("data-question", question.id);
      var heading = element("h2", "govuk-heading-s", "Question " + number + " of " + questions.length);
      heading.id = "question-" + number + "-heading";
      section.appendChild(heading);
      section.appendChild(question.template.content.cloneNode(true));
      var list = section.querySelector(".govuk-radios, .govuk-checkboxes");
      var items = {};
      list.querySelectorAll(".govuk-radios__item, .govuk-checkboxes__item").forEach(function (item) {
        items[item.querySelector("input").value] = item;
      });
      orders[index].forEach(function (key) { list.appendChild(items[key]); });
      var chosen = progress.keysOf(sitting.answers[index], question.keys);
      section.querySelectorAll("input").forEach(function (input) { input.checked = chosen.indexOf(input.value) >= 0; });
      holder.appendChild(section);
    });
  }

  function readSittingAnswers() {
    var sections = document.querySelectorAll("#assessment-questions .app-question");
    sections.forEach(function (section, index) {
      var question = bank[state.sitting.drawn[index]];
      state.sitting.answers[index] = progress.maskOf(checkedKeys(section), question.keys);
    });
  }

  function submitSitting() {
    if (!state.sitting || state.sitting.submitted) return;
    var page = document.getElementById("assessment");
    readSittingAnswers();
    var problems = [];
    document.querySelectorAll("#assessment-questions .app-question").forEach(function (section, index) {
      clearFieldError(section);
      if (!state.sitting.answers[index]) {
        var message = "Answer question " + (index + 1);
        showFieldError(section.querySelector(".govuk-form-group"), message);
        problems.push({ message: message, target: section.querySelector("input") });
      }
    });
    if (problems.length) {
      showErrorSummary(page, problems);
      return;
    }
    state.sitting.submitted = true;
    var grade = lastGrade();
    var now = new Date();
    state.sitting.drawn.forEach(function (position, index) {
      var question = bank[position];
      var right = answers[question.id].keys;
      runtime.answer({
        id: question.id,
        interaction: question.interaction,
        response: progress.keysOf(state.sitting.answers[index], question.keys),
        correct: right,
        isCorrect: grade.results[index],
        description: question.prompt + (question.cites ? " (policy " + question.cites + ")" : ""),
        clauses: question.clauses,
        at: now,
      });
    });
    runtime.report({ correct: grade.correct, count: grade.count, passed: grade.passed, signed: false });
    go("result");
  }

  // --- The result ------------------------------------------------------------------------------

  function renderResult() {
    var page = document.getElementById("result");
    var grade = lastGrade();
    if (!grade) {
      showStates(page, ["none"]);
      return;
    }
    showStates(page, [grade.passed ? "passed" : "failed", "reviewed"]);
    fill(page, ".sco-score", String(grade.percent));
    fill(page, ".sco-correct-count", String(grade.correct));
    fill(page, ".sco-question-count", String(grade.count));
    var review = document.getElementById("review");
    review.textContent = "";
    state.sitting.drawn.forEach(function (position, index) {
      var question = bank[position];
      var number = index + 1;
      var section = element("section", "app-review");
      section.setAttribute("aria-labelledby", "review-" + number);
      var heading = element("h3", "govuk-heading-s", "Question " + number + ": ");
      heading.id = "review-" + number;
      heading.appendChild(grade.results[index]
        ? element("span", "govuk-tag govuk-tag--green", "Right")
        : element("span", "govuk-tag govuk-tag--red", "Not right"));
      section.appendChild(heading);
      section.appendChild(question.template.content.querySelector(".sco-question-context").cloneNode(true));
      section.appendChild(element("p", "govuk-body govuk-!-font-weight-bold", question.prompt));
      var chosen = progress.keysOf(state.sitting.answers[index], question.keys);
      section.appendChild(feedbackFor(answers[question.id], chosen, question.keys));
      review.appendChild(section);
    });
  }

  // --- The declaration and the certificate -----------------------------------------------------

  function bindDeclaration() {
    document.getElementById("declaration-form").addEventListener("submit", function (event) {
      event.preventDefault();
      sign();
    });
  }

  function renderDeclaration() {
    var page = document.getElementById("declaration");
    if (state.signature) {
      fill(page, ".sco-signed-on", longDate(state.signature.at));
      showStates(page, ["signed"]);
    } else if (hasPassed()) {
      fill(page, ".sco-score", String(lastGrade().percent));
      showStates(page, ["open"]);
    } else {
      showStates(page, ["locked"]);
    }
  }

  function sign() {
    if (state.signature || !hasPassed()) return;
    var page = document.getElementById("declaration");
    var form = document.getElementById("declaration-form");
    var confirm = document.getElementById("confirm");
    var signature = document.getElementById("signature");
    var name = signature.value.trim().slice(0, settings.nameMaxLength);
    clearFieldError(form);
    var problems = [];
    if (!confirm.checked) {
      showFieldError(confirm.closest(".govuk-form-group"), "Tick the box to confirm the declaration");
      problems.push({ message: "Tick the box to confirm the declaration", target: confirm });
    }
    if (!name) {
      showFieldError(signature.closest(".govuk-form-group"), "Type your full name to sign");
      problems.push({ message: "Type your full name to sign", target: signature });
    }
    if (problems.length) {
      showErrorSummary(page, problems);
      return;
    }
    showErrorSummary(page, []);
    var now = new Date();
    state.signature = { at: Math.floor(now.getTime() / 1000), name: name };
    var grade = lastGrade();
    runtime.declaration({ name: name, at: now, policyTitle: settings.policyTitle, version: settings.version });
    runtime.report({ correct: grade.correct, count: grade.count, passed: true, signed: true });
    go("certificate");
  }

  function renderCertificate() {
    var page = document.getElementById("certificate");
    if (!state.signature) {
      showStates(page, ["locked"]);
      return;
    }
    var grade = lastGrade();
    fill(page, ".sco-signed-name", state.signature.name);
    fill(page, ".sco-signed-on", longDate(state.signature.at));
    fill(page, ".sco-score", grade ? String(grade.percent) : "");
    var isRecorded = runtime.isConnected && !runtime.isReview;
    document.getElementById("certificate-recorded").hidden = !isRecorded;
    document.getElementById("certificate-not-recorded").hidden = isRecorded;
    showStates(page, ["signed"]);
  }

  function longDate(seconds) {
    return new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric" }).format(new Date(seconds * 1000));
  }

  // For diagnosing a launch from the browser's console, and for the tests.
  window.elearnCourse = {
    state: function () { return state; },
    runtime: runtime,
    shape: shape,
  };

  start();
})();
