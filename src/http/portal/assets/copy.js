// A button with data-copy="<id>" copies the text of the element with that id; no inline script (the CSP forbids it).
/* global document, navigator, Element */
document.addEventListener('click', function (event) {
  var button = event.target instanceof Element ? event.target.closest('[data-copy]') : null
  if (!button) return
  var id = button.getAttribute('data-copy')
  var source = document.getElementById(id)
  var status = document.querySelector('[data-copy-status="' + id + '"]')
  if (!source || !navigator.clipboard) return
  navigator.clipboard.writeText(source.textContent || '').then(
    function () {
      if (status) status.textContent = 'Copied.'
    },
    function () {
      if (status) status.textContent = 'Could not copy: select the text and copy it.'
    },
  )
})
