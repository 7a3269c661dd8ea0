// The homepage's in-browser check: does this device reach the box's HTTPS address? The box
// cannot see the device's DNS, so the device asks: it fetches /iot_drivers/ping over HTTPS
// (3 s at most) and the paragraph says plainly what happened and, when it failed, what to change.
"use strict";
(function () {
  var note = document.getElementById("reachability");
  if (!note || !window.fetch) return;
  var pingURL = note.getAttribute("data-ping-url");
  var httpsURL = note.getAttribute("data-https-url");
  note.textContent = "Checking whether this device reaches " + httpsURL + " …";
  var controller = window.AbortController ? new AbortController() : null;
  var timer = setTimeout(function () { if (controller) controller.abort(); }, 3000);
  function say(reached, text) {
    clearTimeout(timer);
    note.className = "reachability " + (reached ? "reachability-ok" : "reachability-failed");
    note.setAttribute("data-reachable", reached ? "yes" : "no");
    note.textContent = text;
  }
  fetch(pingURL, { mode: "cors", cache: "no-store", credentials: "omit", signal: controller ? controller.signal : undefined })
    .then(function (response) { return response.json(); })
    .then(function (answer) {
      if (answer && answer.message === "pong") {
        say(true, "This device reaches the secure address " + httpsURL + ".");
      } else {
        throw new Error("unexpected answer");
      }
    })
    .catch(function () {
      say(false, "This device does not reach the secure address " + httpsURL + " within 3 seconds. " +
        "Its DNS does not send the name to this box: change the DNS on the router, or on this device " +
        "(the browser may show DNS_PROBE_FINISHED_NXDOMAIN when opening the link).");
    });
})();
