/**
 * A strict well-formedness check for the XML we write (no DTDs, no CDATA): balanced tags, quoted
 * attributes, known entities, no raw `<` or `&` in text. Returns the element names in document order.
 */
export function checkWellFormed(xml: string): string[] {
  const names: string[] = [];
  const stack: string[] = [];
  let rest = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const entity = /&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;
  const checkText = (t: string) => {
    if (/[<>]/.test(t.replace(entity, ''))) throw new Error(`raw markup character in text: ${t.slice(0, 80)}`);
    if (/&/.test(t.replace(entity, ''))) throw new Error(`bare & in text: ${t.slice(0, 80)}`);
  };
  while (rest.length) {
    const lt = rest.indexOf('<');
    if (lt < 0) {
      checkText(rest);
      if (rest.trim()) throw new Error('text after the root element');
      break;
    }
    checkText(rest.slice(0, lt));
    rest = rest.slice(lt);
    const m = /^<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*="[^"<]*")*)\s*(\/?)>/.exec(rest);
    if (!m) throw new Error(`malformed tag at: ${rest.slice(0, 80)}`);
    const [whole, closing, name, attrs, selfClosing] = m;
    for (const a of attrs!.matchAll(/="([^"]*)"/g)) checkText(a[1]!);
    if (closing) {
      if (stack.pop() !== name) throw new Error(`mismatched </${name}>`);
    } else {
      names.push(name!);
      if (!selfClosing) stack.push(name!);
      if (stack.length === 0 && selfClosing && names.length === 1) break;
    }
    rest = rest.slice(whole!.length);
  }
  if (stack.length) throw new Error(`unclosed <${stack.join('>, <')}>`);
  return names;
}
