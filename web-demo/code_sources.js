// Fills each <code data-source> with the code that runs: a script file as the site serves it, or
// ("markup") the part of this page between its server-rendered markers, as it was served. Read
// from the source itself, the code shown cannot drift from the code that tracked the click.
const BEGIN = '<!-- server-rendered: begin -->';
const END = '<!-- server-rendered: end -->';

async function text(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.text();
}

function servedMarkup(page) {
  const begin = page.indexOf(BEGIN);
  const end = page.indexOf(END, begin);
  if (begin < 0 || end < 0) throw new Error(`the page has no ${BEGIN} … ${END} markers`);
  return page.slice(begin + BEGIN.length, end).trim();
}

export async function showSources(root = document) {
  const page = text(location.pathname);
  for (const code of root.querySelectorAll('code[data-source]')) {
    const source = code.dataset.source;
    code.textContent = source === 'markup' ? servedMarkup(await page) : (await text(source)).trim();
  }
}
