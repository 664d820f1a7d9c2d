// Suggest existing answers while a shopper types a question.
(function () {
  var form = document.querySelector("form.faq-ask[data-suggest]");
  if (!form) return;
  var box = form.querySelector("textarea"), list = form.querySelector(".faq-suggestions"), timer;
  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = box.value.trim();
      if (q.length < 2) { list.hidden = true; return; }
      fetch(form.dataset.suggest + "?q=" + encodeURIComponent(q), {headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : {results: []}; })
        .then(function (data) {
          list.textContent = "";
          data.results.forEach(function (item) {
            var li = document.createElement("li"), a = document.createElement("a");
            a.href = item.url; a.textContent = item.question; li.appendChild(a); list.appendChild(li);
          });
          list.hidden = data.results.length === 0;
        });
    }, 250);
  });
})();
