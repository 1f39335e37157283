// Fava loads an extension's module on every page it shows (Fava's extension API, 1.26+)
// and calls init() once. The Funds page needs no script; this module only adds a small
// stylesheet for Fava's own Import page, which at phone width lays each file's row out
// wider than the screen (a 40-character input beside its buttons), so the file names and
// buttons sit behind a sideways scroll. Only layout: nothing is fetched or changed.
const PHONE_CSS = `
@media (max-width: 640px) {
  .filelist form.flex-row { flex-wrap: wrap; }
  .filelist form.flex-row > * { min-width: 0; max-width: 100%; }
  .filelist form.flex-row > input { width: 100%; box-sizing: border-box; }
  .filelist .header { min-width: 0; overflow-wrap: anywhere; }
}
`;

export default {
  init() {
    if (document.getElementById("fundledger-phone-css")) {
      return;
    }
    const style = document.createElement("style");
    style.id = "fundledger-phone-css";
    style.textContent = PHONE_CSS;
    document.head.append(style);
  },
};
