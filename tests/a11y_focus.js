// The element that has the keyboard focus, as `tag#id.class…` ('' when none has), and whether
// the stylesheets give it a focus indicator (an outline or a shadow). Under Xvfb the window never
// has the system's focus, so `:focus` does not match and computed styles cannot tell; the rules
// are read instead: a rule whose selector, up to `:focus`/`:focus-visible`, matches the element
// (`:focus-within`: one of its ancestors) and that draws an outline or a shadow.
(() => {
  const e = document.activeElement;
  if (!e || e === document.body) return ['', false];
  let d = e.tagName.toLowerCase() + (e.id ? '#' + e.id : '');
  if (typeof e.className === 'string' && e.className.trim()) d += '.' + e.className.trim().split(/\s+/).join('.');
  const draws = (style) =>
    (style.outlineStyle && style.outlineStyle !== 'none' && style.outlineWidth !== '0px')
    || (style.outline && !/none|^0/.test(style.outline))
    || (style.boxShadow && style.boxShadow !== 'none');
  let shown = false;
  for (const sheet of document.styleSheets) {
    let rules;
    try { rules = sheet.cssRules; } catch (_) { continue; }
    for (const rule of rules) {
      if (!rule.selectorText || !rule.selectorText.includes(':focus') || !draws(rule.style)) continue;
      for (const part of rule.selectorText.split(',')) {
        const at = part.indexOf(':focus');
        if (at < 0) continue;
        const prefix = part.slice(0, at).trim() || '*';
        const within = part.slice(at).startsWith(':focus-within');
        try {
          if (within ? e.closest(prefix) : e.matches(prefix)) shown = true;
        } catch (_) { /* a selector this engine cannot match */ }
      }
    }
  }
  return [d, shown];
})()
