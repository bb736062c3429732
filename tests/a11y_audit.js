// An accessibility audit of the screen as it is now, run in the app's window by the E2E tests
// (WebDriver's execute). Returns a list of problems, empty when the screen passes:
//  - every visible control (button, link, input, select, textarea, role=button/tab) has an
//    accessible name: aria-labelledby, aria-label, a <label>, its text or an image's alt, title
//    (a placeholder is not a name);
//  - every visible image has an alt attribute (empty for decoration);
//  - every visible text has a contrast ratio against its background of at least 4.5 (3 for large
//    text: 24 px, or 18.66 px bold), WCAG 2.1 AA; disabled controls are exempt;
//  - the document says its language;
//  - sizes (ADR 0004, MIIT 适老化 §1.1, §1.2, §2.1), by `mode` ('standard' or 'elder', the
//    harness's argument; the document's `data-mode` must agree): every visible control is at least
//    44 × 44 px (60 × 60 in elder mode), a checkbox or radio measured with its <label>; every
//    visible text is at least 14 px (18 px in elder mode) with a line height of at least 1.3 ×
//    its size; elements of 1 × 1 px (`.visually-hidden`) and under aria-hidden are skipped;
//  - every visible placeholder has a contrast of at least 4.5 against the field's background. Its
//    colour is read from the stylesheets' `::placeholder` rules whose selector, up to the
//    pseudo-element, matches the field (the last one in document order wins); a field no rule
//    colours keeps the engine's pale grey and is reported;
//  - no visible control or text runs past the window's right edge (a field wider than its card
//    in elder mode, a value cut off), unless a container that scrolls sideways holds it.
// Each problem names the element (tag, id, classes), never its text.
((mode) => {
  mode = mode || 'standard';
  const elder = mode === 'elder';
  const minTarget = elder ? 60 : 44;
  const minText = elder ? 18 : 14;
  const problems = [];
  if ((document.documentElement.dataset.mode || 'standard') !== mode) {
    problems.push(`html: data-mode is ${document.documentElement.dataset.mode}, expected ${mode}`);
  }
  const visible = (el) => {
    const s = getComputedStyle(el);
    if (s.display === 'none' || s.visibility === 'hidden') return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const describe = (el) => {
    let d = el.tagName.toLowerCase();
    if (el.id) d += '#' + el.id;
    if (typeof el.className === 'string' && el.className.trim()) {
      d += '.' + el.className.trim().split(/\s+/).join('.');
    }
    return d;
  };
  const textOf = (el) => (el.innerText || el.textContent || '').trim();
  const accessibleName = (el) => {
    const by = el.getAttribute('aria-labelledby');
    if (by) {
      const t = by.split(/\s+/).map((id) => document.getElementById(id)).filter(Boolean)
        .map(textOf).join(' ').trim();
      if (t) return t;
    }
    const aria = (el.getAttribute('aria-label') || '').trim();
    if (aria) return aria;
    if (el.labels && el.labels.length) {
      const t = Array.from(el.labels).map(textOf).join(' ').trim();
      if (t) return t;
    }
    const role = el.getAttribute('role');
    if (['BUTTON', 'A', 'SUMMARY'].includes(el.tagName) || role === 'button' || role === 'tab') {
      const t = textOf(el);
      if (t) return t;
      const img = el.querySelector('img[alt]');
      if (img && img.alt.trim()) return img.alt.trim();
    }
    if (el.tagName === 'INPUT' && ['button', 'submit', 'reset'].includes(el.type) && el.value.trim()) {
      return el.value.trim();
    }
    return (el.getAttribute('title') || '').trim();
  };

  if (!document.documentElement.lang) problems.push('html has no lang');

  // An element drawn as a point, as `.visually-hidden` does: present for screen readers only.
  const point = (r) => r.width <= 1 && r.height <= 1;
  const controls = 'button, a[href], input:not([type=hidden]), select, textarea, summary, [role=button], [role=tab]';
  for (const el of document.querySelectorAll(controls)) {
    if (!visible(el)) continue;
    if (!accessibleName(el)) problems.push(`${describe(el)}: no accessible name`);
    let r = el.getBoundingClientRect();
    if (point(r)) continue;
    if (el.tagName === 'INPUT' && ['checkbox', 'radio'].includes(el.type) && el.labels) {
      // The label is what a finger taps: the larger of the box and its labels.
      for (const label of el.labels) {
        const l = label.getBoundingClientRect();
        if (l.width * l.height > r.width * r.height) r = l;
      }
    }
    // Half a pixel of slack for layout rounding.
    if (r.width + 0.5 < minTarget || r.height + 0.5 < minTarget) {
      problems.push(`${describe(el)}: target ${Math.round(r.width)} × ${Math.round(r.height)} < ${minTarget} × ${minTarget}`);
    }
  }
  for (const img of document.querySelectorAll('img')) {
    if (visible(img) && !img.hasAttribute('alt')) problems.push(`${describe(img)}: no alt`);
  }

  const parse = (c) => {
    const m = /rgba?\(([^)]+)\)/.exec(c);
    if (!m) return null;
    const p = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a),
    g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a),
    a: 1,
  });
  const luminance = ({ r, g, b }) => {
    const f = (v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  // The colour behind `el`: its own and its ancestors' backgrounds, composed; null when an image
  // or gradient is behind it (not measured).
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.backgroundImage && s.backgroundImage !== 'none') return null;
      const c = parse(s.backgroundColor);
      if (c && c.a > 0) {
        layers.push(c);
        if (c.a >= 1) break;
      }
    }
    let bg = { r: 255, g: 255, b: 255, a: 1 };
    for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
    return bg;
  };
  const contrast = (fg, bg) => {
    const a = luminance(over(fg, bg));
    const b = luminance(bg);
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  };
  let measured = 0;
  for (const el of document.querySelectorAll('body *')) {
    const own = Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
    if (!own || !visible(el)) continue;
    const s = getComputedStyle(el);
    if (!point(el.getBoundingClientRect()) && !el.closest('[aria-hidden=true]')) {
      const px = parseFloat(s.fontSize);
      if (px + 0.01 < minText) problems.push(`${describe(el)}: text ${px} px < ${minText} px`);
      const line = parseFloat(s.lineHeight);
      if (s.lineHeight === 'normal' || !(line + 0.01 >= 1.3 * px)) {
        problems.push(`${describe(el)}: line height ${s.lineHeight} < 1.3 × ${px} px`);
      }
    }
    if (el.closest(':disabled, [aria-disabled=true]')) continue;
    const bg = background(el);
    const fg = parse(s.color);
    if (!bg || !fg) continue;
    const ratio = contrast(fg, bg);
    const size = parseFloat(s.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700);
    const needed = large ? 3 : 4.5;
    measured += 1;
    if (ratio < needed) {
      problems.push(`${describe(el)}: contrast ${ratio.toFixed(2)} < ${needed} (${s.color} on rgb(${Math.round(bg.r)}, ${Math.round(bg.g)}, ${Math.round(bg.b)}))`);
    }
  }
  if (measured === 0) problems.push('no text measured: the screen is empty or the audit is broken');

  // Placeholders: the colour of the last `::placeholder` rule that matches the field.
  const placeholderRules = [];
  for (const sheet of document.styleSheets) {
    let rules;
    try { rules = sheet.cssRules; } catch (_) { continue; }
    for (const rule of rules) {
      if (rule.selectorText && rule.selectorText.includes('placeholder') && rule.style.color) {
        placeholderRules.push(rule);
      }
    }
  }
  // A colour as the engine computes it where the field is (so `var(--x)` resolves).
  const computed = (el, color) => {
    const probe = document.createElement('span');
    probe.style.color = color;
    (el.parentElement || document.body).append(probe);
    const c = getComputedStyle(probe).color;
    probe.remove();
    return c;
  };
  for (const el of document.querySelectorAll('input[placeholder], textarea[placeholder]')) {
    if (!el.placeholder.trim() || !visible(el) || point(el.getBoundingClientRect())) continue;
    let color = null;
    let opacity = 1;
    for (const rule of placeholderRules) {
      for (const part of rule.selectorText.split(',')) {
        const at = part.search(/::?(-webkit-input-)?placeholder/);
        if (at < 0) continue;
        const prefix = part.slice(0, at).trim() || '*';
        let matches = false;
        try { matches = el.matches(prefix); } catch (_) { /* a selector this engine cannot match */ }
        if (matches) {
          color = rule.style.color;
          opacity = rule.style.opacity === '' ? 1 : Number(rule.style.opacity);
        }
      }
    }
    if (!color) {
      problems.push(`${describe(el)}: placeholder has the engine's own colour (no ::placeholder rule)`);
      continue;
    }
    const fg = parse(computed(el, color));
    const bg = background(el);
    if (!fg || !bg) continue;
    fg.a *= opacity;
    const ratio = contrast(fg, bg);
    if (ratio < 4.5) problems.push(`${describe(el)}: placeholder contrast ${ratio.toFixed(2)} < 4.5`);
  }
  // Past the right edge: controls and the elements that hold text, not decoration (a watermark
  // may overflow a box that clips it; so may anything inside a sideways scroller).
  const clippedOrScrolled = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'hidden' || o === 'clip' || o === 'auto' || o === 'scroll') return true;
    }
    return false;
  };
  const edge = document.documentElement.clientWidth;
  for (const el of document.querySelectorAll(`${controls}, p, h1, h2, h3, label, dd, dt, li`)) {
    if (!visible(el)) continue;
    const r = el.getBoundingClientRect();
    if (point(r) || r.right <= edge + 0.5 || clippedOrScrolled(el)) continue;
    problems.push(`${describe(el)}: runs past the right edge (${Math.round(r.right)} > ${edge} px)`);
  }
  return problems;
})(arguments[0])
