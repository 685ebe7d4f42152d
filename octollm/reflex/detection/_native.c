/* Compiled kernels of the detection engine (optional: the pure-Python code gives the same
 * results; see native.py, which loads this module and says how each kernel maps onto Python).
 *
 * fold(text, table, high) -> (folded, deleted)
 *     normalize.fold's folding of a non-ASCII `text`, character by character: the stretches
 *     (from a character beyond ASCII to the end of its line, or to the first run of 256 ASCII
 *     characters before it), the test of whether a stretch is folded, and the folding itself.
 *     `table`: for each code point below TABLE_SIZE a uint32, `high`: sorted (code point,
 *     uint32) pairs for the code points above it; a uint32 is the folded code point (itself
 *     when it is not folded) | ALWAYS (folded wherever it is) | DELETED. Returns `text` itself
 *     when nothing changes; `deleted`: whether characters were deleted.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

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

static inline int
is_letter(Py_UCS4 c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static PyObject *
fold(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3 || !PyUnicode_Check(args[0]) || !PyBytes_Check(args[1]) ||
        !PyBytes_Check(args[2])) {
        PyErr_SetString(PyExc_TypeError, "fold(text: str, table: bytes, high: bytes)");
        return NULL;
    }
    PyObject *text = args[0];
    if (PyBytes_GET_SIZE(args[1]) != TABLE_SIZE * 4 || PyBytes_GET_SIZE(args[2]) % 8) {
        PyErr_SetString(PyExc_ValueError, "fold: bad tables");
        return NULL;
    }
    const uint32_t *table = (const uint32_t *)PyBytes_AS_STRING(args[1]);
    const uint32_t *high = (const uint32_t *)PyBytes_AS_STRING(args[2]);
    Py_ssize_t n_high = PyBytes_GET_SIZE(args[2]) / 8;

    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    Py_UCS4 *out = NULL;  /* the folded text, once a stretch changes */
    Py_ssize_t written = 0, copied = 0;  /* out[:written] is text[:copied] folded */
    int deleted = 0;
    Py_ssize_t i = 0;

    while (i < n) {
        Py_ssize_t start = i;
        while (start < n && PyUnicode_READ(kind, data, start) < 0x80)
            start++;
        if (start >= n)
            break;
        Py_ssize_t end = start, run = 0;
        while (end < n) {
            Py_UCS4 c = PyUnicode_READ(kind, data, end);
            if (c == '\n')
                break;
            if (c < 0x80) {
                if (++run == ASCII_STRETCH) {
                    end -= ASCII_STRETCH - 1;
                    break;
                }
            }
            else {
                run = 0;
            }
            end++;
        }
        int needs = 0;
        for (Py_ssize_t k = start; k < end && !needs; k++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, k);
            needs = (c >= 0xC0 && c <= 0x24F) || (c >= 0x1E00 && c <= 0x1EFF) ||
                    (c >= 0x80 && (lookup(c, table, high, n_high) & ALWAYS));
        }
        if (!needs) {  /* an ASCII letter touching a character beyond ASCII */
            Py_ssize_t lo = start > 0 ? start - 1 : 0;
            Py_ssize_t hi = end < n ? end : n - 1;
            Py_UCS4 before = PyUnicode_READ(kind, data, lo);
            for (Py_ssize_t k = lo + 1; k <= hi && !needs; k++) {
                Py_UCS4 c = PyUnicode_READ(kind, data, k);
                needs = (is_letter(before) && c >= 0x80) || (before >= 0x80 && is_letter(c));
                before = c;
            }
        }
        if (needs) {
            for (Py_ssize_t k = start; k < end; k++) {
                Py_UCS4 c = PyUnicode_READ(kind, data, k);
                uint32_t v = c < 0x80 ? c : lookup(c, table, high, n_high);
                if ((v & CODE_POINT) == c && !(v & DELETED))
                    continue;
                if (out == NULL) {
                    out = PyMem_Malloc((size_t)(n > 0 ? n : 1) * sizeof(Py_UCS4));
                    if (out == NULL)
                        return PyErr_NoMemory();
                }
                for (; copied < k; copied++)
                    out[written++] = PyUnicode_READ(kind, data, copied);
                copied = k + 1;
                if (v & DELETED)
                    deleted = 1;
                else
                    out[written++] = v & CODE_POINT;
            }
        }
        i = end;
    }
    if (out == NULL)
        return Py_BuildValue("(OO)", text, Py_False);
    for (; copied < n; copied++)
        out[written++] = PyUnicode_READ(kind, data, copied);
    PyObject *folded = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, out, written);
    PyMem_Free(out);
    if (folded == NULL)
        return NULL;
    return Py_BuildValue("(NO)", folded, deleted ? Py_True : Py_False);
}

static PyMethodDef methods[] = {
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
    return PyModule_Create(&module);
}
