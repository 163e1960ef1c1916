// A small parser for call-like values: `poisson(400/s)`, `exp(mean=2ms)`, `mix(0.99: exp(mean=2ms), 0.01: 200ms)`.

/** A parsed value: a literal token (`2ms`, `400/s`, `0.9`) or a call `name(args)`. Offsets index the source text. */
export type Expr = Literal | Call;
export interface Literal {
  readonly type: 'literal';
  readonly text: string;
  readonly offset: number;
}
export interface Call {
  readonly type: 'call';
  readonly name: string;
  readonly args: readonly Arg[];
  readonly offset: number;
  /** The call's source text, for messages. */
  readonly text: string;
}
/** `key=value`, `weight: value` (mixtures) or a bare positional value. */
export interface Arg {
  readonly key?: string;
  readonly weight?: Literal;
  readonly value: Expr;
  readonly offset: number;
}

export class ExprSyntaxError extends Error {
  constructor(
    readonly expected: string,
    readonly found: string,
    readonly offset: number,
  ) {
    super(`expected ${expected}, found ${found}`);
  }
}

const IDENT = /[A-Za-z_][A-Za-z0-9_-]*/y;
// a literal runs to the next delimiter: `2ms`, `1.5e3us`, `400/s`, `0.5%`, `p99.9`
const LITERAL = /[^\s(),:=]+/y;

/** Parse `text` into an expression, or throw ExprSyntaxError with the offset of the problem. */
export function parseExpr(text: string): Expr {
  const p = new Parser(text);
  const e = p.expr();
  p.ws();
  if (p.pos < text.length) throw new ExprSyntaxError('the end of the value', JSON.stringify(text.slice(p.pos)), p.pos);
  return e;
}

class Parser {
  pos = 0;
  constructor(private readonly s: string) {}

  ws(): void {
    while (this.pos < this.s.length && /\s/.test(this.s[this.pos])) this.pos++;
  }

  expr(): Expr {
    this.ws();
    const start = this.pos;
    IDENT.lastIndex = start;
    const id = IDENT.exec(this.s);
    if (id) {
      const after = start + id[0].length;
      let j = after;
      while (j < this.s.length && /\s/.test(this.s[j])) j++;
      if (this.s[j] === '(') {
        this.pos = j + 1;
        const args = this.args();
        return { type: 'call', name: id[0], args, offset: start, text: this.s.slice(start, this.pos) };
      }
    }
    return this.literal();
  }

  literal(): Literal {
    this.ws();
    const start = this.pos;
    LITERAL.lastIndex = start;
    const m = LITERAL.exec(this.s);
    if (!m) throw new ExprSyntaxError('a value', this.foundHere(), start);
    this.pos = start + m[0].length;
    return { type: 'literal', text: m[0], offset: start };
  }

  args(): Arg[] {
    const args: Arg[] = [];
    this.ws();
    if (this.s[this.pos] === ')') {
      this.pos++;
      return args;
    }
    for (;;) {
      this.ws();
      const start = this.pos;
      // key=value | weight: value | value
      const first = this.expr();
      this.ws();
      const c = this.s[this.pos];
      let arg: Arg;
      if (c === '=' && first.type === 'literal') {
        this.pos++;
        arg = { key: first.text, value: this.expr(), offset: start };
      } else if (c === ':' && first.type === 'literal') {
        this.pos++;
        arg = { weight: first, value: this.expr(), offset: start };
      } else {
        arg = { value: first, offset: start };
      }
      args.push(arg);
      this.ws();
      const d = this.s[this.pos];
      if (d === ',') {
        this.pos++;
        continue;
      }
      if (d === ')') {
        this.pos++;
        return args;
      }
      throw new ExprSyntaxError('"," or ")"', this.foundHere(), this.pos);
    }
  }

  private foundHere(): string {
    return this.pos >= this.s.length ? 'the end of the value' : JSON.stringify(this.s.slice(this.pos, this.pos + 12));
  }
}
