// etjanst portal: the only script. The pages work without it; it adds
// focus management for error summaries and the animated BankID QR code.
(function () {
  'use strict';

  // Move focus to the error summary so it is read out, and let its links
  // focus the field they name.
  var summary = document.getElementById('error-summary');
  if (summary) {
    summary.focus();
    summary.addEventListener('click', function (e) {
      var a = e.target.closest('a[href^="#"]');
      if (!a) { return; }
      var el = document.getElementById(a.getAttribute('href').slice(1));
      if (el) {
        e.preventDefault();
        el.scrollIntoView({ block: 'center' });
        el.focus();
      }
    });
  }

  // BankID: refresh the QR code every second and follow the order; when it
  // completes, continue the login as the button would.
  var status = document.getElementById('status');
  var cont = document.getElementById('continue');
  if (!status || !cont) { return; }
  var qr = document.getElementById('qr');
  var n = 0;
  var done = false;
  var busy = false;
  var timer = window.setInterval(function () {
    if (done || busy) { return; }
    busy = true;
    n += 1;
    if (qr) { qr.src = '/login/qr.svg?n=' + n; }
    fetch('/login/status', { headers: { 'Accept': 'application/json' }, credentials: 'same-origin' })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.message && status.textContent !== s.message) { status.textContent = s.message; }
        if (s.state === 'complete') {
          done = true;
          window.clearInterval(timer);
          cont.submit();
        } else if (s.state === 'failed' || s.state === 'none') {
          done = true;
          window.clearInterval(timer);
          if (qr) { qr.hidden = true; }
        }
      })
      .catch(function () {})
      .then(function () { busy = false; });
  }, 1000);
})();
