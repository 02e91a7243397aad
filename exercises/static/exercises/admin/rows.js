// "Add a row" for the exercise form's list fields (exercises/kinds/widgets.py): clone the last row, emptied.
document.addEventListener("click", function (event) {
  const button = event.target.closest(".kind-add-row");
  if (!button) return;
  event.preventDefault();
  const block = button.closest(".kind-rows");
  const rows = block.querySelectorAll(".kind-row");
  const last = rows[rows.length - 1];
  const copy = last.cloneNode(true);
  const name = block.dataset.name;
  copy.querySelectorAll("input").forEach(function (input) {
    input.value = "";
    // A list of lists names its inputs name-<row>: the new row takes the next number.
    const match = input.name.match(new RegExp("^" + name + "-(\\d+)$"));
    if (match) input.name = name + "-" + rows.length;
  });
  const label = copy.querySelector("b");
  if (label) label.textContent = label.textContent.replace(/\d+$/, String(rows.length + 1));
  last.after(copy);
  const first = copy.querySelector("input");
  if (first) first.focus();
});
