// Test helper: a strict check of an HTML page's structure (every element closed, in order) and that it needs no network.

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);

/** Problems with the page's tags: unclosed, closed out of order, or stray closing tags; none for a well-formed page. */
export function htmlStructureProblems(html: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  const body = html.replace(/<!DOCTYPE html>/i, '').replace(/<!--[\s\S]*?-->/g, '');
  // style text holds no tags: skip it whole
  const text = body.replace(/(<style[^>]*>)[\s\S]*?(<\/style>)/g, '$1$2');
  const tag = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+(?:="[^"]*")?)*)\s*(\/?)>/g;
  let last = 0;
  for (let m = tag.exec(text); m !== null; m = tag.exec(text)) {
    const between = text.slice(last, m.index);
    if (/[<>]/.test(between)) problems.push(`a raw < or > outside a tag near "${between.slice(0, 40)}"`);
    last = tag.lastIndex;
    const [, closing, name, , selfClosing] = m;
    const n = name.toLowerCase();
    if (closing) {
      const open = stack.pop();
      if (open !== n) problems.push(`</${n}> closes <${open ?? 'nothing'}>`);
    } else if (!selfClosing && !VOID.has(n)) stack.push(n);
  }
  if (/[<>]/.test(text.slice(last))) problems.push('a raw < or > after the last tag');
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(' > ')}`);
  return problems;
}

/** What would make the page reach the network: scripts, stylesheets, images or fonts from elsewhere. */
export function networkReferences(html: string): string[] {
  const found: string[] = [];
  for (const m of html.matchAll(/\b(src|href|xlink:href|action|srcset)\s*=\s*"([^"]*)"/gi))
    if (!m[2].startsWith('#')) found.push(`${m[1]}="${m[2]}"`);
  for (const m of html.matchAll(/url\(\s*['"]?([^)'"]*)/gi)) if (!m[1].startsWith('#')) found.push(`url(${m[1]})`);
  for (const m of html.matchAll(/https?:\/\/[^\s"'<>)]+/gi)) found.push(m[0]);
  for (const m of html.matchAll(/<(script|link|iframe|object|embed|img)\b/gi)) found.push(`<${m[1]}>`);
  for (const m of html.matchAll(/@import/gi)) found.push(m[0]);
  return found;
}
