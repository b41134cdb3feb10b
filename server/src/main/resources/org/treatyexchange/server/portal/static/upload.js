// Treaty Exchange portal: upload progress. Optional: every form works without it (a plain POST).
// Loaded as a file from this origin (the CSP allows no inline script); touches only forms marked data-progress.
(function () {
  'use strict';
  document.addEventListener('DOMContentLoaded', function () {
    var forms = document.querySelectorAll('form[data-progress]');
    Array.prototype.forEach.call(forms, function (form) {
      var bar = form.querySelector('progress');
      if (!bar || !window.XMLHttpRequest || !window.FormData) { return; }
      form.addEventListener('submit', function (event) {
        event.preventDefault();
        var xhr = new XMLHttpRequest();
        xhr.open('POST', form.action);
        bar.classList.remove('hidden');
        xhr.upload.addEventListener('progress', function (e) {
          if (e.lengthComputable) { bar.max = e.total; bar.value = e.loaded; }
        });
        xhr.addEventListener('load', function () {
          // The server answers with the page to show (the receipt, or the form with its errors).
          document.open(); document.write(xhr.responseText); document.close();
          if (xhr.responseURL) { window.history.replaceState(null, '', xhr.responseURL); }
        });
        xhr.addEventListener('error', function () { form.submit(); });
        xhr.send(new FormData(form));
      });
    });
  });
})();
