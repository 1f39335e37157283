// Fava loads an extension's module on every page it shows (Fava's extension API, 1.26+)
// and calls init() once. It adds a small stylesheet for Fava's own Import page, which at
// phone width lays each file's row out wider than the screen (a 40-character input beside
// its buttons), so the file names and buttons sit behind a sideways scroll. And it makes
// a download the books refuse (a SOFA with a currency that has no rate, a statement no
// period of which may be published: HTTP 422 with the reason as text) say why beside
// its link: a plain link with `download` would do nothing visible.
const PHONE_CSS = `
@media (max-width: 640px) {
  .filelist form.flex-row { flex-wrap: wrap; }
  .filelist form.flex-row > * { min-width: 0; max-width: 100%; }
  .filelist form.flex-row > input { width: 100%; box-sizing: border-box; }
  .filelist .header { min-width: 0; overflow-wrap: anywhere; }
}
`;

function refused(link, text) {
  let note = link.nextElementSibling;
  if (!note || !note.classList.contains("refused")) {
    note = document.createElement("span");
    note.className = "refused";
    note.setAttribute("role", "alert");
    link.after(note);
  }
  note.textContent = ` ${text}`;
}

async function download(event) {
  const link = event.target.closest ? event.target.closest(".fl a[download]") : null;
  if (!link) {
    return;
  }
  event.preventDefault();
  let response;
  try {
    response = await fetch(link.href);
  } catch (error) {
    refused(link, `Download failed: ${error}`);
    return;
  }
  if (!response.ok) {
    refused(link, (await response.text()).trim() || `HTTP ${response.status}`);
    return;
  }
  const header = response.headers.get("Content-Disposition") || "";
  const found = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(header);
  const save = document.createElement("a");
  save.href = URL.createObjectURL(await response.blob());
  save.download = found ? decodeURIComponent(found[1]) : link.getAttribute("download");
  document.body.append(save);
  save.click();
  save.remove();
  setTimeout(() => URL.revokeObjectURL(save.href), 60000);
}

export default {
  init() {
    if (document.getElementById("fundledger-phone-css")) {
      return;
    }
    document.addEventListener("click", download);
    const style = document.createElement("style");
    style.id = "fundledger-phone-css";
    style.textContent = PHONE_CSS;
    document.head.append(style);
  },
};
