/* The monitor's per-character text passes in C: folding and the lexicon's punctuation marking.
 *
 * Each function is an exact, faster form of Python code in monitor/fastfold.py and
 * monitor/lexicon.py, which stays the reference (and the fallback when this module was not
 * built); tests/monitor/test_textscan.py compares the two on real and generated text.
 *
 * Folding is done per code point from a table that Python fills, on first sight of each code
 * point, with what the reference makes of it alone (``describe``). That equals the reference on
 * a whole text because each of its steps works character by character: đ→d, NFD (decomposition
 * per character, then canonical reordering, which only moves combining marks, and those are
 * dropped), dropping the Mn marks, lower-casing (per character, except for the final sigma).
 * ``describe`` gives None for any code point where that does not hold (Σ, a non-Mn mark that
 * NFD could reorder), and the text then goes to the reference.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

#define BMP 0x10000

enum { UNKNOWN = 0, ONE, NONE_OUT, MANY, REFERENCE };

static uint8_t fold_kind[BMP];
static Py_UCS4 fold_one[BMP];
static PyObject *fold_many;  /* dict: code point -> folded str of several characters */
static PyObject *describe;   /* Python: one character -> its folded form, or None */

static int
learn(Py_UCS4 ch)
{
    PyObject *folded = PyObject_CallFunction(describe, "C", (int)ch);
    if (folded == NULL)
        return -1;
    if (folded == Py_None) {
        fold_kind[ch] = REFERENCE;
    }
    else if (!PyUnicode_Check(folded)) {
        Py_DECREF(folded);
        PyErr_SetString(PyExc_TypeError, "describe must return str or None");
        return -1;
    }
    else if (PyUnicode_GET_LENGTH(folded) == 0) {
        fold_kind[ch] = NONE_OUT;
    }
    else if (PyUnicode_GET_LENGTH(folded) == 1) {
        fold_one[ch] = PyUnicode_READ_CHAR(folded, 0);
        fold_kind[ch] = ONE;
    }
    else {
        PyObject *key = PyLong_FromUnsignedLong(ch);
        int failed = key == NULL || PyDict_SetItem(fold_many, key, folded) < 0;
        Py_XDECREF(key);
        if (failed) {
            Py_DECREF(folded);
            return -1;
        }
        fold_kind[ch] = MANY;
    }
    Py_DECREF(folded);
    return 0;
}

/* A growing buffer of code points. */
typedef struct {
    Py_UCS4 *data;
    Py_ssize_t size, capacity;
} Buffer;

static int
reserve(Buffer *buffer, Py_ssize_t more)
{
    if (buffer->size + more <= buffer->capacity)
        return 0;
    Py_ssize_t capacity = (buffer->size + more) * 2;
    Py_UCS4 *data = PyMem_Realloc(buffer->data, capacity * sizeof(Py_UCS4));
    if (data == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    buffer->data = data;
    buffer->capacity = capacity;
    return 0;
}

static PyObject *
finish(Buffer *buffer)
{
    PyObject *out = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buffer->data, buffer->size);
    PyMem_Free(buffer->data);
    return out;
}

static int
is_str(PyObject *text, const char *function)
{
    if (!PyUnicode_Check(text))
        PyErr_Format(PyExc_TypeError, "%s takes a str, not %.80s", function, Py_TYPE(text)->tp_name);
    return PyUnicode_Check(text);
}

static PyObject *
fold_bmp(PyObject *module, PyObject *text)
{
    if (!is_str(text, "fold_bmp"))
        return NULL;
    if (describe == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "call configure() first");
        return NULL;
    }
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Buffer out = {NULL, 0, 0};
    if (reserve(&out, length + 16) < 0)
        return NULL;
    for (Py_ssize_t i = 0; i < length; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if (ch < 0x80) {
            out.data[out.size++] = (ch >= 'A' && ch <= 'Z') ? ch + 32 : ch;
            continue;
        }
        if (ch >= BMP)
            goto reference;
        if (fold_kind[ch] == UNKNOWN && learn(ch) < 0)
            goto error;
        switch (fold_kind[ch]) {
        case ONE:
            out.data[out.size++] = fold_one[ch];
            break;
        case NONE_OUT:
            break;
        case MANY: {
            PyObject *key = PyLong_FromUnsignedLong(ch);
            if (key == NULL)
                goto error;
            PyObject *folded = PyDict_GetItemWithError(fold_many, key);  /* borrowed */
            Py_DECREF(key);
            if (folded == NULL) {
                if (!PyErr_Occurred())
                    PyErr_SetString(PyExc_KeyError, "folded form forgotten");
                goto error;
            }
            Py_ssize_t n = PyUnicode_GET_LENGTH(folded);
            if (reserve(&out, n + (length - i)) < 0)
                goto error;
            for (Py_ssize_t j = 0; j < n; j++)
                out.data[out.size++] = PyUnicode_READ_CHAR(folded, j);
            break;
        }
        default:
            goto reference;
        }
    }
    return finish(&out);
reference:
    PyMem_Free(out.data);
    Py_RETURN_NONE;
error:
    PyMem_Free(out.data);
    return NULL;
}

/* re's \w on str: letters, digits and "_" */
static int
is_word_char(Py_UCS4 ch)
{
    if (ch < 0x80)
        return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' ||
               (ch >= 'A' && ch <= 'Z');
    return Py_UNICODE_ISALNUM(ch);
}

static int
is_word(Py_UCS4 ch)  /* re's \w on str, once "_" is a space */
{
    return ch != '_' && is_word_char(ch);
}

static PyObject *
mark_punctuation(PyObject *module, PyObject *text)
{
    if (!is_str(text, "mark_punctuation"))
        return NULL;
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Buffer out = {NULL, 0, 0};
    /* worst case: every character a one-letter word, or a "|" token, and its space */
    if (reserve(&out, 2 * length + 2) < 0)
        return NULL;
    out.data[out.size++] = ' ';
    int tokens = 0;
    Py_ssize_t i = 0;
    while (i < length) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if (ch == '_' || Py_UNICODE_ISSPACE(ch)) {
            i++;
            continue;
        }
        if (tokens++)
            out.data[out.size++] = ' ';
        if (is_word(ch)) {
            while (i < length && is_word(ch = PyUnicode_READ(kind, data, i))) {
                out.data[out.size++] = ch;
                i++;
            }
        }
        else {  /* a run of punctuation and whatever is not a word after it: one "|" */
            out.data[out.size++] = '|';
            while (i < length && !is_word(PyUnicode_READ(kind, data, i)))
                i++;
        }
    }
    out.data[out.size++] = ' ';
    return finish(&out);
}

/* How many runs of characters that ``in_run`` accepts the text holds. */
static PyObject *
count_runs(PyObject *text, const char *function, int (*in_run)(Py_UCS4))
{
    if (!is_str(text, function))
        return NULL;
    Py_ssize_t length = PyUnicode_GET_LENGTH(text), runs = 0;
    int kind = PyUnicode_KIND(text), inside = 0;
    const void *data = PyUnicode_DATA(text);
    for (Py_ssize_t i = 0; i < length; i++) {
        int accepted = in_run(PyUnicode_READ(kind, data, i));
        runs += accepted && !inside;
        inside = accepted;
    }
    return PyLong_FromSsize_t(runs);
}

static int
is_not_space(Py_UCS4 ch)
{
    return !Py_UNICODE_ISSPACE(ch);
}

static PyObject *
word_count(PyObject *module, PyObject *text)
{
    return count_runs(text, "word_count", is_not_space);
}

static const uint64_t K1 = 0x9E3779B97F4A7C15ULL, K2 = 0xBF58476D1CE4E5B9ULL,
                      K3 = 0x94D049BB133111EBULL;

/* spread[b]: byte b's bits, one to a byte (bit j of b in byte j), so that adding spread values
 * counts eight bits of eight positions at once */
static uint64_t spread[256];

static void
flush_lanes(uint64_t lanes[8], uint64_t counts[64], int *in_lanes)
{
    for (int byte = 0; byte < 8; byte++) {
        for (int bit = 0; bit < 8; bit++)
            counts[8 * byte + bit] += (lanes[byte] >> (8 * bit)) & 0xff;
        lanes[byte] = 0;
    }
    *in_lanes = 0;
}

/* The SimHash of a sequence of word hashes: the majority, bit by bit, of its distinct 3-word
 * shingle hashes (neardup._shingle_hashes and neardup._majority). */
static PyObject *
majority_of_shingles(const uint64_t *hashes, Py_ssize_t count)
{
    if (count < 3) {
        PyErr_SetString(PyExc_ValueError, "a SimHash needs at least three words");
        return NULL;
    }
    Py_ssize_t n = count - 2, slots = 8;
    while (slots < 2 * n)
        slots *= 2;
    /* the distinct shingle hashes, in an open-addressing set (0 marks a free slot, and a
     * shingle hash of 0 is counted apart) */
    uint64_t *seen = PyMem_Calloc(slots, sizeof(uint64_t));
    if (seen == NULL)
        return PyErr_NoMemory();
    Py_ssize_t distinct = 0;
    int zero_seen = 0;
    uint64_t counts[64] = {0};
    uint64_t lanes[8] = {0};  /* 64 one-byte counters, flushed into counts before they wrap */
    int in_lanes = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        uint64_t value = hashes[i] ^ (hashes[i + 1] * K1) ^ (hashes[i + 2] * K2);
        value ^= value >> 32;
        value *= K3;
        value ^= value >> 29;
        if (value == 0) {
            if (!zero_seen)
                distinct++;
            zero_seen = 1;
            continue;
        }
        Py_ssize_t slot = (Py_ssize_t)(value >> 7) & (slots - 1);
        while (seen[slot] != 0 && seen[slot] != value)
            slot = (slot + 1) & (slots - 1);
        if (seen[slot] == value)
            continue;
        seen[slot] = value;
        distinct++;
        for (int byte = 0; byte < 8; byte++)
            lanes[byte] += spread[(value >> (8 * byte)) & 0xff];
        if (++in_lanes == 255)
            flush_lanes(lanes, counts, &in_lanes);
    }
    flush_lanes(lanes, counts, &in_lanes);
    PyMem_Free(seen);
    uint64_t held = 0;
    for (int bit = 0; bit < 64; bit++)
        if (counts[bit] > (uint64_t)distinct / 2)
            held |= (uint64_t)1 << bit;
    return PyLong_FromUnsignedLongLong(held);
}

static PyObject *
word_runs(PyObject *module, PyObject *text)
{
    return count_runs(text, "word_runs", is_word_char);
}

/* The hash of each word seen, by its letters, so that most words of a text are found here
 * without making them Python strings; a word not here is asked of the Python cache (keyed
 * blake2b, neardup._WORD_HASHES), whose value it keeps. The table belongs to one cache object
 * (another one empties it) and is emptied when half full. */
typedef struct {
    uint64_t key;    /* FNV-1a of the code points */
    uint64_t value;  /* the cache's hash of the word */
    Py_ssize_t length;  /* 0: a free slot */
    Py_UCS4 *chars;
} KnownWord;

#define KNOWN_SLOTS (1 << 16)
static KnownWord known[KNOWN_SLOTS];
static Py_ssize_t known_used;
static PyObject *known_cache;  /* the cache the table's values came from */

static void
forget_words(void)
{
    for (Py_ssize_t i = 0; i < KNOWN_SLOTS; i++) {
        PyMem_Free(known[i].chars);
        known[i].chars = NULL;
        known[i].length = 0;
    }
    known_used = 0;
}

/* The slot holding text[start:start+length] (key its FNV-1a), or the free slot where it goes. */
static Py_ssize_t
slot_of(uint64_t key, int kind, const void *data, Py_ssize_t start, Py_ssize_t length)
{
    Py_ssize_t slot = (Py_ssize_t)(key & (KNOWN_SLOTS - 1));
    for (; known[slot].length != 0; slot = (slot + 1) & (KNOWN_SLOTS - 1)) {
        KnownWord *entry = &known[slot];
        if (entry->key != key || entry->length != length)
            continue;
        Py_ssize_t j = 0;
        while (j < length && entry->chars[j] == PyUnicode_READ(kind, data, start + j))
            j++;
        if (j == length)
            break;
    }
    return slot;
}

/* The hash of text[start:end], a word; -1 with an exception set on failure. */
static int
hash_of_word(PyObject *text, int kind, const void *data, Py_ssize_t start, Py_ssize_t end,
             uint64_t key, PyObject *cache, uint64_t *out)
{
    Py_ssize_t length = end - start, slot = slot_of(key, kind, data, start, length);
    if (known[slot].length != 0) {
        *out = known[slot].value;
        return 0;
    }
    PyObject *word = PyUnicode_Substring(text, start, end);
    if (word == NULL)
        return -1;
    PyObject *value = PyObject_GetItem(cache, word);  /* may run any Python code */
    Py_DECREF(word);
    if (value == NULL)
        return -1;
    *out = PyLong_AsUnsignedLongLong(value);
    Py_DECREF(value);
    if (*out == (uint64_t)-1 && PyErr_Occurred())
        return -1;
    if (known_cache != cache)
        return 0;  /* the table was given to another cache meanwhile: not kept */
    if (known_used >= KNOWN_SLOTS / 2)
        forget_words();
    slot = slot_of(key, kind, data, start, length);  /* the table may have changed meanwhile */
    if (known[slot].length != 0)
        return 0;
    Py_UCS4 *chars = PyMem_Malloc(length * sizeof(Py_UCS4));
    if (chars == NULL)
        return 0;  /* not kept: the hash is still right */
    for (Py_ssize_t j = 0; j < length; j++)
        chars[j] = PyUnicode_READ(kind, data, start + j);
    known[slot] = (KnownWord){key, *out, length, chars};
    known_used++;
    return 0;
}

static PyObject *
story_simhash(PyObject *module, PyObject *args)
{
    PyObject *lines, *cache;
    if (!PyArg_ParseTuple(args, "O!O:story_simhash", &PyList_Type, &lines, &cache))
        return NULL;
    if (known_cache != cache) {
        forget_words();
        Py_XSETREF(known_cache, Py_NewRef(cache));
    }
    /* the cache may run any Python code: the lines are read from a tuple of their own */
    PyObject *held = PyList_AsTuple(lines);
    if (held == NULL)
        return NULL;
    uint64_t *values = NULL;  /* each word's hash, in order */
    Py_ssize_t count = 0, capacity = 0;
    for (Py_ssize_t n = 0; n < PyTuple_GET_SIZE(held); n++) {
        PyObject *line = PyTuple_GET_ITEM(held, n);
        if (!is_str(line, "story_simhash"))
            goto error;
        Py_ssize_t length = PyUnicode_GET_LENGTH(line);
        int kind = PyUnicode_KIND(line);
        const void *data = PyUnicode_DATA(line);
        Py_ssize_t i = 0;
        while (i < length) {
            if (!is_word_char(PyUnicode_READ(kind, data, i))) {
                i++;
                continue;
            }
            Py_ssize_t start = i;
            uint64_t key = 0xcbf29ce484222325ULL;
            for (Py_UCS4 ch; i < length && is_word_char(ch = PyUnicode_READ(kind, data, i)); i++)
                key = (key ^ ch) * 0x100000001b3ULL;
            if (count == capacity) {
                capacity = capacity ? 2 * capacity : 1024;
                uint64_t *grown = PyMem_Realloc(values, capacity * sizeof(uint64_t));
                if (grown == NULL) {
                    PyErr_NoMemory();
                    goto error;
                }
                values = grown;
            }
            if (hash_of_word(line, kind, data, start, i, key, cache, &values[count]) < 0)
                goto error;
            count++;
        }
    }
    PyObject *result = majority_of_shingles(values, count);
    PyMem_Free(values);
    Py_DECREF(held);
    return result;
error:
    PyMem_Free(values);
    Py_DECREF(held);
    return NULL;
}

static PyObject *
configure(PyObject *module, PyObject *callback)
{
    if (!PyCallable_Check(callback)) {
        PyErr_SetString(PyExc_TypeError, "configure takes a callable");
        return NULL;
    }
    Py_XSETREF(describe, Py_NewRef(callback));
    memset(fold_kind, UNKNOWN, sizeof fold_kind);
    PyDict_Clear(fold_many);
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"configure", configure, METH_O,
     "configure(describe): the folded form of one character (str), or None for the reference."},
    {"fold_bmp", fold_bmp, METH_O,
     "The folded, unspaced text (fastfold's _unmarked_lower), or None: use the reference."},
    {"mark_punctuation", mark_punctuation, METH_O,
     "lexicon.normalise's last step: each punctuation run a \"|\" word, single spaces, padded."},
    {"word_count", word_count, METH_O, "len(text.split()), without making the words."},
    {"word_runs", word_runs, METH_O, "len(re.findall(r'\\w+', text)), without making the words."},
    {"story_simhash", story_simhash, METH_VARARGS,
     "story_simhash(lines, cache): the SimHash (unsigned) of the words of these lines, each word's"
     " hash from cache[word] (neardup's majority of distinct 3-word shingles). A cache's value for"
     " a word must not change: the values are kept, per cache object."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "monitor._textscan", NULL, -1, methods,
};

PyMODINIT_FUNC
PyInit__textscan(void)
{
    for (int b = 0; b < 256; b++)
        for (int bit = 0; bit < 8; bit++)
            spread[b] |= (uint64_t)((b >> bit) & 1) << (8 * bit);
    fold_many = PyDict_New();
    if (fold_many == NULL)
        return NULL;
    return PyModule_Create(&module_def);
}
