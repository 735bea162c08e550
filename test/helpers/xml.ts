/**
 * A strict XML 1.0 well-formedness check that returns the element tree, for tests of files
 * CI systems must parse (JUnit). No XML parser ships with Node; this one refuses what a
 * conforming parser refuses in the documents we write: characters outside the Char
 * production, bad names, unquoted or duplicate attributes, `<` in values, unknown or bad
 * entity references, `]]>` in text, mismatched or unclosed tags, content outside the root.
 * (No DTDs, no namespaces checks: we never write them.)
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** Decoded text directly inside this element. */
  text: string;
}

const CHAR = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
const NAME = /^[A-Za-z_:][-A-Za-z0-9._:]*$/;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(raw: string, where: string): string {
  return raw.replace(/&([^;]*);?/g, (match, body: string) => {
    if (!match.endsWith(';')) throw new Error(`bare & in ${where}`);
    if (body in ENTITIES) return ENTITIES[body] as string;
    const numeric = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(body);
    if (!numeric) throw new Error(`unknown entity &${body}; in ${where}`);
    const code = numeric[1] !== undefined ? parseInt(numeric[1], 16) : Number(numeric[2]);
    const char = code <= 0x10ffff ? String.fromCodePoint(code) : '';
    if (!char || !CHAR.test(char) || (code >= 0xd800 && code <= 0xdfff)) throw new Error(`character reference to a non-XML character &${body}; in ${where}`);
    return char;
  });
}

export function parseXml(xml: string): XmlElement {
  if (!CHAR.test(xml)) {
    const bad = [...xml].find((c) => !CHAR.test(c)) ?? '';
    throw new Error(`character U+${(bad.codePointAt(0) ?? 0).toString(16).padStart(4, '0')} is not allowed in XML 1.0`);
  }
  let i = 0;
  const declaration = /^<\?xml\s+version="1\.0"(\s+encoding="[A-Za-z][-A-Za-z0-9._]*")?\s*\?>/.exec(xml);
  if (declaration) i = declaration[0].length;
  else if (xml.startsWith('<?xml')) throw new Error('malformed XML declaration');
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt === -1 ? xml.length : lt);
    if (text) {
      if (text.includes(']]>')) throw new Error("']]>' in text");
      const parent = stack[stack.length - 1];
      if (!parent) {
        if (text.trim() !== '') throw new Error(`text outside the root element: ${JSON.stringify(text.slice(0, 40))}`);
      } else parent.text += decode(text, `text of <${parent.name}>`);
    }
    if (lt === -1) break;
    i = lt;
    if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i + 4);
      if (end === -1 || xml.slice(i + 4, end).includes('--')) throw new Error('malformed comment');
      i = end + 3;
      continue;
    }
    if (xml.startsWith('<![CDATA[', i)) {
      const end = xml.indexOf(']]>', i);
      const parent = stack[stack.length - 1];
      if (end === -1 || !parent) throw new Error('malformed or misplaced CDATA');
      parent.text += xml.slice(i + 9, end);
      i = end + 3;
      continue;
    }
    const gt = xml.indexOf('>', i);
    if (gt === -1) throw new Error('unterminated tag');
    const tag = xml.slice(i + 1, gt);
    i = gt + 1;
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trimEnd();
      const open = stack.pop();
      if (!open || open.name !== name) throw new Error(`</${name}> closes <${open?.name ?? 'nothing'}>`);
      continue;
    }
    if (tag.startsWith('?') || tag.startsWith('!')) throw new Error(`unexpected <${tag.slice(0, 10)}`);
    const selfClosing = tag.endsWith('/');
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const nameMatch = /^[^\s]+/.exec(body);
    const name = nameMatch?.[0] ?? '';
    if (!NAME.test(name)) throw new Error(`bad element name ${JSON.stringify(name)}`);
    const element: XmlElement = { name, attributes: {}, children: [], text: '' };
    let rest = body.slice(name.length);
    while (rest.trim() !== '') {
      const match = /^\s+([^\s=]+)\s*=\s*("([^"]*)"|'([^']*)')/.exec(rest);
      if (!match) throw new Error(`malformed attributes in <${name}${rest.slice(0, 40)}`);
      const attribute = match[1] as string;
      const raw = match[3] ?? match[4] ?? '';
      if (!NAME.test(attribute)) throw new Error(`bad attribute name ${JSON.stringify(attribute)}`);
      if (attribute in element.attributes) throw new Error(`duplicate attribute ${attribute} on <${name}>`);
      if (raw.includes('<')) throw new Error(`'<' in attribute ${attribute} of <${name}>`);
      // Attribute-value normalization: literal whitespace becomes a space, references do not.
      element.attributes[attribute] = decode(raw.replace(/[\t\n\r]/g, ' '), `attribute ${attribute} of <${name}>`);
      rest = rest.slice(match[0].length);
    }
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(element);
    else if (root) throw new Error(`a second root element <${name}>`);
    else root = element;
    if (!selfClosing) stack.push(element);
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack[stack.length - 1]?.name}>`);
  if (!root) throw new Error('no root element');
  return root;
}

/** Every element named `name` under `element`, depth first. */
export function findAll(element: XmlElement, name: string): XmlElement[] {
  const found: XmlElement[] = [];
  const visit = (e: XmlElement): void => {
    if (e.name === name) found.push(e);
    e.children.forEach(visit);
  };
  visit(element);
  return found;
}
