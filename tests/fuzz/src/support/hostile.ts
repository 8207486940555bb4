import zlib from 'node:zlib';
import fc from 'fast-check';
import {
  CSRF_FIELD,
  encodeParams,
  encodeText,
  FORM_TYPE,
  type JsonTemplate,
  jsonRequest,
  type ParamsTemplate,
  paramsRequest,
  type RawRequest,
  type Refusal,
  type RequestTemplate,
} from './templates.js';

/** One hostile request and what the endpoint may answer to it. */
export interface HostileCase {
  description: string;
  request: RawRequest;
  /** `refuse`: must be a 4xx (or the WHM envelope's failure); `any`: may be accepted, never a 5xx. */
  expect: 'refuse' | 'any';
  /** Markup the request carried that must never come back unescaped. */
  markup: string[];
}

const ONE_MB = 1024 * 1024;

/** Markup payloads, each made unique by a number so a reflection is found exactly. */
const markupArb = fc
  .tuple(
    fc.constantFrom(
      (n: number) => `<script>alert(${n})</script>`,
      (n: number) => `"><svg onload=alert(${n})>`,
      (n: number) => `'><img src=x onerror=alert(${n})>`,
      (n: number) => `</textarea></title><script>alert(${n})</script>`,
      (n: number) => `<a href="javascript:alert(${n})">x${n}</a>`,
      (n: number) => `<iframe srcdoc="<script>alert(${n})</script>">`,
      (n: number) => `--><script>alert(${n})</script><!--`,
    ),
    fc.integer({ min: 100_000, max: 999_999 }),
  )
  .map(([make, n]) => make(n));

/** A field name that is one of the markup payloads (each carries `alert(NNNNNN)`). */
const markupIn = (name: string): string[] => (/alert\(\d{6}\)/.test(name) ? [name] : []);

const JS_URLS = [
  'javascript:alert(1)',
  'JaVaScRiPt:alert(document.cookie)',
  ' javascript:alert(1)',
  'data:text/html,<b>',
];

/** Text values that are not markup: odd characters, encodings, lengths and look-alikes. */
const oddTextArb = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(...JS_URLS),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\r\nSet-Cookie: injected=1',
    '%00',
    '%',
    '%G1%Z',
    '%%25%',
    '%u0041',
    '%C0%AF',
    '../../etc/passwd',
    '//evil.example/',
    '\\\\evil.example',
    '{"a":1}',
    '[1,2]',
    'null',
    '-1',
    '1e309',
    '0x41',
    '\u202e\u200b\ufeff',
    '\ud800',
    "' OR '1'='1",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, sent as text
    '${7*7}{{7*7}}',
    'ＡＤＭＩＮ',
  ),
  fc.string({ minLength: 300, maxLength: 5000 }),
);

const valueArb = fc.oneof(
  { weight: 3, arbitrary: markupArb.map((v) => ({ value: v, markup: [v] })) },
  { weight: 4, arbitrary: oddTextArb.map((v) => ({ value: v, markup: [] as string[] })) },
);

const fieldNameArb = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'a.b', 'x y', '', 'goto_uri', 'redirect'),
  fc.string({ minLength: 1, maxLength: 12 }),
  markupArb,
);

const INVALID_UTF8 = ['%FF', '%FE%FF', '%C3', '%C3%28', '%ED%A0%80', '%F8%88%80%80%80', '%80'];
const WRONG_TYPES = [
  'application/json',
  'text/plain',
  'text/html',
  'application/xml',
  'multipart/form-data; boundary=fuzz',
  'application/octet-stream',
  'application/x-www-form-urlencodedx',
];

/** Content codings the body parser decompresses, and what makes a body of each. */
const COMPRESSORS = {
  gzip: (data: Buffer) => zlib.gzipSync(data),
  deflate: (data: Buffer) => zlib.deflateSync(data),
  br: (data: Buffer) => zlib.brotliCompressSync(data),
} as const;
type BodyEncoding = keyof typeof COMPRESSORS;

/** Codings nobody here decodes: each must be refused (415), never guessed at. */
const UNKNOWN_ENCODINGS = ['compress', 'zstd', 'aes128gcm', 'gzip, gzip', 'exi', 'bogus'];

/** True when the server's decompressor (zlib's unzip for gzip and deflate, Brotli for br) reads `data`. */
function decompresses(encoding: BodyEncoding, data: Buffer): boolean {
  try {
    if (encoding === 'br') zlib.brotliDecompressSync(data);
    else zlib.unzipSync(data);
    return true;
  } catch {
    return false;
  }
}

/** Ways to spoil a compressed body; some (a flipped byte in gzip's timestamp) still decompress. */
const CORRUPTIONS = [
  'not compressed',
  'truncated',
  'a byte flipped',
  'trailing bytes',
  'random bytes',
  'another coding',
  'empty',
] as const;

/**
 * The valid body sent with a Content-Encoding it does not honour: compressed data that does not
 * decompress (a 400: refused once read, for methods whose body is read), an unknown coding (415), or
 * the body correctly compressed (may be accepted). Which is expected is decided by decompressing
 * the data here as the server would, so a corruption that happens to decode is not misjudged.
 */
function contentEncodingCases(
  validBody: () => Buffer,
  send: (body: Buffer, headers: Record<string, string>) => RawRequest,
  bodyIsRead: () => boolean,
): fc.Arbitrary<() => HostileCase> {
  const encodingArb = fc.constantFrom(...(Object.keys(COMPRESSORS) as BodyEncoding[]));
  const refusedIfRead = (): HostileCase['expect'] => (bodyIsRead() ? 'refuse' : 'any');
  const corrupt = fc
    .tuple(encodingArb, fc.constantFrom(...CORRUPTIONS), fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.nat())
    .map(([encoding, how, bytes, at]) => () => {
      const plain = validBody();
      const packed = COMPRESSORS[encoding](plain);
      const spoiled: Record<(typeof CORRUPTIONS)[number], () => Buffer> = {
        'not compressed': () => plain,
        truncated: () => packed.subarray(0, at % packed.length),
        'a byte flipped': () => {
          const copy = Buffer.from(packed);
          const i = at % copy.length;
          copy[i] = (copy[i] ?? 0) ^ (bytes[0] ?? 0xff);
          return copy;
        },
        'trailing bytes': () => Buffer.concat([packed, Buffer.from(bytes)]),
        'random bytes': () => Buffer.from(bytes),
        'another coding': () => (encoding === 'br' ? zlib.gzipSync(plain) : zlib.brotliCompressSync(plain)),
        empty: () => Buffer.alloc(0),
      };
      const body = spoiled[how]();
      return {
        description: `Content-Encoding ${encoding} with a body ${how} (${body.length} bytes)`,
        request: send(body, { 'content-encoding': encoding }),
        expect: decompresses(encoding, body) ? 'any' : refusedIfRead(),
        markup: [],
      } satisfies HostileCase;
    });
  const unknown = fc.constantFrom(...UNKNOWN_ENCODINGS).map((encoding) => () => ({
    description: `Content-Encoding ${JSON.stringify(encoding)}`,
    request: send(validBody(), { 'content-encoding': encoding }),
    expect: refusedIfRead(),
    markup: [],
  }));
  // Correctly compressed, with the coding's name in any case (codings are case-insensitive).
  const honest = fc.tuple(encodingArb, fc.boolean()).map(([encoding, upper]) => () => ({
    description: `the valid body as ${upper ? encoding.toUpperCase() : encoding}`,
    request: send(COMPRESSORS[encoding](validBody()), {
      'content-encoding': upper ? encoding.toUpperCase() : encoding,
    }),
    expect: 'any' as const,
    markup: [],
  }));
  return fc.oneof(
    { weight: 4, arbitrary: corrupt },
    { weight: 1, arbitrary: unknown },
    { weight: 1, arbitrary: honest },
  );
}

/** The body parsers read POST, PUT and PATCH bodies only (koa-bodyparser's `parsedMethods`). */
const readsBody = (method: string) => ['POST', 'PUT', 'PATCH'].includes(method);

const refuse = (t: RequestTemplate, r: Refusal): 'refuse' | 'any' => (t.refuses.has(r) ? 'refuse' : 'any');

/** The refusal of a case that changes a field: the CSRF token's own rule when it is the token. */
const fieldRule = (t: ParamsTemplate, name: string, rule: Refusal): 'refuse' | 'any' =>
  name === CSRF_FIELD && t.refuses.has('csrf') ? 'refuse' : refuse(t, rule);

function replaceAt(params: [string, string][], i: number, value: string): [string, string][] {
  return params.map(([k, v], j) => [k, j === i ? value : v]);
}

function paramsCases(shape: ParamsTemplate): fc.Arbitrary<Recipe> {
  const n = shape.params.length;
  const index = n > 0 ? fc.nat({ max: n - 1 }) : fc.constant(-1);
  /** Cases about one of the fields, when there are fields. */
  const fieldwise = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T>[] => (n > 0 ? [arb] : []);
  // Recipes are built against the endpoint's current state (its CSRF token, its URL), see below.
  let t = shape;
  const nameAt = (i: number) => t.params[i]?.[0] ?? 'field';
  const encodedValid = () => encodeParams(t.params);
  const send = (encoded: string, headers: Record<string, string> = {}) => paramsRequest(t, encoded, headers);
  const hostileCase = (
    description: string,
    request: RawRequest,
    expect: 'refuse' | 'any',
    markup: string[] = [],
  ): HostileCase => ({ description, request, expect, markup });

  const arbs: fc.Arbitrary<() => HostileCase>[] = [
    // A field's value replaced by markup or odd text.
    ...fieldwise(
      fc.tuple(index, valueArb).map(
        ([i, v]) =>
          () =>
            hostileCase(
              `${nameAt(i)} = ${JSON.stringify(v.value.slice(0, 80))}`,
              send(encodeParams(replaceAt(t.params, i, v.value))),
              nameAt(i) === CSRF_FIELD ? fieldRule(t, CSRF_FIELD, 'csrf') : 'any',
              v.markup,
            ),
      ),
    ),
    // An extra field (harmless unless the endpoint is strict about its fields).
    fc.tuple(fieldNameArb, valueArb).map(
      ([name, v]) =>
        () =>
          hostileCase(
            `extra field ${JSON.stringify(name.slice(0, 40))}`,
            send(`${encodedValid()}&${encodeParams([[name, v.value]])}`),
            'any',
            [...v.markup, ...markupIn(name)],
          ),
    ),
    // Reflected parameters in the query string of a form's URL.
    fc.tuple(fieldNameArb, valueArb).map(([name, v]) => () => {
      const req = send(encodedValid());
      const sep = req.url.includes('?') ? '&' : '?';
      return hostileCase(
        `query parameter ${JSON.stringify(name.slice(0, 40))}`,
        { ...req, url: `${req.url}${sep}${encodeParams([[name, v.value]])}` },
        'any',
        [...v.markup, ...markupIn(name)],
      );
    }),
    // A field left out.
    ...fieldwise(
      index.map(
        (i) => () =>
          hostileCase(
            `without ${nameAt(i)}`,
            send(encodeParams(t.params.filter((_, j) => j !== i))),
            nameAt(i) === CSRF_FIELD ? fieldRule(t, CSRF_FIELD, 'csrf') : 'any',
          ),
      ),
    ),
    // Duplicates, arrays and objects where a string is expected.
    ...fieldwise(
      fc
        .tuple(index, fc.constantFrom('twice', 'brackets', 'indexed', 'object', 'deep'), valueArb)
        .map(([i, how, v]) => () => {
          const [k, value] = t.params[i] ?? ['field', ''];
          const ek = encodeText(k);
          const ev = encodeText(value);
          const others = encodeParams(t.params.filter((_, j) => j !== i));
          const shapes: Record<string, string> = {
            twice: `${ek}=${ev}&${ek}=${encodeText(v.value)}`,
            brackets: `${ek}[]=${ev}`,
            indexed: `${ek}[0]=${ev}&${ek}[1]=${ev}`,
            object: `${ek}[a]=${ev}&${ek}[b]=${encodeText(v.value)}`,
            deep: `${ek}[a][b][c][d][e][f]=${ev}`,
          };
          return hostileCase(
            `${k} as ${how}`,
            send([others, shapes[how]].filter(Boolean).join('&')),
            // Node's query parser keeps `a[]` and `a[k]` as plain names; only a repeated name is an array.
            t.location === 'query' && how !== 'twice' ? 'any' : fieldRule(t, k, 'shape'),
            v.markup,
          );
        }),
    ),
    // Percent-encoding that is not UTF-8, in a value or a name.
    fc.tuple(index, fc.constantFrom(...INVALID_UTF8), fc.boolean()).map(([i, bad, inName]) => () => {
      const params = t.params.map(([k, v]) => `${encodeText(k)}=${encodeText(v)}`);
      const at = Math.max(i, 0);
      const target = params[at];
      const broken = target === undefined ? `field=${bad}` : inName ? `${bad}${target}` : `${target}${bad}`;
      const out = params.length ? params.map((p, j) => (j === at ? broken : p)) : [broken];
      return hostileCase(
        `invalid UTF-8 ${bad} in ${inName ? 'a name' : 'a value'}`,
        send(out.join('&')),
        refuse(t, 'utf8'),
      );
    }),
  ];

  if (t.location === 'body') {
    arbs.push(
      // 1 MB in one field.
      index.map((i) => () => {
        const at = Math.max(i, 0);
        const params: [string, string][] = t.params.length
          ? replaceAt(t.params, at, 'A'.repeat(ONE_MB))
          : [['f', 'A'.repeat(ONE_MB)]];
        return hostileCase(`1 MB in ${params[at]?.[0]}`, send(encodeParams(params)), refuse(t, 'huge'));
      }),
      // The valid fields in another content type, or none.
      fc.constantFrom(...WRONG_TYPES, '').map((type) => () => {
        const req = send(type === 'application/json' ? JSON.stringify(Object.fromEntries(t.params)) : encodedValid());
        const headers = { ...req.headers };
        if (type) headers['content-type'] = type;
        else delete headers['content-type'];
        return hostileCase(`content type "${type}"`, { ...req, headers }, refuse(t, 'content-type'));
      }),
      // JSON with arrays and objects where strings are expected.
      fc.constantFrom('arrays', 'objects', 'numbers', 'top-level array').map((how) => () => {
        const entries = t.params.map(([k, v]) => [
          k,
          how === 'arrays' ? [v, v] : how === 'objects' ? { value: v } : how === 'numbers' ? 1 : v,
        ]);
        const body = how === 'top-level array' ? JSON.stringify(entries) : JSON.stringify(Object.fromEntries(entries));
        return hostileCase(
          `JSON body with ${how}`,
          send(body, { 'content-type': 'application/json' }),
          refuse(t, 'content-type'),
        );
      }),
      // Random bytes as a urlencoded body.
      fc.uint8Array({ maxLength: 600 }).map((bytes) => () => {
        const req = send('');
        return hostileCase(`${bytes.length} random bytes`, { ...req, body: bytes }, refuse(t, 'malformed'));
      }),
      // A compressed body that does not decompress, an unknown coding, or an honest one.
      contentEncodingCases(
        () => Buffer.from(encodedValid()),
        (body, headers) => ({ ...send('', headers), body }),
        () => readsBody(t.method),
      ),
      // The valid body with raw (not percent-encoded) bytes that are not UTF-8.
      fc
        .tuple(index, fc.constantFrom([0xff], [0xc3], [0xed, 0xa0, 0x80], [0xfe, 0xff, 0x00]))
        .map(([i, bytes]) => () => {
          const at = Math.max(i, 0);
          const pieces = t.params.map(([k, v]) => Buffer.from(`${encodeText(k)}=${encodeText(v)}`));
          const broken = Buffer.concat([pieces[at] ?? Buffer.from('f='), Buffer.from(bytes)]);
          const all = pieces.length ? pieces.map((p, j) => (j === at ? broken : p)) : [broken];
          const body = Buffer.concat(all.flatMap((p, j) => (j === 0 ? [p] : [Buffer.from('&'), p])));
          return hostileCase(`raw bytes ${bytes.join(',')} in the body`, { ...send(''), body }, 'any');
        }),
    );
  } else {
    // A long query string (Node's header limit answers 431 past 16 KiB).
    arbs.push(
      fc.integer({ min: 4_000, max: 40_000 }).map((length) => () => {
        const params: [string, string][] = t.params.length
          ? replaceAt(t.params, 0, 'A'.repeat(length))
          : [['q', 'A'.repeat(length)]];
        return hostileCase(`${length} characters in ${params[0]?.[0]}`, send(encodeParams(params)), 'any');
      }),
    );
  }

  if (t.headers.authorization !== undefined) {
    arbs.push(
      fc
        .constantFrom(
          undefined,
          '',
          'Bearer',
          'Basic',
          'Basic !!!',
          'Basic Og==',
          'whm root:',
          'Bearer x y',
          'Basic cm9vdA==',
        )
        .chain((fixed) =>
          fixed === undefined
            ? fc.string({ maxLength: 80 }).map((s) => ({ value: `Bearer ${s}`, label: 'a random bearer token' }))
            : fc.constant({ value: fixed, label: JSON.stringify(fixed) }),
        )
        .map(({ value, label }) => () => {
          const req = send(encodedValid());
          const headers = { ...req.headers };
          if (value === '') delete headers.authorization;
          else headers.authorization = value;
          return hostileCase(
            `Authorization ${value === '' ? 'missing' : label}`,
            { ...req, headers },
            refuse(t, 'auth'),
          );
        }),
    );
  }

  arbs.push(
    fc.constantFrom('PUT', 'PATCH', 'DELETE', 'OPTIONS').map((method) => () => {
      const req = send(encodedValid());
      // OPTIONS is answered with the allowed methods, a legitimate 2xx.
      return hostileCase(`method ${method}`, { ...req, method }, method === 'OPTIONS' ? 'any' : refuse(t, 'method'));
    }),
  );

  return fc.oneof(...arbs).map((make) =>
    recipe(shape, (current) => {
      t = current as ParamsTemplate;
      return make();
    }),
  );
}

/** JSON values of every type, for fields that expect something else. */
const jsonValueArb: fc.Arbitrary<{ value: unknown; markup: string[] }> = fc.oneof(
  valueArb.map((v) => ({ value: v.value as unknown, markup: v.markup })),
  fc
    .oneof(
      fc.constant(null),
      fc.boolean(),
      fc.double(),
      fc.integer(),
      fc.constantFrom(Number.MAX_SAFE_INTEGER, -1, 0, 1e308),
      fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
      fc.constant({ __proto__: { admin: true } }),
      fc.constant(JSON.parse('{"__proto__":{"polluted":1}}') as unknown),
    )
    .map((value) => ({ value, markup: [] as string[] })),
);

const asForm = (body: Record<string, unknown>) => encodeParams(Object.entries(body).map(([k, v]) => [k, String(v)]));

/** The JSON type of a value as it goes over the wire (`NaN` is sent as `null`, `{ __proto__ }` as `{}`). */
function wireType(value: unknown): string {
  const sent: unknown = JSON.parse(JSON.stringify([value]) ?? '[null]')[0];
  return sent === null ? 'null' : Array.isArray(sent) ? 'array' : typeof sent;
}

/**
 * A field of the valid body given `value` instead: a strict endpoint refuses another JSON type (an
 * array for a string, `null` for a number) and a field it does not know; a value of the same type
 * may be accepted or refused by its own rules.
 */
function replacedFieldRule(t: JsonTemplate, key: string, value: unknown): 'refuse' | 'any' {
  if (!Object.hasOwn(t.body, key)) return refuse(t, 'shape');
  return wireType(value) === wireType(t.body[key]) ? 'any' : refuse(t, 'shape');
}

function jsonCases(shape: JsonTemplate): fc.Arbitrary<Recipe> {
  let t = shape;
  const keys = Object.keys(shape.body);
  const valid = () => JSON.stringify(t.body);
  const hostileCase = (description: string, request: RawRequest, expect: 'refuse' | 'any', markup: string[] = []) => ({
    description,
    request,
    expect,
    markup,
  });
  const arbs: fc.Arbitrary<() => HostileCase>[] = [
    // A field's value replaced by something of any type (of another type: refused where strict).
    fc.tuple(keys.length ? fc.constantFrom(...keys) : fc.constant('field'), jsonValueArb).map(
      ([key, v]) =>
        () =>
          hostileCase(
            `${key} = ${JSON.stringify(v.value)?.slice(0, 80)}`,
            jsonRequest(t, JSON.stringify({ ...t.body, [key]: v.value })),
            replacedFieldRule(t, key, v.value),
            v.markup,
          ),
    ),
    // Unknown fields (the admin API refuses them).
    fc
      .tuple(
        fieldNameArb.filter((k) => !keys.includes(k) && k !== '__proto__'),
        jsonValueArb,
      )
      .map(
        ([key, v]) =>
          () =>
            hostileCase(
              `unknown field ${JSON.stringify(key.slice(0, 40))}`,
              jsonRequest(t, JSON.stringify({ ...t.body, [key]: v.value })),
              refuse(t, 'shape'),
              [...v.markup, ...markupIn(key)],
            ),
      ),
    // Broken JSON.
    fc
      .oneof(
        fc
          .nat({ max: Math.max(0, JSON.stringify(shape.body).length - 1) })
          .map((cut) => JSON.stringify(shape.body).slice(0, cut) || '{'),
        fc.constantFrom('{', '{"a":}', "{'a':1}", '{"a":1,}', 'nul', 'undefined', '{"a":"\\x"}', '\u0000', '{"a":NaN}'),
        fc.string({ minLength: 1, maxLength: 60 }).filter((s) => {
          try {
            JSON.parse(s);
            return false;
          } catch {
            return true;
          }
        }),
      )
      .map(
        (body) => () =>
          hostileCase(`broken JSON ${JSON.stringify(body.slice(0, 60))}`, jsonRequest(t, body), refuse(t, 'malformed')),
      ),
    // Valid JSON that is not an object.
    fc
      .constantFrom('[]', '[{}]', '"text"', '42', 'true', 'null', JSON.stringify([t.body]))
      .map(
        (body) => () =>
          hostileCase(`JSON ${body.slice(0, 40)} instead of an object`, jsonRequest(t, body), refuse(t, 'shape')),
      ),
    // Over the body limit.
    fc
      .constant(null)
      .map(
        () => () =>
          hostileCase(
            '1 MB JSON body',
            jsonRequest(t, JSON.stringify({ ...t.body, [keys[0] ?? 'filler']: 'A'.repeat(ONE_MB) })),
            refuse(t, 'huge'),
          ),
      ),
    // Bytes that are not UTF-8 inside a JSON string.
    fc.constantFrom([0xff], [0xc3], [0xed, 0xa0, 0x80]).map((bytes) => () => {
      const body = Buffer.concat([Buffer.from('{"x":"'), Buffer.from(bytes), Buffer.from('"}')]);
      return hostileCase(`raw bytes ${bytes.join(',')} in JSON`, jsonRequest(t, body), 'any');
    }),
    // The valid JSON in another content type, or a form body.
    fc.constantFrom(...WRONG_TYPES.filter((c) => c !== 'application/json'), FORM_TYPE).map(
      (type) => () =>
        hostileCase(
          `content type "${type}"`,
          jsonRequest(t, type === FORM_TYPE ? asForm(t.body) : valid(), type),
          // `{}` as a form is no body at all, which is what `{}` means.
          type === FORM_TYPE && asForm(t.body) === '' ? 'any' : refuse(t, 'content-type'),
        ),
    ),
    // Authorization missing or wrong.
    fc
      .oneof(
        fc.constantFrom('', 'Bearer', 'Bearer  ', 'Basic YWRtaW46YWRtaW4=', 'bearer\ttoken'),
        fc.string({ minLength: 1, maxLength: 80 }).map((s) => `Bearer ${s}`),
        fc.constant(`${t.headers.authorization ?? ''}x`),
      )
      .map((value) => () => {
        const req = jsonRequest(t, valid());
        const headers = { ...req.headers };
        if (value === '') delete headers.authorization;
        else headers.authorization = value;
        return hostileCase(
          `Authorization ${JSON.stringify(value.slice(0, 20))}…`,
          { ...req, headers },
          refuse(t, 'auth'),
        );
      }),
    // A compressed body that does not decompress, an unknown coding, or an honest one.
    contentEncodingCases(
      () => Buffer.from(valid()),
      (body, headers) => {
        const req = jsonRequest(t, body);
        return { ...req, headers: { ...req.headers, ...headers } };
      },
      () => readsBody(t.method),
    ),
    // Markup and odd text in the query string.
    fc.tuple(fieldNameArb, valueArb).map(([name, v]) => () => {
      const req = jsonRequest(t, valid());
      const sep = req.url.includes('?') ? '&' : '?';
      return hostileCase(
        `query parameter ${JSON.stringify(name.slice(0, 30))}`,
        { ...req, url: `${req.url}${sep}${encodeParams([[name, v.value]])}` },
        'any',
        [...v.markup, ...markupIn(name)],
      );
    }),
  ];
  return fc.oneof(...arbs).map((make) =>
    recipe(shape, (current) => {
      t = current as JsonTemplate;
      return make();
    }),
  );
}

/**
 * A hostile variant, built when it is sent: an endpoint's state (its CSRF token, an interaction's
 * URL) is set up again after a case that changed it, and the variant applies to the current one.
 */
export interface Recipe {
  build(current: RequestTemplate): HostileCase;
}

function recipe(shape: RequestTemplate, build: (current: RequestTemplate) => HostileCase): Recipe {
  return {
    build,
    // fast-check prints counterexamples with this.
    [fc.toStringMethod]: () => build(shape).description,
  } as Recipe;
}

/** Hostile variants of an endpoint's valid request, for any state of that endpoint. */
export function hostileCases(shape: RequestTemplate): fc.Arbitrary<Recipe> {
  return shape.kind === 'params' ? paramsCases(shape) : jsonCases(shape);
}
