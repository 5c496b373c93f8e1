// Review queue: "select all on this page" ticks every row's checkbox (the rows belong to the bulk form by form="").
(function () {
  const all = document.querySelector("[data-select-all]");
  if (!all) return;
  const boxes = () => Array.from(document.querySelectorAll(`input[type=checkbox][name="${all.dataset.selectAll}"]`));
  all.addEventListener("change", () => {
    boxes().forEach((box) => { box.checked = all.checked; });
  });
  document.addEventListener("change", (event) => {
    if (event.target === all || event.target.name !== all.dataset.selectAll) return;
    const list = boxes();
    const ticked = list.filter((box) => box.checked).length;
    all.checked = ticked === list.length && ticked > 0;
    all.indeterminate = ticked > 0 && ticked < list.length;
  });
})();
