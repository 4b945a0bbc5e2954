// Text that is clipped by its box, overlaps other text, or sits outside the viewport
// (except inside a region that scrolls on purpose, such as a wide table's). Run by
// assert_reflows in tests/browser/conftest.py; returns one line per problem.
() => {
  const problems = [];
  const describe = (el) =>
    el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (typeof el.className === 'string' && el.className.trim()
      ? '.' + el.className.trim().split(/\s+/).join('.') : '');
  // The content of a closed <details> keeps boxes Chrome does not paint.
  const hidden =
    '.visually-hidden, .skip-link:not(:focus), [hidden], script, style, template, option, ' +
    'details:not([open]) > :not(summary)';
  const scrolls = (el) => {
    for (let node = el; node && node !== document.body; node = node.parentElement) {
      const overflow = getComputedStyle(node).overflowX;
      if (overflow === 'auto' || overflow === 'scroll') return true;
    }
    return false;
  };
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest(hidden)) continue;
    const style = getComputedStyle(el);
    const clips = ['hidden', 'clip'];
    if ((clips.includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1) ||
        (clips.includes(style.overflowY) && el.scrollHeight > el.clientHeight + 1)) {
      problems.push('clipped: ' + describe(el));
    }
  }
  const boxes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  const width = document.documentElement.clientWidth;
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!node.textContent.trim() || el.closest(hidden)) continue;
    if (getComputedStyle(el).visibility === 'hidden') continue;
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      if (r.width < 1 || r.height < 1) continue;
      if ((r.left < -1 || r.right > width + 1) && !scrolls(el)) {
        problems.push('outside the viewport: "' + node.textContent.trim().slice(0, 40) + '"');
      }
      boxes.push({node, r});
    }
  }
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      if (a.node === b.node) continue;
      const x = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
      const y = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
      if (x > 2 && y > 2) {
        problems.push('overlap: "' + a.node.textContent.trim().slice(0, 40) + '" and "' +
          b.node.textContent.trim().slice(0, 40) + '"');
      }
    }
  }
  return [...new Set(problems)];
}
