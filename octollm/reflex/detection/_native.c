/* Compiled kernels of the detection engine (optional: the pure-Python code gives the same
 * results; see native.py, which loads this module and says how each kernel maps onto Python).
 *
 * fold(text, table, high, bits) -> (folded, deleted)
 *     normalize.fold's folding of a non-ASCII `text`, character by character: the stretches
 *     (from a character beyond ASCII to the end of its line, or to the first run of 256 ASCII
 *     characters before it), the test of whether a stretch is folded, and the folding itself.
 *     `table`: for each code point below TABLE_SIZE a uint32, `high`: sorted (code point,
 *     uint32) pairs for the code points above it; a uint32 is the folded code point (itself
 *     when it is not folded) | ALWAYS (folded wherever it is) | DELETED; `bits`: two bitmaps
 *     of the code points below TABLE_SIZE, those with ALWAYS, then those folded (small: the
 *     table is only read for those). Returns `text` itself when nothing changes; `deleted`:
 *     whether characters were deleted.
 *
 * Events()
 *     A Hyperscan match handler that keeps (rule + `offset`, start, end) of each event in C
 *     (no Python frame, no tuple an event); `len()`, `clear()`; `add_runs(data, table, length)`
 *     adds an event (`offset`, start, start) for the start of each run of at least `length`
 *     bytes a 256-byte `table` marks (scanner._run_starts).
 *
 * utf8(text) -> bytes
 *     text.encode("utf-8", "surrogatepass"), the same bytes, with ASCII taken 8 bytes of the
 *     str at a time (the text Hyperscan scans: mostly ASCII, often in a str of 2-byte kind).
 *
 * plan(events, data, text, rules, wanted, stops) -> [(rule, positions), ...]
 *     HyperscanScanner.scan's planning, from the events to where `re` runs, rules in order:
 *     for each rule with events and `wanted[rule]`, its events' positions (an anchored rule's
 *     starts, another's ends) as code-point offsets into `text` (`data`: its UTF-8), then an
 *     anchored rule's candidate starts (each position and the one after, sorted, distinct) or
 *     another's clusters of windows (flat: lo, hi, lo, hi, ...; scanner._clusters), each a
 *     bytes object of Py_ssize_t (what lowered_regions and confirm read). `rules`:
 *     an int32 a rule, its window (`Rule.width + 1`) | ANCHORED; `stops`: 16 bytes a rule, a
 *     bitmap of the ASCII characters its matches cannot hold (`Rule.unspanned`).
 *
 * lowered(text, regions) -> str
 *     scanner._lowered_in: `text` with its ASCII letters lowered in the regions (from the
 *     character before each), `text` itself when no letter there is upper-case.
 *
 * lowered_regions(plans, reaches) -> [(lo, hi), ...]
 *     scanner._confirm's regions of the text a `lowercase` rule runs on (`reaches`: an int32
 *     a rule, `Rule.width + Rule.lookahead + 1` for a `lowercase` rule, negated for an
 *     anchored one, else 0).
 *
 * confirm(plans, text, lowered, rules) -> [(rule, matches), ...]
 *     scanner._confirm's loop, rules in order: `re` where each plan says (`_confirm_windows`,
 *     `_confirm_anchors`). `rules[i]`: (the Rule, its regex's finditer or match, anchored,
 *     lowercase, tight cut, long cut, max matches or -1); a lowercase rule runs on `lowered`.
 *
 * pii_candidates(found, text, rules, context) -> [(s - e, -score, order, s, e, type), ...]
 *     engine._pii's candidates: for each match, its spans (engine._pii_spans: trimmed, then
 *     cut before each separator from the right), the first one its validator accepts, scored
 *     `round(confidence * factor, 3)`. `rules[rule]`: (validate, value group, confidence,
 *     order, type, trim, split, native validator, score at factor 1.0); a validator sees
 *     `context` characters either side. The native validator (engine._NATIVE_VALIDATORS:
 *     1 url, 2 vin, 3 bitcoin_bech32, 4 card, 5 iban; 0 none) runs in C on an ASCII one and
 *     accepts (factor 1.0) or refuses it as the Python one would; where that is not plain
 *     (not ASCII, a VIN whose check digit fails, a character outside the alphabet) the
 *     Python validator decides.
 *
 * card_ranges(ranges), iban_lengths(lengths)
 *     validators._CARD_RANGES and IBAN_LENGTHS, for those validators in C; called once.
 *
 * pii_matches(candidates, text, match_type) -> [match, ...]
 *     engine._pii's selection, for a text whose offsets need no mapping: the candidates in
 *     rank order, each kept unless it overlaps one kept before, in order of their spans, as
 *     `match_type` objects made as matches.pii_match makes them (mask included).
 *
 * payload_bytes(encoding, payload) -> [raw, ...] | None
 *     What decode.decode decodes `payload` to, in the order it tries them (hex, then base64),
 *     keeping only the valid UTF-8 ones (decode._readable turns the others down): most
 *     tokens are not encoded text, and this turns them down without a Python exception. None
 *     where the payload is not the plain case (not ASCII, not hex digits or the base64
 *     alphabet): then decode.decode itself decides.
 *
 * payload_candidates(matches, encoding) -> [(match, payload, raws), ...]
 *     The matches of a payload rule payload_bytes does not turn down: (the match, its text,
 *     what payload_bytes returns for it: a list of raw candidates, or None).
 *
 * injection_candidates(found, rules) -> (candidates, others)
 *     engine._injection_candidates' candidates of the injection rules in `found` (`rules[rule]`:
 *     (-severity level, -confidence, order, type, severity)); the other items of `found`
 *     (payload rules) as they are, for Python.
 *
 * select(candidates, at) -> [candidate, ...]
 *     engine's selection of candidates: sorted (`candidates` is), each kept unless it overlaps
 *     one kept before (its span: items `at`, `at + 1`), in order of their spans.
 *
 * context_vocabulary(academic_words, academic_stems, academic_phrases, example_words,
 *                    example_stems, example_phrases)
 *     context.py's vocabulary (ASCII words, stems, pairs of words), kept in C; called once.
 *
 * context_flags(text, start, end, fences, negation) -> int
 *     context.analyse of text[start:end], read the same way (the text around it with ASCII
 *     letters lowered, the line for quotes, the sentence for words, the clause for a
 *     negation): quoted 1 | academic 2 | example 4 | negated 8. `fences`: context.fences;
 *     `negation`: context._NEGATION.search, called on the same clause.
 *
 * fences(text) -> [position, ...]
 *     context.fences: where the ``` are, from the left, not overlapping.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

/* The version of the calls and tables above, checked by normalize.py: a stale build (one not
 * rebuilt after this file changed) is not used. */
#define NATIVE_ABI 18

/* The names of the re.Match methods called from here, interned once (PyInit__native) */
static PyObject *str_span, *str_group;

static PyTypeObject EventsType;

/* Whether a call's arguments are what `types` says, one letter an argument: s str, b bytes,
 * l list, d dict, t tuple, i int, T type, e Events, . anything; else a TypeError that shows
 * the call's `signature` */
static int
check_args(PyObject *const *args, Py_ssize_t nargs, const char *types, const char *signature)
{
    int ok = nargs == (Py_ssize_t)strlen(types);
    for (Py_ssize_t i = 0; ok && i < nargs; i++) {
        PyObject *a = args[i];
        switch (types[i]) {
        case 's': ok = PyUnicode_Check(a); break;
        case 'b': ok = PyBytes_Check(a); break;
        case 'l': ok = PyList_Check(a); break;
        case 'd': ok = PyDict_Check(a); break;
        case 't': ok = PyTuple_Check(a); break;
        case 'i': ok = PyLong_Check(a); break;
        case 'T': ok = PyType_Check(a); break;
        case 'e': ok = PyObject_TypeCheck(a, &EventsType); break;
        default: break;
        }
    }
    if (!ok)
        PyErr_SetString(PyExc_TypeError, signature);
    return ok ? 0 : -1;
}

#define TABLE_SIZE 0x20000
#define ALWAYS 0x80000000u
#define DELETED 0x40000000u
#define CODE_POINT 0x001FFFFFu
#define ASCII_STRETCH 256

static inline uint32_t
lookup(Py_UCS4 c, const uint32_t *table, const uint32_t *high, Py_ssize_t n_high)
{
    if (c < TABLE_SIZE)
        return table[c];
    Py_ssize_t lo = 0, hi = n_high;
    while (lo < hi) {
        Py_ssize_t mid = (lo + hi) / 2;
        if (high[2 * mid] < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < n_high && high[2 * lo] == c)
        return high[2 * lo + 1];
    return c;
}

#define BITMAP_BYTES (TABLE_SIZE / 8)

/* Whether `c` is folded wherever it is */
static inline int
is_always(Py_UCS4 c, const unsigned char *always, const uint32_t *high, Py_ssize_t n_high)
{
    if (c < TABLE_SIZE)
        return (always[c >> 3] >> (c & 7)) & 1;
    return (lookup(c, NULL, high, n_high) & ALWAYS) != 0;
}

/* Whether `c` may be folded (then `lookup` says to what) */
static inline int
is_folded(Py_UCS4 c, const unsigned char *folded)
{
    return c >= TABLE_SIZE || ((folded[c >> 3] >> (c & 7)) & 1);
}

static inline int
is_letter(Py_UCS4 c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Whether the 8 bytes at `p`, characters `width` bytes wide, are all ASCII */
static inline int
ascii_word(const void *p, size_t width)
{
    uint64_t word;
    memcpy(&word, p, 8);
    return !(word & (width == 1   ? 0x8080808080808080ull
                     : width == 2 ? 0xFF80FF80FF80FF80ull
                                  : 0xFFFFFF80FFFFFF80ull));
}

/* The widest character a str of characters of type T needs to be of that kind (below it, a
 * narrower one, or ASCII): `max` is only told to PyUnicode_New, which reads no more */
#define KIND_FLOOR(T) (sizeof(T) == 1 ? 0x80u : sizeof(T) == 2 ? 0x100u : 0x10000u)

/* s[from:to] copied to out[written:], `max` raised to the widest of them (or to at least
 * KIND_FLOOR); the new `written`. A long piece is copied whole, its widest found after unless
 * `max` is already at KIND_FLOOR; a short one (most: the text between two folded characters)
 * character by character. */
#define DEFINE_COPY(NAME, T)                                                                    \
    static inline Py_ssize_t NAME(T *out, Py_ssize_t written, const T *s, Py_ssize_t from,      \
                                  Py_ssize_t to, Py_UCS4 *max_p)                                \
    {                                                                                           \
        Py_UCS4 max = *max_p;                                                                   \
        if (to - from >= 64) {                                                                  \
            memcpy(out + written, s + from, (size_t)(to - from) * sizeof(T));                   \
            if (max >= KIND_FLOOR(T))                                                           \
                return written + (to - from);                                                   \
            T top = 0;                                                                          \
            for (Py_ssize_t k = from; k < to; k++)                                              \
                top = s[k] > top ? s[k] : top;                                                  \
            *max_p = top > max ? top : max;                                                     \
            return written + (to - from);                                                       \
        }                                                                                       \
        for (Py_ssize_t k = from; k < to; k++) {                                                \
            T kept = s[k];                                                                      \
            max = kept > max ? kept : max;                                                      \
            out[written++] = kept;                                                              \
        }                                                                                       \
        *max_p = max;                                                                           \
        return written;                                                                         \
    }

DEFINE_COPY(copy_ucs1, Py_UCS1)
DEFINE_COPY(copy_ucs2, Py_UCS2)
DEFINE_COPY(copy_ucs4, Py_UCS4)
#define copy_kept(out, written, s, from, to, max_p)                                             \
    _Generic((s), const Py_UCS1 *: copy_ucs1, const Py_UCS2 *: copy_ucs2,                       \
             const Py_UCS4 *: copy_ucs4)(out, written, s, from, to, max_p)

#define WORD(T) ((Py_ssize_t)(8 / sizeof(T))) /* characters in 8 bytes */

/* One pass a stretch finds its end and whether it is folded; a second folds it. Written for
 * each kind of string (T: Py_UCS1, Py_UCS2, Py_UCS4); `out` is in the same kind (a folded
 * character is never wider than its original), allocated once a stretch changes. */
#define DEFINE_FOLD(NAME, T)                                                                    \
    static int NAME(const T *s, Py_ssize_t n, const uint32_t *table, const uint32_t *high,     \
                    Py_ssize_t n_high, const unsigned char *bits, T **out_p,                   \
                    Py_ssize_t *written_p, Py_UCS4 *max_p, int *deleted_p)                     \
    {                                                                                           \
        const unsigned char *always = bits, *folds = bits + BITMAP_BYTES;                       \
        T *out = NULL;                                                                          \
        Py_ssize_t written = 0, copied = 0;                                                     \
        Py_UCS4 max = 0;                                                                        \
        Py_ssize_t i = 0;                                                                       \
        while (i < n) {                                                                         \
            Py_ssize_t start = i;                                                               \
            while (start + WORD(T) <= n && ascii_word(s + start, sizeof(T)))                    \
                start += WORD(T);                                                               \
            while (start < n && s[start] < 0x80)                                                \
                start++;                                                                        \
            if (start >= n)                                                                     \
                break;                                                                          \
            /* an ASCII letter touching a character beyond ASCII, from the one before */       \
            Py_UCS4 before = start > 0 ? s[start - 1] : 0;                                      \
            int needs = is_letter(before);                                                      \
            Py_ssize_t end = start, run = 0;                                                    \
            for (; end < n; end++) {                                                            \
                Py_UCS4 c = s[end];                                                             \
                if (c < 0x80) {                                                                 \
                    if (!needs && before >= 0x80 && is_letter(c))                               \
                        needs = 1;                                                              \
                    if (c == '\n')                                                              \
                        break;                                                                  \
                    if (++run == ASCII_STRETCH) {                                               \
                        end -= ASCII_STRETCH - 1;                                               \
                        break;                                                                  \
                    }                                                                           \
                }                                                                               \
                else {                                                                          \
                    run = 0;                                                                    \
                    if (!needs)                                                                 \
                        needs = is_letter(before) || (c >= 0xC0 && c <= 0x24F) ||              \
                                (c >= 0x1E00 && c <= 0x1EFF) ||                                 \
                                is_always(c, always, high, n_high);                             \
                }                                                                               \
                before = c;                                                                     \
            }                                                                                   \
            if (needs) {                                                                        \
                for (Py_ssize_t k = start, block = start; k < end; k++) {                       \
                    if (k == block) { /* ASCII is never folded: words of it skipped whole */    \
                        while (k + WORD(T) <= end && ascii_word(s + k, sizeof(T)))              \
                            k += WORD(T);                                                       \
                        if (k >= end)                                                           \
                            break;                                                              \
                        block = k + WORD(T);                                                    \
                    }                                                                           \
                    Py_UCS4 c = s[k];                                                           \
                    if (c < 0x80 || !is_folded(c, folds))                                       \
                        continue;                                                               \
                    uint32_t v = lookup(c, table, high, n_high);                                \
                    if ((v & CODE_POINT) == c && !(v & DELETED))                                \
                        continue;                                                               \
                    if (out == NULL) {                                                          \
                        out = PyMem_Malloc((size_t)n * sizeof(T));                              \
                        if (out == NULL)                                                        \
                            return -1;                                                          \
                    }                                                                           \
                    written = copy_kept(out, written, s, copied, k, &max);                      \
                    copied = k + 1;                                                             \
                    if (v & DELETED) {                                                          \
                        *deleted_p = 1;                                                         \
                    }                                                                           \
                    else {                                                                      \
                        Py_UCS4 folded = v & CODE_POINT;                                        \
                        max = folded > max ? folded : max;                                      \
                        out[written++] = (T)folded;                                             \
                    }                                                                           \
                }                                                                               \
            }                                                                                   \
            i = end;                                                                            \
        }                                                                                       \
        if (out != NULL) {                                                                      \
            written = copy_kept(out, written, s, copied, n, &max);                              \
        }                                                                                       \
        *out_p = out;                                                                           \
        *written_p = written;                                                                   \
        *max_p = max;                                                                           \
        return 0;                                                                               \
    }

DEFINE_FOLD(fold_ucs1, Py_UCS1)
DEFINE_FOLD(fold_ucs2, Py_UCS2)
DEFINE_FOLD(fold_ucs4, Py_UCS4)

/* `out` (of `kind`, `written` characters up to `max`) as a str */
static PyObject *
folded_str(int kind, const void *out, Py_ssize_t written, Py_UCS4 max)
{
    PyObject *folded = PyUnicode_New(written, max);
    if (folded == NULL)
        return NULL;
    int to_kind = PyUnicode_KIND(folded);
    void *to = PyUnicode_DATA(folded);
    if (to_kind == kind) {
        memcpy(to, out, (size_t)written * (size_t)kind);
        return folded;
    }
    for (Py_ssize_t k = 0; k < written; k++)
        PyUnicode_WRITE(to_kind, to, k, PyUnicode_READ(kind, out, k));
    return folded;
}

static PyObject *
fold(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (check_args(args, nargs, "sbbb",
                   "fold(text: str, table: bytes, high: bytes, bits: bytes)") < 0)
        return NULL;
    PyObject *text = args[0];
    if (PyBytes_GET_SIZE(args[1]) != TABLE_SIZE * 4 || PyBytes_GET_SIZE(args[2]) % 8 ||
        PyBytes_GET_SIZE(args[3]) != 2 * BITMAP_BYTES) {
        PyErr_SetString(PyExc_ValueError, "fold: bad tables");
        return NULL;
    }
    const uint32_t *table = (const uint32_t *)PyBytes_AS_STRING(args[1]);
    const uint32_t *high = (const uint32_t *)PyBytes_AS_STRING(args[2]);
    Py_ssize_t n_high = PyBytes_GET_SIZE(args[2]) / 8;
    const unsigned char *bits = (const unsigned char *)PyBytes_AS_STRING(args[3]);

    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    void *out = NULL;
    Py_ssize_t written = 0;
    Py_UCS4 max = 0;
    int deleted = 0, failed;
    switch (kind) {
    case PyUnicode_1BYTE_KIND:
        failed = fold_ucs1(data, n, table, high, n_high, bits, (Py_UCS1 **)&out, &written, &max,
                           &deleted);
        break;
    case PyUnicode_2BYTE_KIND:
        failed = fold_ucs2(data, n, table, high, n_high, bits, (Py_UCS2 **)&out, &written, &max,
                           &deleted);
        break;
    default:
        failed = fold_ucs4(data, n, table, high, n_high, bits, (Py_UCS4 **)&out, &written, &max,
                           &deleted);
    }
    if (failed)
        return PyErr_NoMemory();
    if (out == NULL)
        return Py_BuildValue("(OO)", text, Py_False);
    PyObject *folded = folded_str(kind, out, written, max);
    PyMem_Free(out);
    if (folded == NULL)
        return NULL;
    return Py_BuildValue("(NO)", folded, deleted ? Py_True : Py_False);
}

/* --- UTF-8 -------------------------------------------------------------------------------- */

/* Appends the UTF-8 of `c` (a surrogate as if it were a character) at `out`; the new end */
static inline unsigned char *
put_utf8(unsigned char *out, Py_UCS4 c)
{
    if (c < 0x80) {
        *out++ = (unsigned char)c;
    }
    else if (c < 0x800) {
        *out++ = (unsigned char)(0xC0 | (c >> 6));
        *out++ = (unsigned char)(0x80 | (c & 0x3F));
    }
    else if (c < 0x10000) {
        *out++ = (unsigned char)(0xE0 | (c >> 12));
        *out++ = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
        *out++ = (unsigned char)(0x80 | (c & 0x3F));
    }
    else {
        *out++ = (unsigned char)(0xF0 | (c >> 18));
        *out++ = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
        *out++ = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
        *out++ = (unsigned char)(0x80 | (c & 0x3F));
    }
    return out;
}

/* The ASCII characters of the 8 bytes at `p` (characters `width` bytes wide, all ASCII) as
 * bytes at `out`; the new end */
static inline unsigned char *
put_ascii_word(unsigned char *out, const void *p, size_t width)
{
    uint64_t w;
    memcpy(&w, p, 8);
    if (width == 1) {
        memcpy(out, &w, 8);
        return out + 8;
    }
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (width == 2) { /* 4 characters: the low byte of each, in order */
        uint32_t b = (uint32_t)((w & 0xFF) | ((w >> 8) & 0xFF00) | ((w >> 16) & 0xFF0000) |
                                ((w >> 24) & 0xFF000000));
        memcpy(out, &b, 4);
        return out + 4;
    }
    out[0] = (unsigned char)w;
    out[1] = (unsigned char)(w >> 32);
    return out + 2;
#else
    for (size_t k = 0; k < 8 / width; k++)
        out[k] = (unsigned char)(width == 2 ? ((const Py_UCS2 *)p)[k] : ((const Py_UCS4 *)p)[k]);
    return out + 8 / width;
#endif
}

#define DEFINE_UTF8(NAME, T)                                                                    \
    static unsigned char *NAME(const T *s, Py_ssize_t n, unsigned char *out)                    \
    {                                                                                           \
        Py_ssize_t k = 0;                                                                       \
        while (k < n) {                                                                         \
            while (k + WORD(T) <= n && ascii_word(s + k, sizeof(T))) {                          \
                out = put_ascii_word(out, s + k, sizeof(T));                                    \
                k += WORD(T);                                                                   \
            }                                                                                   \
            Py_ssize_t stop = k + WORD(T) < n ? k + WORD(T) : n;                                \
            for (; k < stop; k++)                                                               \
                out = put_utf8(out, s[k]);                                                      \
        }                                                                                       \
        return out;                                                                             \
    }

DEFINE_UTF8(utf8_ucs1, Py_UCS1)
DEFINE_UTF8(utf8_ucs2, Py_UCS2)
DEFINE_UTF8(utf8_ucs4, Py_UCS4)

static PyObject *
utf8(PyObject *module, PyObject *text)
{
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "utf8(text: str)");
        return NULL;
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (PyUnicode_IS_ASCII(text))
        return PyBytes_FromStringAndSize(data, n);
    /* at most 2 bytes a character of 1 byte, 3 of 2 bytes, 4 of 4 */
    Py_ssize_t most = n * (kind == PyUnicode_1BYTE_KIND ? 2 : kind == PyUnicode_2BYTE_KIND ? 3 : 4);
    PyObject *bytes = PyBytes_FromStringAndSize(NULL, most);
    if (bytes == NULL)
        return NULL;
    unsigned char *start = (unsigned char *)PyBytes_AS_STRING(bytes), *end;
    switch (kind) {
    case PyUnicode_1BYTE_KIND:
        end = utf8_ucs1(data, n, start);
        break;
    case PyUnicode_2BYTE_KIND:
        end = utf8_ucs2(data, n, start);
        break;
    default:
        end = utf8_ucs4(data, n, start);
    }
    if (_PyBytes_Resize(&bytes, end - start) < 0)
        return NULL;
    return bytes;
}

/* --- events ------------------------------------------------------------------------------- */

typedef struct {
    int32_t rule;
    Py_ssize_t start, end;
} Event;

typedef struct {
    PyObject_HEAD
    Event *events;
    Py_ssize_t size, capacity;
    Py_ssize_t offset;
} Events;

/* Appends an event (rule + offset, start, end) */
static int
events_add(Events *self, Py_ssize_t rule, Py_ssize_t start, Py_ssize_t end)
{
    if (self->size == self->capacity) {
        Py_ssize_t capacity = self->capacity ? 2 * self->capacity : 64;
        Event *grown = PyMem_Realloc(self->events, (size_t)capacity * sizeof(Event));
        if (grown == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        self->events = grown;
        self->capacity = capacity;
    }
    Event *event = &self->events[self->size++];
    event->rule = (int32_t)(rule + self->offset);
    event->start = start;
    event->end = end;
    return 0;
}

static PyObject *
events_call(Events *self, PyObject *args, PyObject *kwargs)
{
    if (!PyTuple_Check(args) || PyTuple_GET_SIZE(args) < 3) {
        PyErr_SetString(PyExc_TypeError, "Events(id, start, end, ...)");
        return NULL;
    }
    Py_ssize_t rule = PyLong_AsSsize_t(PyTuple_GET_ITEM(args, 0));
    Py_ssize_t start = PyLong_AsSsize_t(PyTuple_GET_ITEM(args, 1));
    Py_ssize_t end = PyLong_AsSsize_t(PyTuple_GET_ITEM(args, 2));
    if ((rule == -1 || start == -1 || end == -1) && PyErr_Occurred())
        return NULL;
    if (events_add(self, rule, start, end) < 0)
        return NULL;
    Py_RETURN_NONE;
}

/* add_runs(data, table, length): an event (offset, start, start) for the start of every run of
 * at least `length` bytes of `data` that `table` (256 bytes) marks 1; scanner._run_starts.
 * From a candidate start (0, or just past a byte outside the class), the byte `length - 1`
 * on is looked at first, and back: the first outside the class found moves the candidate
 * past it (most text is short words: a few bytes looked at per word). */
static PyObject *
events_add_runs(Events *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (check_args(args, nargs, "bbi", "add_runs(data: bytes, table: bytes, length: int)") < 0)
        return NULL;
    if (PyBytes_GET_SIZE(args[1]) != 256) {
        PyErr_SetString(PyExc_ValueError, "add_runs: a table of 256 bytes");
        return NULL;
    }
    const unsigned char *data = (const unsigned char *)PyBytes_AS_STRING(args[0]);
    Py_ssize_t n = PyBytes_GET_SIZE(args[0]);
    const unsigned char *table = (const unsigned char *)PyBytes_AS_STRING(args[1]);
    Py_ssize_t length = PyLong_AsSsize_t(args[2]);
    if (length < 1) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_ValueError, "add_runs: length >= 1");
        return NULL;
    }
    Py_ssize_t at = 0; /* a candidate: 0, or just past a byte outside the class */
    while (at + length <= n) {
        Py_ssize_t k = at + length - 1;
        while (k >= at && table[data[k]])
            k--;
        if (k >= at) { /* outside the class: no run of `length` starts at or before it */
            at = k + 1;
            continue;
        }
        if (events_add(self, 0, at, at) < 0)
            return NULL;
        at += length;
        while (at < n && table[data[at]])
            at++;
        at++; /* past the byte that ends the run */
    }
    Py_RETURN_NONE;
}

static PyObject *
events_clear(Events *self, PyObject *unused)
{
    self->size = 0;
    self->offset = 0;
    Py_RETURN_NONE;
}

static PyObject *
events_list(Events *self, PyObject *unused)
{
    PyObject *list = PyList_New(self->size);
    if (list == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < self->size; i++) {
        Event *e = &self->events[i];
        PyObject *item = Py_BuildValue("(inn)", e->rule, e->start, e->end);
        if (item == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, i, item);
    }
    return list;
}

static Py_ssize_t
events_len(Events *self)
{
    return self->size;
}

static int
events_set_offset(Events *self, PyObject *value, void *closure)
{
    Py_ssize_t offset = value ? PyLong_AsSsize_t(value) : -1;
    if (offset < 0) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_ValueError, "offset: an int >= 0");
        return -1;
    }
    self->offset = offset;
    return 0;
}

static PyObject *
events_get_offset(Events *self, void *closure)
{
    return PyLong_FromSsize_t(self->offset);
}

static void
events_dealloc(Events *self)
{
    PyMem_Free(self->events);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMethodDef events_methods[] = {
    {"clear", (PyCFunction)events_clear, METH_NOARGS, "Forget the events (and the offset)."},
    {"add_runs", (PyCFunction)(void (*)(void))events_add_runs, METH_FASTCALL,
     "add_runs(data, table, length): an event (offset, start, start) for each run's start."},
    {"list", (PyCFunction)events_list, METH_NOARGS, "The events: [(rule, start, end), ...]."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef events_getset[] = {
    {"offset", (getter)events_get_offset, (setter)events_set_offset,
     "Added to the rule of each event (a database's first rule).", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PySequenceMethods events_sequence = {.sq_length = (lenfunc)events_len};

static PyTypeObject EventsType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "octollm.reflex.detection._native.Events",
    .tp_basicsize = sizeof(Events),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Hyperscan events, kept in C.",
    .tp_new = PyType_GenericNew,
    .tp_dealloc = (destructor)events_dealloc,
    .tp_call = (ternaryfunc)events_call,
    .tp_methods = events_methods,
    .tp_getset = events_getset,
    .tp_as_sequence = &events_sequence,
};

/* --- plan --------------------------------------------------------------------------------- */

#define WINDOW 0x00FFFFFF
#define ANCHORED 0x01000000

typedef struct {
    int32_t rule;
    Py_ssize_t at;
} Position;

static int
by_at(const void *a, const void *b)
{
    Py_ssize_t x = ((const Position *)a)->at, y = ((const Position *)b)->at;
    return (x > y) - (x < y);
}

static int
append_int(PyObject *list, Py_ssize_t value)
{
    PyObject *number = PyLong_FromSsize_t(value);
    if (number == NULL)
        return -1;
    int failed = PyList_Append(list, number);
    Py_DECREF(number);
    return failed;
}

/* The characters that start in `n` bytes of UTF-8: the bytes that are not continuation bytes
 * (10xxxxxx), counted 8 at a time (a count a byte of `lanes`, summed every 255 words) */
static Py_ssize_t
characters(const unsigned char *s, Py_ssize_t n)
{
    Py_ssize_t count = n, k = 0;
    while (k + 8 <= n) {
        uint64_t lanes = 0;
        for (int words = 0; words < 255 && k + 8 <= n; words++, k += 8) {
            uint64_t word;
            memcpy(&word, s + k, 8);
            lanes += (word & ~(word << 1) & 0x8080808080808080ull) >> 7;
        }
        lanes = (lanes & 0x00FF00FF00FF00FFull) + ((lanes >> 8) & 0x00FF00FF00FF00FFull);
        count -= (Py_ssize_t)((lanes * 0x0001000100010001ull) >> 48);
    }
    for (; k < n; k++)
        count -= (s[k] & 0xC0) == 0x80;
    return count;
}

/* The positions of one rule (sorted code points, repeats allowed) as its plan, written to
 * `out` (room for 2 * count); how many were written. */
static Py_ssize_t
rule_plan(const Position *positions, Py_ssize_t count, int32_t info, const unsigned char *stop,
          int kind, const void *text, Py_ssize_t *out)
{
    Py_ssize_t written = 0;
    if (info & ANCHORED) {
        Py_ssize_t last = -1;
        for (Py_ssize_t i = 0; i < count; i++) {
            Py_ssize_t s = positions[i].at;
            for (Py_ssize_t c = s; c <= s + 1; c++) {
                if (c > last) {
                    out[written++] = c;
                    last = c;
                }
            }
        }
        return written;
    }
    int narrows = 0;
    for (int b = 0; b < 16; b++)
        narrows |= stop[b];
    Py_ssize_t back = info & WINDOW;
    Py_ssize_t last = -1, previous = -1;
    for (Py_ssize_t i = 0; i < count; i++) {
        Py_ssize_t end = positions[i].at;
        if (end == previous)
            continue;
        previous = end;
        Py_ssize_t lo = end > back ? end - back : 0;
        if (narrows) {
            /* a match holds none of them: it starts after the last one before end - 1 */
            for (Py_ssize_t k = end - 2; k >= lo; k--) {
                Py_UCS4 c = PyUnicode_READ(kind, text, k);
                if (c < 128 && (stop[c >> 3] >> (c & 7)) & 1) {
                    lo = k + 1;
                    break;
                }
            }
        }
        if (written && lo <= last) { /* overlaps the cluster before: extend it */
            out[written - 1] = last = end;
        }
        else {
            out[written++] = lo;
            out[written++] = last = end;
        }
    }
    return written;
}

static PyObject *
plan(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (check_args(args, nargs, "ebsbbb",
                   "plan(events: Events, data: bytes, text: str, rules: bytes, "
                   "wanted: bytes, stops: bytes)") < 0)
        return NULL;
    Events *events = (Events *)args[0];
    const unsigned char *data = (const unsigned char *)PyBytes_AS_STRING(args[1]);
    Py_ssize_t n_data = PyBytes_GET_SIZE(args[1]);
    PyObject *text = args[2];
    const int32_t *rules = (const int32_t *)PyBytes_AS_STRING(args[3]);
    Py_ssize_t n_rules = PyBytes_GET_SIZE(args[3]) / 4;
    const unsigned char *wanted = (const unsigned char *)PyBytes_AS_STRING(args[4]);
    const unsigned char *stops = (const unsigned char *)PyBytes_AS_STRING(args[5]);
    if (PyBytes_GET_SIZE(args[4]) != n_rules || PyBytes_GET_SIZE(args[5]) != 16 * n_rules) {
        PyErr_SetString(PyExc_ValueError, "plan: rules, wanted and stops differ in length");
        return NULL;
    }

    Position *positions = PyMem_Malloc((size_t)(events->size ? events->size : 1) *
                                       sizeof(Position));
    if (positions == NULL)
        return PyErr_NoMemory();
    Py_ssize_t count = 0;
    for (Py_ssize_t i = 0; i < events->size; i++) {
        Event *e = &events->events[i];
        if (e->rule < 0 || e->rule >= n_rules) {
            PyMem_Free(positions);
            PyErr_SetString(PyExc_ValueError, "plan: an event of an unknown rule");
            return NULL;
        }
        if (!wanted[e->rule])
            continue;
        positions[count].rule = e->rule;
        positions[count].at = (rules[e->rule] & ANCHORED) ? e->start : e->end;
        count++;
    }
    if (n_data != PyUnicode_GET_LENGTH(text)) {
        /* byte offsets to code points: the bytes before that are not continuation bytes (an
         * offset inside a character counts that character) */
        qsort(positions, (size_t)count, sizeof(Position), by_at);
        Py_ssize_t byte = 0, cp = 0;
        for (Py_ssize_t i = 0; i < count; i++) {
            Py_ssize_t at = positions[i].at < n_data ? positions[i].at : n_data;
            if (at > byte) {
                cp += characters(data + byte, at - byte);
                byte = at;
            }
            positions[i].at = cp;
        }
    }
    /* by rule (a counting sort: stable), then each rule's positions sorted by offset where
     * they are not yet (they come in the order Hyperscan reports them: mostly sorted) */
    Py_ssize_t *out = PyMem_Malloc((size_t)(2 * count + 1) * sizeof(Py_ssize_t));
    Py_ssize_t *first = PyMem_Calloc((size_t)n_rules + 1, sizeof(Py_ssize_t));
    Position *by_rule = PyMem_Malloc((size_t)(count ? count : 1) * sizeof(Position));
    PyObject *plans = NULL;
    if (out == NULL || first == NULL || by_rule == NULL) {
        PyErr_NoMemory();
        goto error;
    }
    for (Py_ssize_t i = 0; i < count; i++)
        first[positions[i].rule + 1]++;
    for (Py_ssize_t r = 0; r < n_rules; r++)
        first[r + 1] += first[r];
    for (Py_ssize_t i = 0; i < count; i++)
        by_rule[first[positions[i].rule]++] = positions[i];
    for (Py_ssize_t i = 0, j; i < count; i = j) {
        int sorted = 1;
        for (j = i + 1; j < count && by_rule[j].rule == by_rule[i].rule; j++)
            sorted &= by_rule[j - 1].at <= by_rule[j].at;
        if (!sorted)
            qsort(by_rule + i, (size_t)(j - i), sizeof(Position), by_at);
    }
    PyMem_Free(positions);
    positions = by_rule;
    by_rule = NULL;

    plans = PyList_New(0);
    if (plans == NULL)
        goto error;
    int kind = PyUnicode_KIND(text);
    const void *text_data = PyUnicode_DATA(text);
    for (Py_ssize_t i = 0; i < count;) {
        Py_ssize_t j = i;
        while (j < count && positions[j].rule == positions[i].rule)
            j++;
        int32_t rule = positions[i].rule;
        Py_ssize_t written = rule_plan(positions + i, j - i, rules[rule], stops + 16 * rule,
                                       kind, text_data, out);
        PyObject *rule_positions =
            PyBytes_FromStringAndSize((const char *)out, written * (Py_ssize_t)sizeof(*out));
        if (rule_positions == NULL)
            goto error;
        PyObject *item = Py_BuildValue("(iN)", rule, rule_positions);
        if (item == NULL || PyList_Append(plans, item) < 0) {
            Py_XDECREF(item);
            goto error;
        }
        Py_DECREF(item);
        i = j;
    }
    PyMem_Free(positions);
    PyMem_Free(out);
    PyMem_Free(first);
    return plans;
error:
    PyMem_Free(positions);
    PyMem_Free(out);
    PyMem_Free(first);
    PyMem_Free(by_rule);
    Py_XDECREF(plans);
    return NULL;
}

/* --- confirmation ------------------------------------------------------------------------- */

/* A rule's plan, as `plan` makes it: its positions, Py_ssize_t in a bytes object */
static inline const Py_ssize_t *
plan_positions(PyObject *plan)
{
    return (const Py_ssize_t *)PyBytes_AS_STRING(plan);
}

static inline Py_ssize_t
plan_length(PyObject *plan)
{
    return PyBytes_GET_SIZE(plan) / (Py_ssize_t)sizeof(Py_ssize_t);
}

/* Whether each of `plans` is a (rule, plan) pair as `plan` makes them */
static int
check_plans(PyObject *plans, const char *name)
{
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(plans); i++) {
        PyObject *item = PyList_GET_ITEM(plans, i);
        if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 2 ||
            !PyLong_Check(PyTuple_GET_ITEM(item, 0)) || !PyBytes_Check(PyTuple_GET_ITEM(item, 1))) {
            PyErr_Format(PyExc_TypeError, "%s: plans as plan() makes them", name);
            return -1;
        }
    }
    return 0;
}

static PyObject *
lowered_regions(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (check_args(args, nargs, "lb", "lowered_regions(plans: list, reaches: bytes)") < 0)
        return NULL;
    if (check_plans(args[0], "lowered_regions") < 0)
        return NULL;
    const int32_t *reaches = (const int32_t *)PyBytes_AS_STRING(args[1]);
    Py_ssize_t n_rules = PyBytes_GET_SIZE(args[1]) / 4;
    PyObject *regions = PyList_New(0);
    if (regions == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(args[0]); i++) {
        PyObject *item = PyList_GET_ITEM(args[0], i);
        Py_ssize_t rule = PyLong_AsSsize_t(PyTuple_GET_ITEM(item, 0));
        PyObject *plan = PyTuple_GET_ITEM(item, 1);
        if (rule < 0 || rule >= n_rules) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_ValueError, "lowered_regions: an unknown rule");
            goto error;
        }
        const Py_ssize_t *at = plan_positions(plan);
        Py_ssize_t reach = reaches[rule], n = plan_length(plan);
        if (reach == 0 || n == 0)
            continue;
        /* windows: each cluster; candidate starts: from the first to the last */
        int anchored = reach < 0;
        reach = anchored ? -reach : reach;
        Py_ssize_t step = anchored ? n : 2;
        for (Py_ssize_t k = 0; k < n; k += step) {
            Py_ssize_t lo = at[k], hi = at[anchored ? n - 1 : k + 1];
            PyObject *region = Py_BuildValue("(nn)", lo, hi + reach);
            if (region == NULL || PyList_Append(regions, region) < 0) {
                Py_XDECREF(region);
                goto error;
            }
            Py_DECREF(region);
        }
    }
    return regions;
error:
    Py_DECREF(regions);
    return NULL;
}

static int
match_span(PyObject *m, Py_ssize_t *start, Py_ssize_t *end)
{
    PyObject *span = PyObject_CallMethodNoArgs(m, str_span);
    if (span == NULL)
        return -1;
    *start = PyLong_AsSsize_t(PyTuple_GET_ITEM(span, 0));
    *end = PyLong_AsSsize_t(PyTuple_GET_ITEM(span, 1));
    Py_DECREF(span);
    return PyErr_Occurred() ? -1 : 0;
}

/* regex.finditer(text, lo, cut) or regex.match(text, start) */
static PyObject *
call3(PyObject *method, PyObject *text, Py_ssize_t a, Py_ssize_t b, int two)
{
    PyObject *x = PyLong_FromSsize_t(a), *y = two ? NULL : PyLong_FromSsize_t(b);
    if (x == NULL || (!two && y == NULL)) {
        Py_XDECREF(x);
        Py_XDECREF(y);
        return NULL;
    }
    PyObject *argv[3] = {text, x, y};
    PyObject *result = PyObject_Vectorcall(method, argv, two ? 2 : 3, NULL);
    Py_DECREF(x);
    Py_XDECREF(y);
    return result;
}

/* _confirm_windows: appends to `matches`; returns 1 when max_matches is reached, -1 on error */
static int
confirm_windows(PyObject *finditer, PyObject *text, PyObject *clusters, Py_ssize_t tight,
                Py_ssize_t reach, Py_ssize_t max_matches, PyObject *matches)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    const Py_ssize_t *at = plan_positions(clusters);
    for (Py_ssize_t i = 0; i + 1 < plan_length(clusters); i += 2) {
        Py_ssize_t lo = at[i], hi = at[i + 1];
        /* the matches of this cluster go after `size`; at most `room` of them */
        Py_ssize_t size = PyList_GET_SIZE(matches);
        Py_ssize_t room = max_matches < 0 ? -1 : max_matches - size;
        for (int uncut = 0; uncut < 2; uncut++) {
            Py_ssize_t cut = hi + (uncut ? reach : tight);
            PyObject *iterator = call3(finditer, text, lo, cut < n ? cut : n, 0);
            if (iterator == NULL)
                return -1;
            int again = 0;
            PyObject *m;
            while (PyList_GET_SIZE(matches) - size != room && (m = PyIter_Next(iterator))) {
                Py_ssize_t start, end;
                if (match_span(m, &start, &end) < 0) {
                    Py_DECREF(m);
                    Py_DECREF(iterator);
                    return -1;
                }
                if (start > hi) {
                    Py_DECREF(m);
                    break;
                }
                if (!uncut && end > hi) { /* the cut may have made it: again, uncut */
                    Py_DECREF(m);
                    again = 1;
                    break;
                }
                int failed = PyList_Append(matches, m);
                Py_DECREF(m);
                if (failed < 0) {
                    Py_DECREF(iterator);
                    return -1;
                }
            }
            Py_DECREF(iterator);
            if (PyErr_Occurred())
                return -1;
            if (!again)
                break;
            if (PyList_SetSlice(matches, size, PyList_GET_SIZE(matches), NULL) < 0)
                return -1;
        }
        if (PyList_GET_SIZE(matches) - size == room)
            return 1;
    }
    return 0;
}

/* _confirm_anchors */
static int
confirm_anchors(PyObject *match, PyObject *text, PyObject *candidates, Py_ssize_t max_matches,
                PyObject *matches)
{
    Py_ssize_t position = 0;
    const Py_ssize_t *at = plan_positions(candidates);
    for (Py_ssize_t i = 0; i < plan_length(candidates); i++) {
        Py_ssize_t start = at[i];
        if (start < position)
            continue;
        PyObject *m = call3(match, text, start, 0, 1);
        if (m == NULL)
            return -1;
        if (m == Py_None) {
            Py_DECREF(m);
            continue;
        }
        Py_ssize_t s, e;
        int failed = match_span(m, &s, &e) < 0 || PyList_Append(matches, m) < 0;
        Py_DECREF(m);
        if (failed)
            return -1;
        if (max_matches >= 0 && PyList_GET_SIZE(matches) >= max_matches)
            return 1;
        position = e > s ? e : s + 1;
    }
    return 0;
}

static PyObject *
confirm(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (check_args(args, nargs, "lsst",
                   "confirm(plans: list, text: str, lowered: str, rules: tuple)") < 0)
        return NULL;
    if (check_plans(args[0], "confirm") < 0)
        return NULL;
    PyObject *plans = args[0], *rules = args[3];
    PyObject *found = PyList_New(0);
    if (found == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(plans); i++) {
        PyObject *item = PyList_GET_ITEM(plans, i);
        Py_ssize_t index = PyLong_AsSsize_t(PyTuple_GET_ITEM(item, 0));
        PyObject *plan = PyTuple_GET_ITEM(item, 1);
        if (index < 0 || index >= PyTuple_GET_SIZE(rules)) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_ValueError, "confirm: an unknown rule");
            goto error;
        }
        PyObject *info = PyTuple_GET_ITEM(rules, index);
        PyObject *rule = PyTuple_GET_ITEM(info, 0), *method = PyTuple_GET_ITEM(info, 1);
        int anchored = PyObject_IsTrue(PyTuple_GET_ITEM(info, 2));
        int lowercase = PyObject_IsTrue(PyTuple_GET_ITEM(info, 3));
        Py_ssize_t tight = PyLong_AsSsize_t(PyTuple_GET_ITEM(info, 4));
        Py_ssize_t reach = PyLong_AsSsize_t(PyTuple_GET_ITEM(info, 5));
        Py_ssize_t max_matches = PyLong_AsSsize_t(PyTuple_GET_ITEM(info, 6));
        if (PyErr_Occurred())
            goto error;
        PyObject *target = lowercase ? args[2] : args[1];
        PyObject *matches = PyList_New(0);
        if (matches == NULL)
            goto error;
        int done = anchored
                       ? confirm_anchors(method, target, plan, max_matches, matches)
                       : confirm_windows(method, target, plan, tight, reach, max_matches, matches);
        if (done < 0) {
            Py_DECREF(matches);
            goto error;
        }
        if (PyList_GET_SIZE(matches) > 0) {
            PyObject *pair = PyTuple_Pack(2, rule, matches);
            if (pair == NULL || PyList_Append(found, pair) < 0) {
                Py_XDECREF(pair);
                Py_DECREF(matches);
                goto error;
            }
            Py_DECREF(pair);
        }
        Py_DECREF(matches);
    }
    return found;
error:
    Py_DECREF(found);
    return NULL;
}

/* --- PII candidates ----------------------------------------------------------------------- */

static int
contains(PyObject *chars, Py_UCS4 c)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(chars);
    return n > 0 && PyUnicode_FindChar(chars, c, 0, n, 1) >= 0;
}

static int validate_native(int which, PyObject *text, Py_ssize_t s, Py_ssize_t e);

/* The first span of a match its validator accepts: appends its candidate; 0 if none, -1 on
 * error */
static int
pii_span(PyObject *text, const void *data, int kind, Py_ssize_t n, Py_ssize_t s, Py_ssize_t e,
         Py_ssize_t context, PyObject *info, PyObject *candidates)
{
    PyObject *validate = PyTuple_GET_ITEM(info, 0);
    int verdict = validate_native((int)PyLong_AsLong(PyTuple_GET_ITEM(info, 7)), text, s, e);
    if (verdict == 0)
        return 0;
    if (verdict == 1) { /* factor 1.0: the rule's own score */
        double score = PyFloat_AS_DOUBLE(PyTuple_GET_ITEM(info, 8));
        PyObject *c = Py_BuildValue("(nNOnnO)", s - e, PyFloat_FromDouble(-score),
                                    PyTuple_GET_ITEM(info, 3), s, e, PyTuple_GET_ITEM(info, 4));
        if (c == NULL)
            return -1;
        int failed = PyList_Append(candidates, c);
        Py_DECREF(c);
        return failed < 0 ? -1 : 1;
    }
    PyObject *value = PyUnicode_Substring(text, s, e);
    PyObject *before = PyUnicode_Substring(text, s > context ? s - context : 0, s);
    PyObject *after = PyUnicode_Substring(text, e, e + context < n ? e + context : n);
    PyObject *factor = NULL, *product = NULL, *score = NULL, *candidate = NULL;
    int result = -1;
    if (value == NULL || before == NULL || after == NULL)
        goto done;
    PyObject *argv[3] = {value, before, after};
    factor = PyObject_Vectorcall(validate, argv, 3, NULL);
    if (factor == NULL)
        goto done;
    int accepted = PyObject_IsTrue(factor);
    if (accepted <= 0) {
        result = accepted;
        goto done;
    }
    product = PyNumber_Multiply(PyTuple_GET_ITEM(info, 2), factor);
    if (product == NULL)
        goto done;
    score = PyObject_CallMethod(product, "__round__", "i", 3); /* round(product, 3) */
    if (score == NULL)
        goto done;
    PyObject *negated = PyNumber_Negative(score);
    if (negated == NULL)
        goto done;
    candidate = Py_BuildValue("(nNOnnO)", s - e, negated, PyTuple_GET_ITEM(info, 3), s, e,
                              PyTuple_GET_ITEM(info, 4));
    if (candidate == NULL || PyList_Append(candidates, candidate) < 0)
        goto done;
    result = 1;
done:
    Py_XDECREF(value);
    Py_XDECREF(before);
    Py_XDECREF(after);
    Py_XDECREF(factor);
    Py_XDECREF(product);
    Py_XDECREF(score);
    Py_XDECREF(candidate);
    return result;
}

static PyObject *
pii_candidates(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (check_args(args, nargs, "lsdi",
                   "pii_candidates(found: list, text: str, rules: dict, context: int)") < 0)
        return NULL;
    PyObject *found = args[0], *text = args[1], *rules = args[2];
    Py_ssize_t context = PyLong_AsSsize_t(args[3]);
    if (context < 0) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_ValueError, "pii_candidates: context < 0");
        return NULL;
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    PyObject *candidates = PyList_New(0);
    if (candidates == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(found); i++) {
        PyObject *item = PyList_GET_ITEM(found, i);
        if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 2)
            goto type_error;
        PyObject *info = PyDict_GetItemWithError(rules, PyTuple_GET_ITEM(item, 0));
        PyObject *matches = PyTuple_GET_ITEM(item, 1);
        if (info == NULL) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_KeyError, "pii_candidates: an unknown rule");
            goto error;
        }
        if (!PyTuple_Check(info) || PyTuple_GET_SIZE(info) != 9 || !PyList_Check(matches) ||
            !PyLong_Check(PyTuple_GET_ITEM(info, 7)) || !PyFloat_Check(PyTuple_GET_ITEM(info, 8)))
            goto type_error;
        PyObject *group = PyTuple_GET_ITEM(info, 1);
        PyObject *trim = PyTuple_GET_ITEM(info, 5), *split = PyTuple_GET_ITEM(info, 6);
        if (!PyUnicode_Check(trim) || !PyUnicode_Check(split))
            goto type_error;
        for (Py_ssize_t j = 0; j < PyList_GET_SIZE(matches); j++) {
            PyObject *argv[2] = {PyList_GET_ITEM(matches, j), group};
            PyObject *span = PyObject_VectorcallMethod(str_span, argv, 2, NULL);
            if (span == NULL)
                goto error;
            Py_ssize_t start = PyLong_AsSsize_t(PyTuple_GET_ITEM(span, 0));
            Py_ssize_t end = PyLong_AsSsize_t(PyTuple_GET_ITEM(span, 1));
            Py_DECREF(span);
            if (PyErr_Occurred())
                goto error;
            /* trimmed of trailing punctuation, kept when it closes a bracket the match opened */
            while (end > start && contains(trim, PyUnicode_READ(kind, data, end - 1))) {
                Py_UCS4 closing = PyUnicode_READ(kind, data, end - 1);
                if (closing == ')' || closing == ']') {
                    Py_UCS4 opening = closing == ')' ? '(' : '[';
                    Py_ssize_t opened = 0, closed = 0;
                    for (Py_ssize_t k = start; k < end; k++) {
                        Py_UCS4 c = PyUnicode_READ(kind, data, k);
                        opened += c == opening;
                        closed += c == closing;
                    }
                    if (opened >= closed)
                        break;
                }
                end--;
            }
            int accepted = pii_span(text, data, kind, n, start, end, context, info, candidates);
            for (Py_ssize_t k = end - 1; accepted == 0 && k > start; k--) {
                if (contains(split, PyUnicode_READ(kind, data, k)))
                    accepted = pii_span(text, data, kind, n, start, k, context, info, candidates);
            }
            if (accepted < 0)
                goto error;
        }
    }
    return candidates;
type_error:
    PyErr_SetString(PyExc_TypeError, "pii_candidates: unexpected arguments");
error:
    Py_DECREF(candidates);
    return NULL;
}

/* --- payloads ----------------------------------------------------------------------------- */

/* Whether `s` is UTF-8 as Python's strict decoder takes it (no overlong forms, no surrogates,
 * nothing past U+10FFFF) */
static int
valid_utf8(const unsigned char *s, Py_ssize_t n)
{
    Py_ssize_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        Py_ssize_t more;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF)
            more = 1;
        else if (c >= 0xE0 && c <= 0xEF) {
            more = 2;
            lo = c == 0xE0 ? 0xA0 : 0x80;
            hi = c == 0xED ? 0x9F : 0xBF;
        }
        else if (c >= 0xF0 && c <= 0xF4) {
            more = 3;
            lo = c == 0xF0 ? 0x90 : 0x80;
            hi = c == 0xF4 ? 0x8F : 0xBF;
        }
        else
            return 0;
        if (i + more >= n)
            return 0;
        if (s[i + 1] < lo || s[i + 1] > hi)
            return 0;
        for (Py_ssize_t k = 2; k <= more; k++)
            if (s[i + k] < 0x80 || s[i + k] > 0xBF)
                return 0;
        i += more + 1;
    }
    return 1;
}

static int
hex_value(Py_UCS1 c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int
base64_value(Py_UCS1 c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/* Appends `raw` to `out` if it is valid UTF-8; -1 on error */
static int
keep_if_utf8(PyObject *out, const unsigned char *raw, Py_ssize_t n)
{
    if (!valid_utf8(raw, n))
        return 0;
    PyObject *bytes = PyBytes_FromStringAndSize((const char *)raw, n);
    if (bytes == NULL)
        return -1;
    int failed = PyList_Append(out, bytes);
    Py_DECREF(bytes);
    return failed;
}

/* hex digits (all of them, an even number) as bytes */
static Py_ssize_t
from_hex(const Py_UCS1 *s, Py_ssize_t n, unsigned char *raw)
{
    for (Py_ssize_t i = 0; i + 1 < n; i += 2)
        raw[i / 2] = (unsigned char)(hex_value(s[i]) * 16 + hex_value(s[i + 1]));
    return n / 2;
}

static PyObject *
payload_bytes(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (check_args(args, nargs, "ss", "payload_bytes(encoding: str, payload: str)") < 0)
        return NULL;
    PyObject *payload = args[1];
    if (!PyUnicode_IS_ASCII(payload))
        Py_RETURN_NONE;
    const Py_UCS1 *s = PyUnicode_1BYTE_DATA(payload);
    Py_ssize_t n = PyUnicode_GET_LENGTH(payload);
    int hex = PyUnicode_CompareWithASCIIString(args[0], "hex") == 0;
    Py_UCS1 *digits = PyMem_Malloc((size_t)n + 1);
    unsigned char *raw = PyMem_Malloc((size_t)n + 1);
    PyObject *out = PyList_New(0);
    if (digits == NULL || raw == NULL || out == NULL) {
        PyMem_Free(digits);
        PyMem_Free(raw);
        Py_XDECREF(out);
        return PyErr_NoMemory();
    }
    Py_ssize_t m = 0, i;
    int all_hex = 1, urlsafe = 0, slash_plus = 0;
    if (hex) { /* payload.replace("\\x", "") */
        for (i = 0; i < n; i++) {
            if (s[i] == '\\' && i + 1 < n && s[i + 1] == 'x') {
                i++;
                continue;
            }
            digits[m++] = s[i];
        }
    }
    else {
        memcpy(digits, s, (size_t)n);
        m = n;
    }
    for (i = 0; i < m; i++) {
        all_hex &= hex_value(digits[i]) >= 0;
        urlsafe |= digits[i] == '_' || digits[i] == '-';
        slash_plus |= digits[i] == '+' || digits[i] == '/';
    }
    if (hex) {
        if (!all_hex || m % 2)
            goto plain_case_only;
        if (keep_if_utf8(out, raw, from_hex(digits, m, raw)) < 0)
            goto error;
        goto done;
    }
    if (all_hex && m % 2 == 0 && keep_if_utf8(out, raw, from_hex(digits, m, raw)) < 0)
        goto error;
    if (urlsafe && slash_plus)
        goto done;
    /* base64: stripped of its padding (and of a last character that cannot be decoded) */
    Py_ssize_t stripped = m;
    while (stripped > 0 && digits[stripped - 1] == '=')
        stripped--;
    if (stripped % 4 == 1)
        stripped--;
    Py_ssize_t size = 0;
    unsigned int bits = 0;
    int count = 0;
    for (i = 0; i < stripped; i++) {
        Py_UCS1 c = digits[i];
        if (urlsafe)
            c = c == '-' ? '+' : c == '_' ? '/' : c;
        int v = base64_value(c);
        if (v < 0)
            goto plain_case_only;
        bits = (bits << 6) | (unsigned int)v;
        if (++count == 4) {
            raw[size++] = (unsigned char)(bits >> 16);
            raw[size++] = (unsigned char)(bits >> 8);
            raw[size++] = (unsigned char)bits;
            bits = 0;
            count = 0;
        }
    }
    if (count == 2)
        raw[size++] = (unsigned char)(bits >> 4);
    else if (count == 3) {
        raw[size++] = (unsigned char)(bits >> 10);
        raw[size++] = (unsigned char)(bits >> 2);
    }
    if (keep_if_utf8(out, raw, size) < 0)
        goto error;
done:
    PyMem_Free(digits);
    PyMem_Free(raw);
    return out;
plain_case_only:
    PyMem_Free(digits);
    PyMem_Free(raw);
    Py_DECREF(out);
    Py_RETURN_NONE;
error:
    PyMem_Free(digits);
    PyMem_Free(raw);
    Py_DECREF(out);
    return NULL;
}

/* --- context analysis ---------------------------------------------------------------------- */

/* The vocabulary of context.py, set once (`context_vocabulary`): words and phrases ("a b") in
 * a small open-addressing table, each with its bits (ACADEMIC, EXAMPLE); stems in lists. */
#define VOCAB_SLOTS 512
#define VOCAB_KEY 40
#define MAX_STEMS 16
#define CTX_ACADEMIC 1
#define CTX_EXAMPLE 2
#define CTX_BEFORE 100
#define CTX_AFTER 60
#define CTX_MAX_WORDS 256

typedef struct {
    char key[VOCAB_KEY];
    unsigned char length, word_bits, phrase_bits;
} VocabSlot;

static VocabSlot vocab[VOCAB_SLOTS];
static char stems[2][MAX_STEMS][VOCAB_KEY];
static int n_stems[2];
static int vocab_ready = 0;

static uint32_t
vocab_hash(const Py_UCS4 *a, Py_ssize_t na, const Py_UCS4 *b, Py_ssize_t nb)
{
    uint32_t h = 2166136261u;
    for (Py_ssize_t i = 0; i < na; i++)
        h = (h ^ (uint32_t)a[i]) * 16777619u;
    if (b != NULL) {
        h = (h ^ (uint32_t)' ') * 16777619u;
        for (Py_ssize_t i = 0; i < nb; i++)
            h = (h ^ (uint32_t)b[i]) * 16777619u;
    }
    return h;
}

/* the slot of the key `a` or `a b` (phrase), or of the empty slot where it would go */
static VocabSlot *
vocab_slot(const Py_UCS4 *a, Py_ssize_t na, const Py_UCS4 *b, Py_ssize_t nb)
{
    Py_ssize_t length = na + (b != NULL ? 1 + nb : 0);
    uint32_t h = vocab_hash(a, na, b, nb) % VOCAB_SLOTS;
    for (;;) {
        VocabSlot *slot = &vocab[h];
        if (slot->length == 0)
            return slot;
        if (slot->length == length) {
            Py_ssize_t k = 0;
            for (; k < na && (Py_UCS4)(unsigned char)slot->key[k] == a[k]; k++)
                ;
            if (k == na && b != NULL) {
                if (slot->key[k] != ' ')
                    goto next;
                for (k = 0; k < nb && (Py_UCS4)(unsigned char)slot->key[na + 1 + k] == b[k]; k++)
                    ;
                if (k == nb)
                    return slot;
            }
            else if (k == na && b == NULL)
                return slot;
        }
    next:
        h = (h + 1) % VOCAB_SLOTS;
    }
}

static int
vocab_add(PyObject *item, int bit, int phrase)
{
    Py_UCS4 a[VOCAB_KEY], b[VOCAB_KEY];
    Py_ssize_t na, nb = 0;
    PyObject *first = phrase ? PyTuple_GetItem(item, 0) : item;
    PyObject *second = phrase ? PyTuple_GetItem(item, 1) : NULL;
    if (first == NULL || (phrase && second == NULL))
        return -1;
    if (!PyUnicode_Check(first) || !PyUnicode_IS_ASCII(first) ||
        (second != NULL && (!PyUnicode_Check(second) || !PyUnicode_IS_ASCII(second)))) {
        PyErr_SetString(PyExc_ValueError, "context_vocabulary: ASCII words only");
        return -1;
    }
    na = PyUnicode_GET_LENGTH(first);
    nb = second != NULL ? PyUnicode_GET_LENGTH(second) : 0;
    if (na + nb + 2 > VOCAB_KEY || na == 0) {
        PyErr_SetString(PyExc_ValueError, "context_vocabulary: a word too long");
        return -1;
    }
    for (Py_ssize_t k = 0; k < na; k++)
        a[k] = PyUnicode_1BYTE_DATA(first)[k];
    for (Py_ssize_t k = 0; k < nb; k++)
        b[k] = PyUnicode_1BYTE_DATA(second)[k];
    static int used = 0;
    VocabSlot *slot = vocab_slot(a, na, phrase ? b : NULL, nb);
    if (slot->length == 0) {
        if (++used > VOCAB_SLOTS / 2) {
            PyErr_SetString(PyExc_ValueError, "context_vocabulary: too many words");
            return -1;
        }
        for (Py_ssize_t k = 0; k < na; k++)
            slot->key[k] = (char)a[k];
        if (phrase) {
            slot->key[na] = ' ';
            for (Py_ssize_t k = 0; k < nb; k++)
                slot->key[na + 1 + k] = (char)b[k];
        }
        slot->length = (unsigned char)(na + (phrase ? 1 + nb : 0));
    }
    if (phrase)
        slot->phrase_bits |= (unsigned char)bit;
    else
        slot->word_bits |= (unsigned char)bit;
    return 0;
}

static PyObject *
context_vocabulary(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (check_args(args, nargs, "......",
                   "context_vocabulary(academic_words, academic_stems, academic_phrases, "
                   "example_words, example_stems, example_phrases)") < 0)
        return NULL;
    if (vocab_ready)
        Py_RETURN_NONE; /* the same vocabulary: context.py is imported once */
    for (int set = 0; set < 2; set++) {
        int bit = set == 0 ? CTX_ACADEMIC : CTX_EXAMPLE;
        for (int part = 0; part < 3; part++) {
            PyObject *seq = PySequence_Fast(args[3 * set + part], "context_vocabulary: sequences");
            if (seq == NULL)
                return NULL;
            for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(seq); i++) {
                PyObject *item = PySequence_Fast_GET_ITEM(seq, i);
                int failed;
                if (part == 1) { /* a stem */
                    if (!PyUnicode_Check(item) || !PyUnicode_IS_ASCII(item) ||
                        PyUnicode_GET_LENGTH(item) >= VOCAB_KEY || n_stems[set] == MAX_STEMS) {
                        PyErr_SetString(PyExc_ValueError, "context_vocabulary: bad stem");
                        failed = -1;
                    }
                    else {
                        memcpy(stems[set][n_stems[set]++], PyUnicode_1BYTE_DATA(item),
                               (size_t)PyUnicode_GET_LENGTH(item) + 1);
                        failed = 0;
                    }
                }
                else
                    failed = vocab_add(item, bit, part == 2);
                if (failed < 0) {
                    Py_DECREF(seq);
                    return NULL;
                }
            }
            Py_DECREF(seq);
        }
    }
    vocab_ready = 1;
    Py_RETURN_NONE;
}

typedef struct {
    const Py_UCS4 *s;
    Py_ssize_t n;
} Word;

static const Py_UCS4 letter_e[] = {'e'}, letter_g[] = {'g'}, letter_i[] = {'i'};

static inline int
is_ascii_letter(Py_UCS4 c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline int
is_word_char(Py_UCS4 c) /* sre's \w on str */
{
    return Py_UNICODE_ISALNUM(c) || c == '_';
}

/* outside a token: \s and "'`()[]{}<>,;!? (context._TOKEN) */
static inline int
is_token_break(Py_UCS4 c)
{
    if (c < 0x80)
        return c == '"' || c == '\'' || c == '`' || c == '(' || c == ')' || c == '[' ||
               c == ']' || c == '{' || c == '}' || c == '<' || c == '>' || c == ',' ||
               c == ';' || c == '!' || c == '?' || Py_UNICODE_ISSPACE(c);
    return Py_UNICODE_ISSPACE(c);
}

/* context._SENTENCE_END matched at `i` of s[0:n]: its end, or -1 */
static Py_ssize_t
sentence_end_at(const Py_UCS4 *s, Py_ssize_t n, Py_ssize_t i)
{
    Py_UCS4 c = s[i];
    if (c == '.' || c == '!' || c == '?') {
        Py_ssize_t p = i + 1;
        if (p >= 4 && (p == 4 || !is_word_char(s[p - 5]))) {
            /* (?<!\be\.g[.!?])(?<!\bi\.e[.!?])(?<!\betc[.!?]) */
            if ((s[p - 4] == 'e' && s[p - 3] == '.' && s[p - 2] == 'g') ||
                (s[p - 4] == 'i' && s[p - 3] == '.' && s[p - 2] == 'e') ||
                (s[p - 4] == 'e' && s[p - 3] == 't' && s[p - 2] == 'c'))
                return -1;
        }
        Py_ssize_t j = p;
        while (j < n && (s[j] == '.' || s[j] == '!' || s[j] == '?'))
            j++;
        return j < n && Py_UNICODE_ISSPACE(s[j]) ? j : -1;
    }
    if (c == '\n') { /* \n\s*\n: to the last newline of the run of spaces after it */
        Py_ssize_t last = -1;
        for (Py_ssize_t k = i + 1; k < n && Py_UNICODE_ISSPACE(s[k]); k++)
            if (s[k] == '\n')
                last = k;
        return last >= 0 ? last + 1 : -1;
    }
    return -1;
}

/* context._words(s[0:n]), appended to `words` (at most CTX_MAX_WORDS in all) */
static void
context_words(const Py_UCS4 *s, Py_ssize_t n, Word *words, int *count)
{
    int tokens = 0;
    for (Py_ssize_t k = 0; k < n && !tokens; k++) {
        Py_UCS4 c = s[k];
        if (c == '@' || c == '/' || c == '=' || c == '_')
            tokens = 1;
        else if (c == '.' && k + 1 < n && !is_token_break(s[k + 1]))
            tokens = 1; /* _DOT_IN_TOKEN */
    }
    if (!tokens) { /* the runs of [a-z] */
        for (Py_ssize_t k = 0; k < n;) {
            if (s[k] >= 'a' && s[k] <= 'z') {
                Py_ssize_t start = k;
                while (k < n && s[k] >= 'a' && s[k] <= 'z')
                    k++;
                if (*count < CTX_MAX_WORDS)
                    words[(*count)++] = (Word){s + start, k - start};
            }
            else
                k++;
        }
        return;
    }
    for (Py_ssize_t k = 0; k < n;) { /* token by token (_token_words) */
        if (is_token_break(s[k])) {
            k++;
            continue;
        }
        Py_ssize_t lo = k;
        while (k < n && !is_token_break(s[k]))
            k++;
        Py_ssize_t hi = k, length = hi - lo;
        const Py_UCS4 *t = s + lo;
        /* _ABBREVIATIONS: "e.g.", "e.g", "i.e." */
        if ((length == 4 && t[0] == 'e' && t[1] == '.' && t[2] == 'g' && t[3] == '.') ||
            (length == 3 && t[0] == 'e' && t[1] == '.' && t[2] == 'g')) {
            if (*count < CTX_MAX_WORDS)
                words[(*count)++] = (Word){letter_e, 1};
            if (*count < CTX_MAX_WORDS)
                words[(*count)++] = (Word){letter_g, 1};
            continue;
        }
        if (length == 4 && t[0] == 'i' && t[1] == '.' && t[2] == 'e' && t[3] == '.') {
            if (*count < CTX_MAX_WORDS)
                words[(*count)++] = (Word){letter_i, 1};
            if (*count < CTX_MAX_WORDS)
                words[(*count)++] = (Word){letter_e, 1};
            continue;
        }
        /* token.strip(".:") */
        while (lo < hi && (s[lo] == '.' || s[lo] == ':'))
            lo++;
        while (hi > lo && (s[hi - 1] == '.' || s[hi - 1] == ':'))
            hi--;
        int address = 0;
        for (Py_ssize_t m = lo; m < hi; m++) {
            Py_UCS4 c = s[m];
            if (c == '@' || c == '/' || c == '.' || c == '=' || c == '_') {
                address = 1;
                break;
            }
        }
        if (address)
            continue;
        for (Py_ssize_t m = lo; m < hi;) {
            if (s[m] >= 'a' && s[m] <= 'z') {
                Py_ssize_t start = m;
                while (m < hi && s[m] >= 'a' && s[m] <= 'z')
                    m++;
                if (*count < CTX_MAX_WORDS)
                    words[(*count)++] = (Word){s + start, m - start};
            }
            else
                m++;
        }
    }
}

/* context._mentions for both vocabularies: ACADEMIC | EXAMPLE */
static int
context_mentions(const Word *words, int count)
{
    int found = 0;
    for (int k = 0; k < count && found != (CTX_ACADEMIC | CTX_EXAMPLE); k++) {
        const Word *w = &words[k];
        if (w->n < VOCAB_KEY) {
            VocabSlot *slot = vocab_slot(w->s, w->n, NULL, 0);
            found |= slot->word_bits;
            if (k + 1 < count && w->n + words[k + 1].n + 1 < VOCAB_KEY) {
                slot = vocab_slot(w->s, w->n, words[k + 1].s, words[k + 1].n);
                found |= slot->phrase_bits;
            }
        }
        for (int set = 0; set < 2; set++) {
            int bit = set == 0 ? CTX_ACADEMIC : CTX_EXAMPLE;
            if (found & bit)
                continue;
            for (int m = 0; m < n_stems[set]; m++) {
                const char *stem = stems[set][m];
                Py_ssize_t i = 0;
                while (stem[i] && i < w->n && (Py_UCS4)(unsigned char)stem[i] == w->s[i])
                    i++;
                if (!stem[i]) {
                    found |= bit;
                    break;
                }
            }
        }
    }
    return found;
}

static inline Py_UCS4
lower_ascii_char(Py_UCS4 c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* the position of the last `c` in s[0:n], or -1 */
static Py_ssize_t
last_of(const Py_UCS4 *s, Py_ssize_t n, Py_UCS4 c)
{
    for (Py_ssize_t k = n - 1; k >= 0; k--)
        if (s[k] == c)
            return k;
    return -1;
}

static Py_ssize_t
count_of(const Py_UCS4 *s, Py_ssize_t n, Py_UCS4 c)
{
    Py_ssize_t count = 0;
    for (Py_ssize_t k = 0; k < n; k++)
        count += s[k] == c;
    return count;
}

/* context._SINGLE_QUOTE at k of s[0:n]: a ' not between two ASCII letters */
static inline int
single_quote_at(const Py_UCS4 *s, Py_ssize_t n, Py_ssize_t k)
{
    return s[k] == '\'' &&
           (k == 0 || !is_ascii_letter(s[k - 1]) || k + 1 >= n || !is_ascii_letter(s[k + 1]));
}

/* context._inside_quotes(lb, la) */
static int
inside_quotes(const Py_UCS4 *lb, Py_ssize_t nb, const Py_UCS4 *la, Py_ssize_t na)
{
    if (count_of(lb, nb, '"') % 2 == 1 && last_of(la, na, '"') >= 0)
        return 1;
    if (last_of(lb, nb, 0x201C) > last_of(lb, nb, 0x201D) && last_of(la, na, 0x201D) >= 0)
        return 1;
    if (last_of(lb, nb, 0xAB) > last_of(lb, nb, 0xBB) && last_of(la, na, 0xBB) >= 0)
        return 1;
    if (count_of(lb, nb, '`') % 2 == 1 && last_of(la, na, '`') >= 0)
        return 1;
    Py_ssize_t quotes = 0;
    for (Py_ssize_t k = 0; k < nb; k++)
        quotes += single_quote_at(lb, nb, k);
    if (quotes % 2 == 0)
        return 0;
    for (Py_ssize_t k = 0; k < na; k++)
        if (single_quote_at(la, na, k))
            return 1;
    return 0;
}

/* context.analyse's flags of text[start:end]: QUOTED 1 | ACADEMIC 2 | EXAMPLE 4 | NEGATED 8.
 * `fences`: context.fences(text); `negation`: context._NEGATION.search. */
static PyObject *
context_flags(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (check_args(args, nargs, "s..l.",
                   "context_flags(text: str, start: int, end: int, fences: list, negation)") < 0)
        return NULL;
    if (!vocab_ready) {
        PyErr_SetString(PyExc_RuntimeError, "context_flags: context_vocabulary not called");
        return NULL;
    }
    PyObject *text = args[0], *fences = args[3];
    Py_ssize_t start = PyLong_AsSsize_t(args[1]), end = PyLong_AsSsize_t(args[2]);
    if ((start == -1 || end == -1) && PyErr_Occurred())
        return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (start < 0 || end < start || end > n) {
        PyErr_SetString(PyExc_ValueError, "context_flags: a span outside the text");
        return NULL;
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_UCS4 before[CTX_BEFORE], after[CTX_AFTER];
    Py_ssize_t b0 = start > CTX_BEFORE ? start - CTX_BEFORE : 0, nb = start - b0;
    Py_ssize_t na = end + CTX_AFTER < n ? CTX_AFTER : n - end;
    for (Py_ssize_t k = 0; k < nb; k++)
        before[k] = lower_ascii_char(PyUnicode_READ(kind, data, b0 + k));
    for (Py_ssize_t k = 0; k < na; k++)
        after[k] = lower_ascii_char(PyUnicode_READ(kind, data, end + k));

    int flags = 0;
    /* quoted: inside a fence (an odd number of them before the match), or quotation marks */
    Py_ssize_t fences_before = 0;
    for (Py_ssize_t k = 0; k < PyList_GET_SIZE(fences); k++) {
        Py_ssize_t at = PyLong_AsSsize_t(PyList_GET_ITEM(fences, k));
        if (at == -1 && PyErr_Occurred())
            return NULL;
        if (at >= start)
            break;
        fences_before++;
    }
    if (fences_before % 2 == 1)
        flags |= 1;
    else {
        Py_ssize_t line = last_of(before, nb, '\n') + 1;
        const Py_UCS4 *lb = before + line;
        Py_ssize_t n_lb = nb - line, n_la = 0;
        int marked = 0;
        for (Py_ssize_t k = 0; k < n_lb && !marked; k++) {
            Py_UCS4 c = lb[k];
            marked = c == '"' || c == 0x201C || c == 0xAB || c == '`' || c == '\'';
        }
        if (marked) {
            while (n_la < na && after[n_la] != '\n')
                n_la++;
            if (inside_quotes(lb, n_lb, after, n_la))
                flags |= 1;
        }
    }
    /* the match's sentence: after the last sentence end before it, to the first after it */
    Py_ssize_t sentence = 0;
    for (Py_ssize_t k = 0; k < nb;) {
        Py_ssize_t e = sentence_end_at(before, nb, k);
        if (e >= 0)
            sentence = k = e;
        else
            k++;
    }
    Py_ssize_t upto = na;
    for (Py_ssize_t k = 0; k < na; k++) {
        if (sentence_end_at(after, na, k) >= 0) {
            upto = k;
            break;
        }
    }
    Word words[CTX_MAX_WORDS];
    int count = 0;
    context_words(before + sentence, nb - sentence, words, &count);
    context_words(after, upto, words, &count);
    int mentions = context_mentions(words, count);
    if (mentions & CTX_ACADEMIC)
        flags |= 2;
    if (mentions & CTX_EXAMPLE)
        flags |= 4;
    /* negated: in the clause the match opens, its last 60 characters */
    Py_ssize_t clause = 0;
    for (Py_ssize_t k = nb - 1; k >= 0; k--) {
        Py_UCS4 c = before[k];
        if (c == '.' || c == '!' || c == '?' || c == ';' || c == ':' || c == '\n') {
            clause = k + 1;
            break;
        }
    }
    if (nb - clause > 60)
        clause = nb - 60;
    PyObject *piece =
        PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, before + clause, nb - clause);
    if (piece == NULL)
        return NULL;
    PyObject *found = PyObject_CallOneArg(args[4], piece);
    Py_DECREF(piece);
    if (found == NULL)
        return NULL;
    if (found != Py_None)
        flags |= 8;
    Py_DECREF(found);
    return PyLong_FromLong(flags);
}

/* context.fences: where the text's ``` are (non-overlapping, from the left) */
static PyObject *
fences(PyObject *module, PyObject *text)
{
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "fences(text: str)");
        return NULL;
    }
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    for (Py_ssize_t k = 0; k + 2 < n;) {
        k = PyUnicode_FindChar(text, '`', k, n - 2, 1); /* (memchr, where the text is narrow) */
        if (k < 0)
            break;
        if (PyUnicode_READ(kind, data, k + 1) == '`' && PyUnicode_READ(kind, data, k + 2) == '`') {
            if (append_int(out, k) < 0) {
                Py_DECREF(out);
                return NULL;
            }
            k += 3;
        }
        else
            k++;
    }
    if (PyErr_Occurred()) {
        Py_DECREF(out);
        return NULL;
    }
    return out;
}

/* --- validators in C ---------------------------------------------------------------------- */

/* The common validators (pii/validators.py), for ASCII candidates: 1 accepted (factor 1.0),
 * 0 refused (None), -1 where the Python validator decides (not ASCII, or not the plain case).
 * `kind`: engine._NATIVE_VALIDATORS. */
#define VALIDATE_URL 1
#define VALIDATE_VIN 2
#define VALIDATE_BECH32 3
#define VALIDATE_CARD 4
#define VALIDATE_IBAN 5

static int
validate_url(const Py_UCS1 *v, Py_ssize_t n)
{
    /* _SCHEME.sub("", value).split("/", 1)[0], at least 3 characters */
    Py_ssize_t k = 0, p = 0;
    while (k < n && is_ascii_letter(v[k]))
        k++;
    if (k > 0 && k + 3 <= n && v[k] == ':' && v[k + 1] == '/' && v[k + 2] == '/')
        p = k + 3;
    Py_ssize_t host = 0;
    while (p + host < n && v[p + host] != '/')
        host++;
    return host >= 3;
}

static int
vin_value(Py_UCS1 c)
{
    static const char letters[] = "ABCDEFGHJKLMNPRSTUVWXYZ";
    static const int values[] = {1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9,
                                 2, 3, 4, 5, 6, 7, 8, 9};
    if (c >= '0' && c <= '9')
        return c - '0';
    for (int i = 0; letters[i]; i++)
        if (letters[i] == c)
            return values[i];
    return -1;
}

static int
validate_vin(const Py_UCS1 *v, Py_ssize_t n)
{
    static const int weights[17] = {8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2};
    if (n != 17)
        return -1;
    int letters = 0, digits = 0, total = 0;
    for (int i = 0; i < 17; i++) {
        int value = vin_value(v[i]);
        if (value < 0)
            return -1;
        letters += is_ascii_letter(v[i]);
        digits += v[i] >= '0' && v[i] <= '9';
        total += value * weights[i];
    }
    for (int i = 13; i < 17; i++)
        if (v[i] < '0' || v[i] > '9')
            return 0; /* a VIN ends in a serial number of digits */
    if (letters < 2 || digits < 3)
        return 0;
    int check = total % 11;
    if ((check == 10 && v[8] == 'X') || (check < 10 && v[8] == '0' + check))
        return 1;
    return -1; /* only next to the word: validators.vin reads it */
}

static int
validate_bech32(const Py_UCS1 *v, Py_ssize_t n)
{
    static const char charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    static const uint32_t generator[5] = {0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD,
                                          0x2A1462B3};
    int lower = 0, upper = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        lower |= v[i] >= 'a' && v[i] <= 'z';
        upper |= v[i] >= 'A' && v[i] <= 'Z';
    }
    if (lower && upper)
        return 0;
    Py_ssize_t one = -1;
    for (Py_ssize_t i = n - 1; i >= 0; i--)
        if (v[i] == '1') {
            one = i;
            break;
        }
    /* hrp "bc" or "tb", lowered */
    if (one != 2)
        return 0;
    Py_UCS1 h0 = v[0] | 0x20, h1 = v[1] | 0x20;
    if (!((v[0] == 'b' || v[0] == 'B') && (v[1] == 'c' || v[1] == 'C')) &&
        !((v[0] == 't' || v[0] == 'T') && (v[1] == 'b' || v[1] == 'B')))
        return 0;
    if (n - 3 < 6)
        return 0;
    uint32_t checksum = 1;
    uint32_t expanded[5] = {h0 >> 5, h1 >> 5, 0, h0 & 31, h1 & 31};
    for (Py_ssize_t i = 0; i < 5 + n - 3; i++) {
        uint32_t value;
        if (i < 5)
            value = expanded[i];
        else {
            Py_UCS1 c = v[i - 5 + 3];
            c = c >= 'A' && c <= 'Z' ? c + 32 : c;
            const char *at = c ? strchr(charset, c) : NULL;
            if (at == NULL)
                return -1; /* not in the alphabet: the Python validator raises */
            value = (uint32_t)(at - charset);
        }
        uint32_t top = checksum >> 25;
        checksum = ((checksum & 0x1FFFFFF) << 5) ^ value;
        for (int b = 0; b < 5; b++)
            if ((top >> b) & 1)
                checksum ^= generator[b];
    }
    return checksum == 1 || checksum == 0x2BC830A3;
}

/* validators._CARD_RANGES, set once (card_ranges): first digits lo..hi (as many digits as
 * lo has), the lengths issued (a bit a length) */
#define MAX_CARD_RANGES 64
static struct {
    long lo, hi;
    int digits;
    uint32_t lengths;
} card_table[MAX_CARD_RANGES];
static int n_card_ranges = -1;

static PyObject *
card_ranges(PyObject *module, PyObject *ranges)
{
    PyObject *seq = PySequence_Fast(ranges, "card_ranges: a sequence");
    if (seq == NULL)
        return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    if (n > MAX_CARD_RANGES) {
        Py_DECREF(seq);
        PyErr_SetString(PyExc_ValueError, "card_ranges: too many");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        long lo, hi;
        PyObject *lengths;
        if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(seq, i), "llO", &lo, &hi, &lengths)) {
            Py_DECREF(seq);
            return NULL;
        }
        PyObject *ls = PySequence_Fast(lengths, "card_ranges: lengths");
        if (ls == NULL || lo <= 0 || hi < lo) {
            Py_XDECREF(ls);
            Py_DECREF(seq);
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_ValueError, "card_ranges: bad range");
            return NULL;
        }
        uint32_t bits = 0;
        for (Py_ssize_t k = 0; k < PySequence_Fast_GET_SIZE(ls); k++) {
            long length = PyLong_AsLong(PySequence_Fast_GET_ITEM(ls, k));
            if (length < 0 || length > 31) {
                Py_DECREF(ls);
                Py_DECREF(seq);
                if (!PyErr_Occurred())
                    PyErr_SetString(PyExc_ValueError, "card_ranges: bad length");
                return NULL;
            }
            bits |= 1u << length;
        }
        Py_DECREF(ls);
        int digits = 0;
        for (long v = lo; v > 0; v /= 10)
            digits++;
        card_table[i].lo = lo;
        card_table[i].hi = hi;
        card_table[i].digits = digits;
        card_table[i].lengths = bits;
    }
    n_card_ranges = (int)n;
    Py_DECREF(seq);
    Py_RETURN_NONE;
}

/* validators.IBAN_LENGTHS, set once (iban_lengths): the length of a country's IBANs, by its
 * two letters (0: none) */
static unsigned char iban_table[26][26];
static int iban_ready = 0;

static PyObject *
iban_lengths(PyObject *module, PyObject *lengths)
{
    if (!PyDict_Check(lengths)) {
        PyErr_SetString(PyExc_TypeError, "iban_lengths(lengths: dict)");
        return NULL;
    }
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    memset(iban_table, 0, sizeof(iban_table));
    while (PyDict_Next(lengths, &pos, &key, &value)) {
        long length = PyLong_AsLong(value);
        if (!PyUnicode_Check(key) || PyUnicode_GET_LENGTH(key) != 2 || length <= 0 ||
            length > 255) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_ValueError, "iban_lengths: two letters, a length");
            return NULL;
        }
        Py_UCS4 a = PyUnicode_READ_CHAR(key, 0), b = PyUnicode_READ_CHAR(key, 1);
        if (a < 'A' || a > 'Z' || b < 'A' || b > 'Z') {
            PyErr_SetString(PyExc_ValueError, "iban_lengths: upper-case ASCII letters");
            return NULL;
        }
        iban_table[a - 'A'][b - 'A'] = (unsigned char)length;
    }
    iban_ready = 1;
    Py_RETURN_NONE;
}

/* validators.iban: spaces dropped, the country's length, mod 97 of the rearranged digits */
static int
validate_iban(const Py_UCS1 *v, Py_ssize_t n)
{
    Py_UCS1 compact[256];
    Py_ssize_t m = 0;
    if (!iban_ready)
        return -1;
    for (Py_ssize_t i = 0; i < n; i++)
        if (v[i] != ' ')
            compact[m++] = v[i];
    if (m < 2 || compact[0] < 'A' || compact[0] > 'Z' || compact[1] < 'A' || compact[1] > 'Z' ||
        iban_table[compact[0] - 'A'][compact[1] - 'A'] != m)
        return 0; /* IBAN_LENGTHS.get(compact[:2]) != len(compact) */
    int remainder = 0;
    for (Py_ssize_t k = 0; k < m; k++) {
        Py_UCS1 c = compact[(k + 4) % m]; /* compact[4:] + compact[:4] */
        int value = c >= '0' && c <= '9'   ? c - '0'
                    : c >= 'A' && c <= 'Z' ? c - 'A' + 10
                    : c >= 'a' && c <= 'z' ? c - 'a' + 10
                                           : -1;
        if (value < 0)
            return -1; /* int(ch, 36) raises: the Python validator does */
        remainder = (remainder * (value < 10 ? 10 : 100) + value) % 97;
    }
    return remainder == 1;
}

/* validators.card: the digits (spaces and dashes dropped) not all one, issued, Luhn-valid */
static int
validate_card(const Py_UCS1 *v, Py_ssize_t n)
{
    char digits[256];
    Py_ssize_t m = 0;
    if (n_card_ranges < 0)
        return -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (v[i] == ' ' || v[i] == '-')
            continue;
        if (v[i] < '0' || v[i] > '9')
            return -1;
        digits[m++] = (char)v[i];
    }
    int distinct = 0;
    for (Py_ssize_t i = 1; i < m && !distinct; i++)
        distinct = digits[i] != digits[0];
    if (!distinct)
        return 0;
    int issued = 0;
    for (int r = 0; r < n_card_ranges && !issued; r++) {
        long prefix = 0;
        for (int k = 0; k < card_table[r].digits && k < m; k++)
            prefix = prefix * 10 + (digits[k] - '0');
        issued = card_table[r].lo <= prefix && prefix <= card_table[r].hi && m < 32 &&
                 (card_table[r].lengths >> m) & 1;
    }
    if (!issued)
        return 0;
    static const int doubled[10] = {0, 2, 4, 6, 8, 1, 3, 5, 7, 9};
    int total = 0;
    for (Py_ssize_t k = m - 1, odd = 1; k >= 0; k--, odd = !odd)
        total += odd ? digits[k] - '0' : doubled[digits[k] - '0'];
    return total % 10 == 0;
}

static int
validate_native(int which, PyObject *text, Py_ssize_t s, Py_ssize_t e)
{
    Py_UCS1 v[256];
    Py_ssize_t n = e - s;
    if (which == 0 || n > (Py_ssize_t)sizeof(v))
        return -1;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, s + i);
        if (c >= 0x80)
            return -1;
        v[i] = (Py_UCS1)c;
    }
    switch (which) {
    case VALIDATE_URL:
        return validate_url(v, n);
    case VALIDATE_VIN:
        return validate_vin(v, n);
    case VALIDATE_BECH32:
        return validate_bech32(v, n);
    case VALIDATE_CARD:
        return validate_card(v, n);
    case VALIDATE_IBAN:
        return validate_iban(v, n);
    }
    return -1;
}

/* --- PII matches -------------------------------------------------------------------------- */

/* A candidate's span and its place in rank order: the first member of each kind of candidate
 * that engine._non_overlapping selects from (so `free_slot` and `by_span` read them all) */
typedef struct {
    Py_ssize_t s, e, rank;
} Span;

/* engine._non_overlapping's test: where in `kept` (`n` candidates of `size` bytes, in order of
 * their starts, none overlapping) a candidate of span [s, e) goes (bisect_right of its
 * start), or -1 where it overlaps one of them */
static Py_ssize_t
free_slot(const void *kept, size_t size, Py_ssize_t n, Py_ssize_t s, Py_ssize_t e)
{
#define SPAN_AT(i) ((const Span *)((const char *)kept + (size_t)(i) * size))
    Py_ssize_t lo = 0, hi = n;
    while (lo < hi) {
        Py_ssize_t mid = (lo + hi) / 2;
        if (s < SPAN_AT(mid)->s)
            hi = mid;
        else
            lo = mid + 1;
    }
    if ((lo > 0 && SPAN_AT(lo - 1)->e > s) || (lo < n && SPAN_AT(lo)->s < e))
        return -1;
    return lo;
#undef SPAN_AT
}

/* In order of their spans, ties in rank order (a stable sort) */
static int
by_span(const void *a, const void *b)
{
    const Span *p = a, *q = b;
    if (p->s != q->s)
        return p->s < q->s ? -1 : 1;
    if (p->e != q->e)
        return p->e < q->e ? -1 : 1;
    return (p->rank > q->rank) - (p->rank < q->rank);
}

typedef struct {
    Span span;
    Py_ssize_t length; /* s - e */
    double score;      /* -score */
    long order;
    PyObject *type;
} PiiCandidate;

static int
by_pii_rank(const void *a, const void *b)
{
    const PiiCandidate *p = a, *q = b;
    if (p->length != q->length)
        return p->length < q->length ? -1 : 1;
    if (p->score != q->score)
        return p->score < q->score ? -1 : 1;
    if (p->order != q->order)
        return p->order < q->order ? -1 : 1;
    if (p->span.s != q->span.s)
        return p->span.s < q->span.s ? -1 : 1;
    if (p->span.e != q->span.e)
        return p->span.e < q->span.e ? -1 : 1;
    return PyUnicode_Compare(p->type, q->type);
}

/* matches.mask(text[s:e]) */
static PyObject *
masked(PyObject *text, Py_ssize_t s, Py_ssize_t e)
{
    Py_ssize_t n = e - s, keep = n / 3 < 4 ? n / 3 : 4;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_UCS4 max = n - keep > 0 ? '*' : 0;
    for (Py_ssize_t k = e - keep; k < e; k++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, k);
        max = c > max ? c : max;
    }
    PyObject *out = PyUnicode_New(n, max);
    if (out == NULL)
        return NULL;
    int out_kind = PyUnicode_KIND(out);
    void *out_data = PyUnicode_DATA(out);
    for (Py_ssize_t k = 0; k < n - keep; k++)
        PyUnicode_WRITE(out_kind, out_data, k, '*');
    for (Py_ssize_t k = 0; k < keep; k++)
        PyUnicode_WRITE(out_kind, out_data, n - keep + k,
                        PyUnicode_READ(kind, data, e - keep + k));
    return out;
}

/* an instance of `type` with these fields in its __dict__ (matches.pii_match) */
static PyObject *
new_match(PyTypeObject *type, PyObject *const *names, PyObject *const *values, int count)
{
    static PyObject *no_args = NULL;
    if (no_args == NULL && (no_args = PyTuple_New(0)) == NULL)
        return NULL;
    PyObject *match = PyBaseObject_Type.tp_new(type, no_args, NULL);
    if (match == NULL)
        return NULL;
    PyObject *dict = PyObject_GenericGetDict(match, NULL);
    if (dict == NULL) {
        Py_DECREF(match);
        return NULL;
    }
    for (int k = 0; k < count; k++) {
        if (PyDict_SetItem(dict, names[k], values[k]) < 0) {
            Py_DECREF(dict);
            Py_DECREF(match);
            return NULL;
        }
    }
    Py_DECREF(dict);
    return match;
}

/* pii_matches(candidates, text, match_type) -> [PiiMatch, ...]: engine._pii's selection (the
 * best of overlapping candidates, by rank), in order of their spans, as match objects with
 * their masked text, for a text whose offsets need no mapping */
static PyObject *
pii_matches(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (check_args(args, nargs, "lsT",
                   "pii_matches(candidates: list, text: str, match_type: type)") < 0)
        return NULL;
    static PyObject *names[5] = {NULL};
    if (names[0] == NULL) {
        const char *fields[5] = {"type", "start", "end", "confidence", "masked"};
        for (int k = 0; k < 5; k++)
            if ((names[k] = PyUnicode_InternFromString(fields[k])) == NULL)
                return NULL;
    }
    PyObject *list = args[0], *text = args[1];
    Py_ssize_t count = PyList_GET_SIZE(list), n = PyUnicode_GET_LENGTH(text);
    PiiCandidate *all = PyMem_Malloc((size_t)(count ? count : 1) * 2 * sizeof(PiiCandidate));
    if (all == NULL)
        return PyErr_NoMemory();
    PiiCandidate *kept = all + count;
    PyObject *out = NULL;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *c = PyList_GET_ITEM(list, i);
        if (!PyTuple_Check(c) || PyTuple_GET_SIZE(c) != 6 ||
            !PyFloat_Check(PyTuple_GET_ITEM(c, 1)) || !PyUnicode_Check(PyTuple_GET_ITEM(c, 5))) {
            PyErr_SetString(PyExc_TypeError, "pii_matches: not a candidate");
            goto done;
        }
        all[i].length = PyLong_AsSsize_t(PyTuple_GET_ITEM(c, 0));
        all[i].score = PyFloat_AS_DOUBLE(PyTuple_GET_ITEM(c, 1));
        all[i].order = PyLong_AsLong(PyTuple_GET_ITEM(c, 2));
        all[i].span.s = PyLong_AsSsize_t(PyTuple_GET_ITEM(c, 3));
        all[i].span.e = PyLong_AsSsize_t(PyTuple_GET_ITEM(c, 4));
        all[i].type = PyTuple_GET_ITEM(c, 5);
        if (PyErr_Occurred())
            goto done;
        if (all[i].span.s < 0 || all[i].span.e < all[i].span.s || all[i].span.e > n) {
            PyErr_SetString(PyExc_ValueError, "pii_matches: a span outside the text");
            goto done;
        }
    }
    qsort(all, (size_t)count, sizeof(PiiCandidate), by_pii_rank);
    if (PyErr_Occurred())
        goto done;
    /* engine._non_overlapping: `kept` in order of their starts */
    Py_ssize_t n_kept = 0;
    for (Py_ssize_t i = 0; i < count; i++) {
        Py_ssize_t lo = free_slot(kept, sizeof(PiiCandidate), n_kept, all[i].span.s, all[i].span.e);
        if (lo < 0)
            continue;
        memmove(kept + lo + 1, kept + lo, (size_t)(n_kept - lo) * sizeof(PiiCandidate));
        kept[lo] = all[i];
        kept[lo].span.rank = i;
        n_kept++;
    }
    qsort(kept, (size_t)n_kept, sizeof(PiiCandidate), by_span);
    out = PyList_New(n_kept);
    if (out == NULL)
        goto done;
    for (Py_ssize_t i = 0; i < n_kept; i++) {
        const Span *span = &kept[i].span;
        PyObject *values[5] = {kept[i].type, PyLong_FromSsize_t(span->s),
                               PyLong_FromSsize_t(span->e), PyFloat_FromDouble(-kept[i].score),
                               masked(text, span->s, span->e)};
        PyObject *match = NULL;
        if (values[1] && values[2] && values[3] && values[4])
            match = new_match((PyTypeObject *)args[2], names, values, 5);
        for (int k = 1; k < 5; k++)
            Py_XDECREF(values[k]);
        if (match == NULL) {
            Py_CLEAR(out);
            goto done;
        }
        PyList_SET_ITEM(out, i, match);
    }
done:
    PyMem_Free(all);
    return out;
}

/* lowered(text, regions) -> str: scanner._lowered_in, the text with its ASCII letters lowered
 * in the regions (and the character before each); `text` itself when nothing changes */
static int
by_region(const void *a, const void *b)
{
    const Py_ssize_t *p = a, *q = b;
    if (p[0] != q[0])
        return p[0] < q[0] ? -1 : 1;
    return (p[1] > q[1]) - (p[1] < q[1]);
}

static PyObject *
lowered(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (check_args(args, nargs, "sl", "lowered(text: str, regions: list)") < 0)
        return NULL;
    PyObject *text = args[0], *list = args[1];
    Py_ssize_t count = PyList_GET_SIZE(list), n = PyUnicode_GET_LENGTH(text);
    Py_ssize_t *regions = PyMem_Malloc((size_t)(count ? count : 1) * 2 * sizeof(Py_ssize_t));
    if (regions == NULL)
        return PyErr_NoMemory();
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *item = PyList_GET_ITEM(list, i);
        if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 2) {
            PyMem_Free(regions);
            PyErr_SetString(PyExc_TypeError, "lowered: regions are (lo, hi) pairs");
            return NULL;
        }
        regions[2 * i] = PyLong_AsSsize_t(PyTuple_GET_ITEM(item, 0));
        regions[2 * i + 1] = PyLong_AsSsize_t(PyTuple_GET_ITEM(item, 1));
    }
    if (PyErr_Occurred()) {
        PyMem_Free(regions);
        return NULL;
    }
    qsort(regions, (size_t)count, 2 * sizeof(Py_ssize_t), by_region);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    PyObject *out = NULL;
    void *out_data = NULL;
    Py_ssize_t last = 0;
    for (Py_ssize_t i = 0; i < count; i++) {
        Py_ssize_t lo = regions[2 * i] - 1, hi = regions[2 * i + 1];
        lo = lo < last ? last : lo; /* max(lo - 1, last): never negative */
        if (hi <= lo)
            continue;
        Py_ssize_t to = hi > n ? n : hi;
        for (Py_ssize_t k = lo; k < to; k++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, k);
            if (c >= 'A' && c <= 'Z') {
                if (out == NULL) {
                    out = PyUnicode_New(n, PyUnicode_MAX_CHAR_VALUE(text));
                    if (out == NULL) {
                        PyMem_Free(regions);
                        return NULL;
                    }
                    out_data = PyUnicode_DATA(out);
                    memcpy(out_data, data, (size_t)n * (size_t)kind);
                }
                PyUnicode_WRITE(kind, out_data, k, c + 32);
            }
        }
        last = hi;
    }
    PyMem_Free(regions);
    if (out == NULL)
        return Py_NewRef(text);
    return out;
}

/* --- injection candidates ------------------------------------------------------------------ */

/* injection_candidates(found, rules) -> (candidates, others): engine._injection_candidates'
 * candidates of the injection rules (`rules[rule]`: (-severity level, -confidence, order,
 * type, severity)), (-level, s - e, -confidence, order, s, e, type, severity) a match; the
 * items of `found` of other rules (payloads) as they are */
static PyObject *
injection_candidates(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (check_args(args, nargs, "ld", "injection_candidates(found: list, rules: dict)") < 0)
        return NULL;
    PyObject *candidates = PyList_New(0), *others = PyList_New(0);
    if (candidates == NULL || others == NULL)
        goto error;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(args[0]); i++) {
        PyObject *item = PyList_GET_ITEM(args[0], i);
        if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 2 ||
            !PyList_Check(PyTuple_GET_ITEM(item, 1))) {
            PyErr_SetString(PyExc_TypeError, "injection_candidates: (rule, matches) items");
            goto error;
        }
        PyObject *info = PyDict_GetItemWithError(args[1], PyTuple_GET_ITEM(item, 0));
        if (info == NULL) {
            if (PyErr_Occurred() || PyList_Append(others, item) < 0)
                goto error;
            continue;
        }
        if (!PyTuple_Check(info) || PyTuple_GET_SIZE(info) != 5) {
            PyErr_SetString(PyExc_TypeError, "injection_candidates: bad rule description");
            goto error;
        }
        PyObject *matches = PyTuple_GET_ITEM(item, 1);
        for (Py_ssize_t j = 0; j < PyList_GET_SIZE(matches); j++) {
            PyObject *argv[1] = {PyList_GET_ITEM(matches, j)};
            PyObject *span = PyObject_VectorcallMethod(str_span, argv,
                                                       1 | PY_VECTORCALL_ARGUMENTS_OFFSET, NULL);
            if (span == NULL)
                goto error;
            Py_ssize_t s = PyLong_AsSsize_t(PyTuple_GET_ITEM(span, 0));
            Py_ssize_t e = PyLong_AsSsize_t(PyTuple_GET_ITEM(span, 1));
            Py_DECREF(span);
            if (PyErr_Occurred())
                goto error;
            PyObject *c = Py_BuildValue("(OnOOnnOO)", PyTuple_GET_ITEM(info, 0), s - e,
                                        PyTuple_GET_ITEM(info, 1), PyTuple_GET_ITEM(info, 2), s,
                                        e, PyTuple_GET_ITEM(info, 3), PyTuple_GET_ITEM(info, 4));
            if (c == NULL || PyList_Append(candidates, c) < 0) {
                Py_XDECREF(c);
                goto error;
            }
            Py_DECREF(c);
        }
    }
    return Py_BuildValue("(NN)", candidates, others);
error:
    Py_XDECREF(candidates);
    Py_XDECREF(others);
    return NULL;
}

typedef struct {
    Span span;
    PyObject *item;
} Ranked;

/* select(candidates, at) -> [candidate, ...]: the candidates sorted (their rank), each kept
 * unless it overlaps one kept before (engine._non_overlapping: its start and end are its items
 * `at` and `at + 1`), in order of their spans (a stable sort); sorts `candidates` */
static PyObject *
select_candidates(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (check_args(args, nargs, "l.", "select(candidates: list, at: int)") < 0)
        return NULL;
    PyObject *list = args[0];
    Py_ssize_t at = PyLong_AsSsize_t(args[1]);
    if (at < 0) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_ValueError, "select: at < 0");
        return NULL;
    }
    if (PyList_Sort(list) < 0)
        return NULL;
    Py_ssize_t count = PyList_GET_SIZE(list);
    Ranked *kept = PyMem_Malloc((size_t)(count ? count : 1) * sizeof(Ranked));
    if (kept == NULL)
        return PyErr_NoMemory();
    Py_ssize_t n_kept = 0;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *c = PyList_GET_ITEM(list, i);
        if (!PyTuple_Check(c) || PyTuple_GET_SIZE(c) < at + 2) {
            PyMem_Free(kept);
            PyErr_SetString(PyExc_TypeError, "select: candidates are tuples");
            return NULL;
        }
        Py_ssize_t start = PyLong_AsSsize_t(PyTuple_GET_ITEM(c, at));
        Py_ssize_t end = PyLong_AsSsize_t(PyTuple_GET_ITEM(c, at + 1));
        if (PyErr_Occurred()) {
            PyMem_Free(kept);
            return NULL;
        }
        Py_ssize_t lo = free_slot(kept, sizeof(Ranked), n_kept, start, end);
        if (lo < 0)
            continue;
        memmove(kept + lo + 1, kept + lo, (size_t)(n_kept - lo) * sizeof(Ranked));
        kept[lo] = (Ranked){{start, end, i}, c};
        n_kept++;
    }
    qsort(kept, (size_t)n_kept, sizeof(Ranked), by_span);
    PyObject *out = PyList_New(n_kept);
    if (out != NULL)
        for (Py_ssize_t i = 0; i < n_kept; i++)
            PyList_SET_ITEM(out, i, Py_NewRef(kept[i].item));
    PyMem_Free(kept);
    return out;
}

/* payload_candidates(matches, encoding) -> [(match, payload, raws), ...]: the matches whose
 * payload (match.group()) payload_bytes does not turn down (raws: its list, not empty, or None
 * where decode.decode decides) */
static PyObject *
payload_candidates(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (check_args(args, nargs, "ls", "payload_candidates(matches: list, encoding: str)") < 0)
        return NULL;
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(args[0]); i++) {
        PyObject *m = PyList_GET_ITEM(args[0], i);
        PyObject *argv[1] = {m};
        PyObject *payload = PyObject_VectorcallMethod(str_group, argv,
                                                      1 | PY_VECTORCALL_ARGUMENTS_OFFSET, NULL);
        if (payload == NULL)
            goto error;
        if (!PyUnicode_Check(payload)) {
            Py_DECREF(payload);
            PyErr_SetString(PyExc_TypeError, "payload_candidates: a match of a str");
            goto error;
        }
        PyObject *call[2] = {args[1], payload};
        PyObject *raws = payload_bytes(module, call, 2);
        if (raws == NULL) {
            Py_DECREF(payload);
            goto error;
        }
        if (raws != Py_None && PyList_GET_SIZE(raws) == 0) { /* none is UTF-8: not text */
            Py_DECREF(raws);
            Py_DECREF(payload);
            continue;
        }
        PyObject *item = PyTuple_Pack(3, m, payload, raws);
        Py_DECREF(raws);
        Py_DECREF(payload);
        if (item == NULL || PyList_Append(out, item) < 0) {
            Py_XDECREF(item);
            goto error;
        }
        Py_DECREF(item);
    }
    return out;
error:
    Py_DECREF(out);
    return NULL;
}

static PyMethodDef methods[] = {
    {"iban_lengths", (PyCFunction)iban_lengths, METH_O,
     "iban_lengths(lengths): validators.IBAN_LENGTHS, for the IBAN validator in C."},
    {"card_ranges", (PyCFunction)card_ranges, METH_O,
     "card_ranges(ranges): validators._CARD_RANGES, for the card validator in C."},
    {"payload_candidates", (PyCFunction)(void (*)(void))payload_candidates, METH_FASTCALL,
     "payload_candidates(matches, encoding) -> [(match, payload, raws), ...]: not turned down."},
    {"injection_candidates", (PyCFunction)(void (*)(void))injection_candidates, METH_FASTCALL,
     "injection_candidates(found, rules) -> (candidates, others): engine's, compiled."},
    {"select", (PyCFunction)(void (*)(void))select_candidates, METH_FASTCALL,
     "select(candidates, at) -> [candidate, ...]: ranked, overlaps dropped, by span."},
    {"lowered", (PyCFunction)(void (*)(void))lowered, METH_FASTCALL,
     "lowered(text, regions) -> str: scanner._lowered_in, compiled."},
    {"pii_matches", (PyCFunction)(void (*)(void))pii_matches, METH_FASTCALL,
     "pii_matches(candidates, text, match_type) -> [PiiMatch, ...]: engine._pii's selection."},
    {"context_flags", (PyCFunction)(void (*)(void))context_flags, METH_FASTCALL,
     "context_flags(text, start, end, fences, negation) -> int: context.analyse's flags."},
    {"context_vocabulary", (PyCFunction)(void (*)(void))context_vocabulary, METH_FASTCALL,
     "context_vocabulary(...): context.py's words, stems and phrases, set once."},
    {"fences", (PyCFunction)fences, METH_O, "fences(text) -> [position, ...]: context.fences."},
    {"payload_bytes", (PyCFunction)(void (*)(void))payload_bytes, METH_FASTCALL,
     "payload_bytes(encoding, payload) -> [raw, ...] | None: decode.decode's candidates."},
    {"pii_candidates", (PyCFunction)(void (*)(void))pii_candidates, METH_FASTCALL,
     "pii_candidates(found, text, rules, context) -> [candidate, ...]: engine._pii's."},
    {"lowered_regions", (PyCFunction)(void (*)(void))lowered_regions, METH_FASTCALL,
     "lowered_regions(plans, reaches) -> [(lo, hi), ...]: where lowercase rules run."},
    {"confirm", (PyCFunction)(void (*)(void))confirm, METH_FASTCALL,
     "confirm(plans, text, lowered, rules) -> [(rule, matches), ...]: re where planned."},
    {"plan", (PyCFunction)(void (*)(void))plan, METH_FASTCALL,
     "plan(events, data, text, rules, wanted) -> [(rule, positions), ...]: where re runs."},
    {"utf8", (PyCFunction)utf8, METH_O,
     "utf8(text) -> bytes: text.encode('utf-8', 'surrogatepass')."},
    {"fold", (PyCFunction)(void (*)(void))fold, METH_FASTCALL,
     "fold(text, table, high) -> (folded, deleted): normalize.fold's folding, compiled."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "octollm.reflex.detection._native",
    "Compiled kernels of the detection engine (see native.py).", -1, methods,
};

PyMODINIT_FUNC
PyInit__native(void)
{
    if (PyType_Ready(&EventsType) < 0)
        return NULL;
    if ((str_span = PyUnicode_InternFromString("span")) == NULL ||
        (str_group = PyUnicode_InternFromString("group")) == NULL)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL)
        return NULL;
    Py_INCREF(&EventsType);
    if (PyModule_AddIntConstant(m, "ABI", NATIVE_ABI) < 0 ||
        PyModule_AddObject(m, "Events", (PyObject *)&EventsType) < 0) {
        Py_DECREF(&EventsType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
