// The join page: a typed team code leads to the team's page.
import { LANG } from "./klas.js";

document.getElementById("join-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const code = document.getElementById("code").value.toUpperCase().replace(/[\s-]/g, "");
  if (code) location.href = `/t/${encodeURIComponent(code)}${LANG === "en" ? "?lang=en" : ""}`;
});
