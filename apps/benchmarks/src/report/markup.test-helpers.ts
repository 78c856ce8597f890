// A small well-formedness checker for the markup the renderers produce (no parser dependency): tags
// balance, attributes are quoted and unique, '<' and '&' never appear raw in text or attribute values.

const VOID_HTML = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);
const RAW_TEXT_HTML = new Set(['style', 'script']);
const NAME = /^[A-Za-z_][-A-Za-z0-9_.:]*/;
const ATTRIBUTE = /^([A-Za-z_:][-A-Za-z0-9_.:]*)\s*=\s*("[^"]*"|'[^']*')/;
const ENTITY = /^&(#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);/;

/**
 * Problems that make `markup` ill-formed; empty when well-formed. 'xml' (an SVG document) also demands a
 * single root element; 'html' allows a leading doctype, void elements and raw-text <style>.
 */
export function markupErrors(markup: string, mode: 'xml' | 'html'): string[] {
  const errors: string[] = [];
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  const checkText = (text: string, where: string): void => {
    for (let j = text.indexOf('&'); j >= 0; j = text.indexOf('&', j + 1)) {
      if (!ENTITY.test(text.slice(j))) errors.push(`raw '&' in ${where}: ${text.slice(j, j + 20)}`);
    }
    if (text.includes('<')) errors.push(`raw '<' in ${where}`);
  };
  while (i < markup.length) {
    const lt = markup.indexOf('<', i);
    const text = markup.slice(i, lt < 0 ? markup.length : lt);
    checkText(text, 'text');
    if (stack.length === 0 && text.trim() !== '') errors.push(`text outside the root: ${text.trim().slice(0, 30)}`);
    if (lt < 0) break;
    const rest = markup.slice(lt);
    if (rest.startsWith('<!--')) {
      const end = markup.indexOf('-->', lt);
      if (end < 0) return [...errors, 'unterminated comment'];
      i = end + 3;
      continue;
    }
    if (rest.startsWith('<!')) {
      if (mode !== 'html' || !/^<!doctype html>/i.test(rest) || markup.slice(0, lt).trim() !== '') errors.push('unexpected declaration');
      i = lt + rest.indexOf('>') + 1;
      continue;
    }
    if (rest.startsWith('</')) {
      const name = NAME.exec(rest.slice(2))?.[0];
      const close = rest.indexOf('>');
      if (name === undefined || close < 0 || rest.slice(2 + name.length, close).trim() !== '') return [...errors, `bad end tag at ${lt}`];
      const open = stack.pop();
      if (open !== name) errors.push(`</${name}> closes <${open ?? 'nothing'}> at ${lt}`);
      i = lt + close + 1;
      continue;
    }
    const name = NAME.exec(rest.slice(1))?.[0];
    if (name === undefined) return [...errors, `raw '<' at ${lt}: ${rest.slice(0, 20)}`];
    let j = 1 + name.length;
    const seen = new Set<string>();
    let selfClosing = false;
    for (;;) {
      const spaced = /^\s+/.exec(rest.slice(j))?.[0].length ?? 0;
      j += spaced;
      if (rest.startsWith('/>', j)) {
        selfClosing = true;
        j += 2;
        break;
      }
      if (rest.startsWith('>', j)) {
        j += 1;
        break;
      }
      const attribute = ATTRIBUTE.exec(rest.slice(j));
      if (attribute === null || spaced === 0) return [...errors, `unquoted or malformed attribute in <${name}> at ${lt}: ${rest.slice(j, j + 30)}`];
      if (seen.has(attribute[1])) errors.push(`duplicate attribute ${attribute[1]} in <${name}>`);
      seen.add(attribute[1]);
      checkText(attribute[2].slice(1, -1), `attribute ${attribute[1]} of <${name}>`);
      j += attribute[0].length;
    }
    if (stack.length === 0) roots++;
    i = lt + j;
    if (selfClosing || (mode === 'html' && VOID_HTML.has(name.toLowerCase()))) continue;
    if (mode === 'html' && RAW_TEXT_HTML.has(name.toLowerCase())) {
      const end = markup.toLowerCase().indexOf(`</${name.toLowerCase()}`, i);
      if (end < 0) return [...errors, `unterminated <${name}>`];
      i = end;
    }
    stack.push(name);
  }
  if (stack.length > 0) errors.push(`unclosed: ${stack.join(' > ')}`);
  if (mode === 'xml' && roots !== 1) errors.push(`${roots} root elements`);
  return errors;
}

/** The attributes (entities decoded) of every `<name ...>` element in `markup`, in document order. */
export function elementsNamed(markup: string, name: string): Array<Record<string, string>> {
  const tags = markup.matchAll(new RegExp(`<${name}((?:\\s+[^\\s=>/]+\\s*=\\s*(?:"[^"]*"|'[^']*'))*)\\s*/?>`, 'g'));
  return [...tags].map((tag) => Object.fromEntries([...tag[1].matchAll(/([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)].map((a) => [a[1], decodeEntities(a[2] ?? a[3])])));
}

/** Every attribute (name, decoded value) in `markup`. */
export function allAttributes(markup: string): Array<[string, string]> {
  const attributes: Array<[string, string]> = [];
  for (const tag of markup.matchAll(/<[A-Za-z][^\s/>]*((?:\s+[^\s=>/]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*\/?>/g)) {
    for (const a of tag[1].matchAll(/([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) attributes.push([a[1], decodeEntities(a[2] ?? a[3])]);
  }
  return attributes;
}

/** Text with the five XML entities and numeric references decoded. */
export function decodeEntities(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (entity, body: string) =>
    body.startsWith('#x') ? String.fromCodePoint(parseInt(body.slice(2), 16)) : body.startsWith('#') ? String.fromCodePoint(Number(body.slice(1))) : (named[body] ?? entity),
  );
}

/** Every text node's content (entities decoded), to see what a reader would read. */
export function textContents(markup: string): string[] {
  return [...markup.matchAll(/>([^<]+)</g)].map((m) => decodeEntities(m[1]));
}
