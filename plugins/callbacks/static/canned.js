// Put the chosen canned reply into the reply box; the agent can still edit it.
(function () {
  var pick = document.querySelector("select[data-canned]");
  if (!pick) return;
  var box = pick.form.querySelector("textarea");
  pick.insertAdjacentHTML("afterbegin", "<option value='' selected>—</option>");
  pick.addEventListener("change", function () { if (pick.value) box.value = pick.value; });
})();
