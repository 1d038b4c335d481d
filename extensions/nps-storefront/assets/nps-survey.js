/* NPS survey for the storefront: the app block answers the survey of an emailed link
   (?nps_token=...&score=N); the app embed offers a logged-in customer their open survey.
   Both talk to the app through the shop's App Proxy. No framework, no dependencies. */
(function () {
  "use strict";

  function el(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (key) {
      if (key === "text") node.textContent = props[key];
      else node.setAttribute(key, props[key]);
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(child);
    });
    return node;
  }

  function category(score) {
    return score >= 9 ? "PROMOTER" : score >= 7 ? "PASSIVE" : "DETRACTOR";
  }

  function request(url, body) {
    return fetch(url, {
      method: body ? "POST" : "GET",
      credentials: "same-origin",
      headers: body
        ? { "Content-Type": "application/json", Accept: "application/json" }
        : { Accept: "application/json" },
      body: body ? JSON.stringify(body) : undefined,
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) throw new Error(data && data.error ? data.error : String(response.status));
        return data;
      });
    });
  }

  /* The share step after an answer: a promoter's referral code and a review link. */
  function renderShare(box, share) {
    box.textContent = "";
    box.hidden = !share;
    if (!share) return;
    var note = el("p", { class: "nps-survey__hint", "aria-live": "polite" });
    var children = [el("h3", { text: share.title })];
    var r = share.referral;
    if (r && r.state === "active") {
      var copy = el("button", { type: "button", class: "nps-survey__copy", text: r.copy });
      copy.hidden = !navigator.clipboard;
      copy.addEventListener("click", function () {
        navigator.clipboard.writeText(r.code).then(function () {
          note.textContent = r.copied;
        });
      });
      var link = el("a", { href: r.shareUrl, class: "nps-survey__link", text: r.shareLabel });
      link.addEventListener("click", function (event) {
        if (navigator.share) {
          event.preventDefault();
          navigator.share({ text: r.shareText, url: r.shareUrl }).catch(function () {});
        } else if (navigator.clipboard) {
          event.preventDefault();
          navigator.clipboard.writeText(r.shareText + " " + r.shareUrl).then(function () {
            note.textContent = r.copied;
          });
        }
      });
      children.push(
        el("p", { text: r.text }),
        el("p", { class: "nps-survey__code" }, [el("strong", { text: r.code }), copy]),
        el("p", {}, [link]),
        note,
      );
    } else if (r) {
      children.push(el("p", { role: "status", text: r.text }));
    }
    if (share.review) {
      children.push(
        el("p", { text: share.review.text }),
        el("p", {}, [
          el("a", {
            href: share.review.url,
            class: "nps-survey__link",
            target: "_blank",
            rel: "noopener",
            text: share.review.button,
          }),
        ]),
      );
    }
    children.forEach(function (child) {
      box.appendChild(child);
    });
  }

  function render(root, survey, options) {
    var t = survey.texts;
    var hex = /^#[0-9a-f]{6}$/;
    if (survey.style && hex.test(survey.style.accent) && hex.test(survey.style.onAccent)) {
      root.style.setProperty("--nps-accent", survey.style.accent);
      root.style.setProperty("--nps-on-accent", survey.style.onAccent);
    }
    var uid = "nps-" + Math.random().toString(36).slice(2, 8);
    var status = el("p", { class: "nps-survey__status", role: "status", "aria-live": "polite" });
    var chosen = survey.answer ? survey.answer.score : options.score;
    var radios = [];
    for (var n = 0; n <= 10; n++) {
      var input = el("input", { type: "radio", name: uid, value: String(n), id: uid + "-" + n, required: "" });
      if (chosen === n) input.checked = true;
      radios.push(el("label", { for: uid + "-" + n }, [input, el("span", { text: String(n) })]));
    }
    var question = el("label", { for: uid + "-comment", class: "nps-survey__follow-up" });
    var comment = el("textarea", { id: uid + "-comment", maxlength: "2000", "aria-describedby": uid + "-hint" });
    comment.value = (survey.answer && survey.answer.comment) || "";
    var button = el("button", { type: "submit", class: "nps-survey__send", text: t.send });
    function follow() {
      var picked = root.querySelector("input[name=" + uid + "]:checked");
      question.textContent = t.followUp[category(picked ? Number(picked.value) : 7)];
    }
    var form = el("form", { class: "nps-survey__form", novalidate: "" }, [
      el("fieldset", {}, [
        el("legend", { text: t.question }),
        el("div", { class: "nps-survey__scale" }, radios),
        el("div", { class: "nps-survey__ends", "aria-hidden": "true" }, [
          el("span", { text: t.notLikely }),
          el("span", { text: t.veryLikely }),
        ]),
      ]),
      question,
      comment,
      el("p", { id: uid + "-hint", class: "nps-survey__hint", text: t.commentHint }),
      button,
      status,
    ]);
    form.addEventListener("change", follow);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var picked = form.querySelector("input[name=" + uid + "]:checked");
      if (!picked) {
        form.querySelector("input").focus();
        return;
      }
      button.disabled = true;
      options
        .send({ score: Number(picked.value), comment: comment.value })
        .then(function (answered) {
          status.textContent = t.thanks;
          renderShare(shareBox, answered && answered.share);
        })
        .catch(function (error) {
          status.textContent = error.message || root.dataset.tError;
        })
        .then(function () {
          button.disabled = false;
        });
    });
    var shareBox = el("section", { class: "nps-survey__share" });
    follow();
    root.appendChild(form);
    root.appendChild(shareBox);
    renderShare(shareBox, survey.share);
  }

  function showError(root, retry) {
    var again = el("button", { type: "button", text: root.dataset.tRetry });
    var box = el("div", { class: "nps-survey__error", role: "alert" }, [el("p", { text: root.dataset.tError }), again]);
    again.addEventListener("click", function () {
      box.remove();
      retry();
    });
    root.appendChild(box);
  }

  function startToken(root) {
    var params = new URLSearchParams(window.location.search);
    var token = params.get("nps_token");
    if (!token) return;
    var score = params.has("score") ? Number(params.get("score")) : null;
    var url = root.dataset.npsProxy + "/api/survey";
    function load() {
      request(url + "?token=" + encodeURIComponent(token))
        .then(function (survey) {
          render(root, survey, {
            score: score !== null && score >= 0 && score <= 10 ? score : null,
            send: function (answer) {
              return request(url, { token: token, score: answer.score, comment: answer.comment });
            },
          });
        })
        .catch(function () {
          showError(root, load);
        });
    }
    load();
  }

  function startCustomer(root) {
    var url = root.dataset.npsProxy + "/api/pending";
    request(url)
      .then(function (survey) {
        if (survey.state !== "open") return;
        var close = el("button", {
          type: "button",
          class: "nps-survey__close",
          "aria-label": root.dataset.tClose,
          text: "×",
        });
        function hide() {
          root.hidden = true;
        }
        close.addEventListener("click", hide);
        root.addEventListener("keydown", function (event) {
          if (event.key === "Escape") hide();
        });
        root.appendChild(close);
        render(root, survey, {
          score: null,
          send: function (answer) {
            return request(url, answer);
          },
        });
        root.hidden = false;
      })
      .catch(function () {
        /* The embed stays hidden: nothing to offer. */
      });
  }

  document.querySelectorAll("[data-nps-survey]").forEach(function (root) {
    if (root.dataset.npsSurvey === "customer") startCustomer(root);
    else startToken(root);
  });
})();
