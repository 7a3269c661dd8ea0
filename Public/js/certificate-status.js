// While a certificate check runs, reads /status.json every 1.5 s and updates the certificate
// banner in place: no reload, so what a person is typing and the page's one-time message stay.
// Only text is written (textContent), never markup. Without script, the notice's link does it.
"use strict";
(function () {
  var banner = document.getElementById("certificate-banner");
  var notice = document.getElementById("check-notice");
  if (!banner || !notice || !window.fetch || banner.getAttribute("data-state") !== "checking") return;
  var noticeText = notice.querySelector(".check-notice-text");
  var refresh = notice.querySelector(".check-notice-refresh");
  var showsPeriod = banner.getAttribute("data-shows-period") === "yes";
  var badges = { valid: "Valid", expiring: "Expiring", missing: "Missing", checking: "Checking", error: "Error" };
  var deadline = Date.now() + 150000;

  noticeText.textContent = "Checking the certificate… this page updates by itself. ";
  refresh.hidden = true;

  function days(count) { return count === 1 ? "1 day" : count + " days"; }

  function summary(certificate) {
    var left = certificate.days_left;
    switch (certificate.state) {
      case "valid":
        return "The box serves its pages over HTTPS." + (left === null ? "" : " " + days(left) + " left.");
      case "expiring":
        return (left === null ? "" : "Only " + days(left) + " left; ") + "the box renews the certificate automatically.";
      case "missing":
        return "The box has no certificate yet. Enter the credentials in the settings to obtain one.";
      case "checking":
        return "Checking the certificate…";
      default:
        return "The box could not obtain a certificate.";
    }
  }

  // "2026-11-26T10:00:30Z" as the pages write it: "2026-11-26 10:00:30 UTC".
  function when(text, seconds) {
    if (!text) return null;
    return text.slice(0, 10) + " " + text.slice(11, seconds ? 19 : 16) + " UTC";
  }

  function showFacts(certificate) {
    var rows = [
      ["Subject", certificate.subject],
      ["Valid from", showsPeriod ? when(certificate.not_before, false) : null],
      ["Valid until", when(certificate.not_after, false)],
      ["Last check", when(certificate.last_check, true)],
      ["Next try", when(certificate.next_retry, true)]
    ];
    var list = banner.querySelector("dl.facts");
    if (!list) {
      list = document.createElement("dl");
      list.className = "facts";
      banner.querySelector(".banner-state").insertAdjacentElement("afterend", list);
    }
    while (list.firstChild) list.removeChild(list.firstChild);
    rows.forEach(function (row) {
      if (row[1] === null || row[1] === undefined) return;
      var term = document.createElement("dt");
      term.textContent = row[0];
      var value = document.createElement("dd");
      value.textContent = row[1];
      list.appendChild(term);
      list.appendChild(value);
    });
  }

  function show(certificate) {
    var state = badges[certificate.state] ? certificate.state : "error";
    banner.className = "card banner banner-" + state;
    banner.setAttribute("data-state", state);
    var badge = banner.querySelector(".badge");
    badge.className = "badge badge-" + state;
    badge.textContent = badges[state];
    banner.querySelector(".banner-summary").textContent = summary(certificate);
    showFacts(certificate);
  }

  function finish(text) {
    noticeText.textContent = text + " ";
    refresh.textContent = "Refresh the page to see everything";
    refresh.hidden = false;
    notice.setAttribute("data-done", "yes");
  }

  function poll() {
    fetch("/status.json", { cache: "no-store", credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        var certificate = status.certificate;
        show(certificate);
        if (certificate.state !== "checking") {
          var error = certificate.error;
          finish(error ? "The check has ended with " + error.code + (error.http_status ? " " + error.http_status : "") +
            ": the full page says what it means and what to do." : "The check has ended.");
        } else if (Date.now() > deadline) {
          finish("The check is still running.");
        } else {
          setTimeout(poll, 1500);
        }
      })
      .catch(function () {
        if (Date.now() > deadline) finish("The box did not answer.");
        else setTimeout(poll, 1500);
      });
  }
  setTimeout(poll, 1500);
})();
