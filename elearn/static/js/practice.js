// Practice questions answer in place: the form posts as usual without JavaScript; with it, the
// answer is sent in the background and only that question's section is swapped for the reply's,
// so the reader keeps their place in the lesson.

function moveFocus(section) {
  const target = section.querySelector(".app-feedback") || section.querySelector(".govuk-error-message");
  if (!target) return;
  target.setAttribute("tabindex", "-1");
  target.focus();
}

function enhance(section) {
  const form = section.querySelector("form");
  if (!form) return;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    let reply;
    try {
      reply = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { Accept: "text/html" },
      });
    } catch {
      form.submit();
      return;
    }
    const page = new DOMParser().parseFromString(await reply.text(), "text/html");
    const fresh = page.getElementById(section.id);
    if (!fresh || (reply.status !== 200 && reply.status !== 400)) {
      form.submit();
      return;
    }
    section.replaceWith(fresh);
    enhance(fresh);
    moveFocus(fresh);
  });
}

for (const section of document.querySelectorAll(".app-practice")) {
  enhance(section);
}
