// Broadsheet site script: small enhancements over pages that already work without it.

// Click-to-load video. The page shows a poster with a plain link to the provider's page;
// nothing is requested from the provider until the reader clicks, and then the poster is
// swapped for the provider's player.
const PLAYER_ALLOW = "autoplay; encrypted-media; picture-in-picture";

function playerUrlOf(poster) {
  try {
    const url = new URL(poster.dataset.playerUrl, document.baseURI);
    return url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

function playVideo(poster) {
  const src = playerUrlOf(poster);
  if (!src) return false;
  const player = document.createElement("iframe");
  player.className = "video-player";
  player.src = src;
  player.title = poster.dataset.title || "Video";
  player.allow = PLAYER_ALLOW;
  player.setAttribute("allowfullscreen", "");
  // The site's own policy is same-origin; players refuse to start without the site origin.
  player.referrerPolicy = "strict-origin-when-cross-origin";
  poster.replaceWith(player);
  player.focus();
  return true;
}

function isPlainClick(event) {
  return event.button === 0 && !(event.ctrlKey || event.metaKey || event.shiftKey || event.altKey);
}

document.addEventListener("click", (event) => {
  const poster = event.target instanceof Element && event.target.closest(".video-poster");
  if (!poster || !isPlainClick(event)) return;
  if (playVideo(poster)) event.preventDefault();
});

// After a failed submit a page shows what went wrong in an error summary; focus goes there,
// so that keyboard and screen-reader users start from the message and its links.
const errorSummary = document.querySelector(".error-summary");
if (errorSummary) {
  if (!errorSummary.hasAttribute("tabindex")) errorSummary.tabIndex = -1;
  errorSummary.focus();
}
