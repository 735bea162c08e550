/**
 * Building the page without innerHTML: every string from a webhook, a fixture or a handler
 * becomes a text node, so none of it can turn into markup. Event handlers are functions
 * given to addEventListener, never attributes (the CSP forbids inline handlers anyway).
 */

export type Child = Node | string | number | null | undefined | false | Child[];
type AttrValue = string | number | boolean | null | undefined;
export type Attrs = Record<string, AttrValue | ((event: Event) => void)>;

function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

function setAttributes(el: Element, attrs: Attrs | null | undefined): void {
  if (!attrs) return;
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value === 'function') {
      if (!name.startsWith('on')) throw new Error(`${name}: only on* attributes take a function`);
      el.addEventListener(name.slice(2), value);
      continue;
    }
    // Markup-level handlers and inline styles are exactly what the CSP forbids; keep them out.
    if (/^on|^style$|^srcdoc$/i.test(name)) throw new Error(`refusing attribute ${name}`);
    if (value === null || value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttributes(el, attrs);
  append(el, children);
  return el;
}

const SVG = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  setAttributes(el, attrs);
  append(el, children);
  return el;
}

export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}
