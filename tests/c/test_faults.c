/* The shared fault matrix, tests/faults.json, driven through the C API.
 *
 * Each row scripts the fake (DDORG_FAKE_URL) through its control API, builds one client from the
 * row's options, makes the row's calls and checks each outcome: the status, kind, HTTP status,
 * errors, attempts and rate limit of the error, or the response's JSON form. The schema is in
 * docs/reliability.md; the Rust and Python drivers run the same rows. A small JSON reader below
 * (no JSON library in C) reads the matrix, the responses' to_json and the fake's request log.
 * Every row runs under alarm(): a hang kills the program instead of hanging the suite.
 *
 * The matrix is read from DDORG_FAULTS_JSON, else tests/faults.json (scripts/test-c runs the
 * programs from the repository root). */
#include "support.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Seconds a row may take before alarm() ends the program (generous: valgrind is slow). */
#define ROW_GUARD_S 120

/* ---- a small JSON reader ------------------------------------------------------------------ */

typedef enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } jtype;

typedef struct jval {
    jtype type;
    int b;
    double n;
    char *s;         /* J_STR: decoded UTF-8, NUL-terminated (slen bytes, may hold NULs) */
    size_t slen;
    struct jval *items; /* J_ARR items, J_OBJ values */
    char **keys;        /* J_OBJ keys */
    size_t len;
    const char *raw; /* the value's text in the source */
    size_t raw_len;
} jval;

typedef struct {
    const char *p, *end;
    const char *error;
    int depth;
} jparser;

static void jfree(jval *v) {
    if (v == NULL) return;
    for (size_t i = 0; i < v->len; i++) {
        jfree(&v->items[i]);
        if (v->keys) free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->s);
    memset(v, 0, sizeof *v);
}

static void skip_ws(jparser *ps) {
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

static int hex4(const char *p, unsigned *out) {
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return 0;
    }
    *out = v;
    return 1;
}

static size_t put_utf8(char *out, unsigned cp) {
    if (cp < 0x80) { out[0] = (char)cp; return 1; }
    if (cp < 0x800) { out[0] = (char)(0xC0 | (cp >> 6)); out[1] = (char)(0x80 | (cp & 0x3F)); return 2; }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Parses a string at ps->p (at the opening quote) into a malloc'd buffer. */
static char *parse_string(jparser *ps, size_t *len_out) {
    const char *p = ps->p + 1;
    /* Decoded text is never longer than its escaped form. */
    const char *close = p;
    while (close < ps->end && *close != '"') close += (*close == '\\') ? 2 : 1;
    if (close >= ps->end) { ps->error = "unterminated string"; return NULL; }
    char *out = malloc((size_t)(close - p) + 1), *o = out;
    if (out == NULL) { ps->error = "out of memory"; return NULL; }
    while (p < close) {
        if (*p != '\\') { *o++ = *p++; continue; }
        p++;
        switch (*p) {
        case '"': *o++ = '"'; p++; break;
        case '\\': *o++ = '\\'; p++; break;
        case '/': *o++ = '/'; p++; break;
        case 'b': *o++ = '\b'; p++; break;
        case 'f': *o++ = '\f'; p++; break;
        case 'n': *o++ = '\n'; p++; break;
        case 'r': *o++ = '\r'; p++; break;
        case 't': *o++ = '\t'; p++; break;
        case 'u': {
            unsigned cp, lo;
            if (close - p < 5 || !hex4(p + 1, &cp)) { ps->error = "bad \\u escape"; free(out); return NULL; }
            p += 5;
            if (cp >= 0xD800 && cp < 0xDC00 && close - p >= 6 && p[0] == '\\' && p[1] == 'u' &&
                hex4(p + 2, &lo) && lo >= 0xDC00 && lo < 0xE000) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                p += 6;
            } else if (cp >= 0xD800 && cp < 0xE000) {
                cp = 0xFFFD; /* a lone surrogate */
            }
            o += put_utf8(o, cp);
            break;
        }
        default: ps->error = "bad escape"; free(out); return NULL;
        }
    }
    *o = '\0';
    *len_out = (size_t)(o - out);
    ps->p = close + 1;
    return out;
}

static int parse_value(jparser *ps, jval *v);

/* Appends a slot to an array or object being built; 0 when memory ran out. */
static int grow(jparser *ps, jval *v, size_t *cap, int with_keys) {
    if (v->len < *cap) return 1;
    size_t n = *cap ? *cap * 2 : 4;
    jval *items = realloc(v->items, n * sizeof *items);
    if (items == NULL) { ps->error = "out of memory"; return 0; }
    v->items = items;
    if (with_keys) {
        char **keys = realloc(v->keys, n * sizeof *keys);
        if (keys == NULL) { ps->error = "out of memory"; return 0; }
        v->keys = keys;
    }
    *cap = n;
    return 1;
}

static int parse_value(jparser *ps, jval *v) {
    memset(v, 0, sizeof *v);
    skip_ws(ps);
    if (ps->p >= ps->end) { ps->error = "unexpected end"; return 0; }
    if (++ps->depth > 64) { ps->error = "too deep"; return 0; }
    const char *start = ps->p;
    int ok = 1;
    char c = *ps->p;
    if (c == '{' || c == '[') {
        int obj = c == '{';
        size_t cap = 0;
        v->type = obj ? J_OBJ : J_ARR;
        ps->p++;
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == (obj ? '}' : ']')) {
            ps->p++;
        } else {
            for (;;) {
                if (!grow(ps, v, &cap, obj)) { ok = 0; break; }
                if (obj) {
                    skip_ws(ps);
                    size_t klen;
                    if (ps->p >= ps->end || *ps->p != '"') { ps->error = "expected a key"; ok = 0; break; }
                    char *key = parse_string(ps, &klen);
                    if (key == NULL) { ok = 0; break; }
                    skip_ws(ps);
                    if (ps->p >= ps->end || *ps->p != ':') { free(key); ps->error = "expected ':'"; ok = 0; break; }
                    ps->p++;
                    v->keys[v->len] = key;
                }
                if (!parse_value(ps, &v->items[v->len])) {
                    if (obj) free(v->keys[v->len]);
                    jfree(&v->items[v->len]);
                    ok = 0;
                    break;
                }
                v->len++;
                skip_ws(ps);
                if (ps->p < ps->end && *ps->p == ',') { ps->p++; continue; }
                if (ps->p < ps->end && *ps->p == (obj ? '}' : ']')) { ps->p++; break; }
                ps->error = "expected ',' or a closing bracket";
                ok = 0;
                break;
            }
        }
    } else if (c == '"') {
        v->type = J_STR;
        v->s = parse_string(ps, &v->slen);
        ok = v->s != NULL;
    } else if (ps->end - ps->p >= 4 && strncmp(ps->p, "true", 4) == 0) {
        v->type = J_BOOL, v->b = 1, ps->p += 4;
    } else if (ps->end - ps->p >= 5 && strncmp(ps->p, "false", 5) == 0) {
        v->type = J_BOOL, v->b = 0, ps->p += 5;
    } else if (ps->end - ps->p >= 4 && strncmp(ps->p, "null", 4) == 0) {
        v->type = J_NULL, ps->p += 4;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
        const char *q = ps->p;
        while (q < ps->end && strchr("+-0123456789.eE", *q) != NULL) q++;
        char buf[64];
        size_t n = (size_t)(q - ps->p);
        if (n >= sizeof buf) { ps->error = "number too long"; ok = 0; }
        else {
            memcpy(buf, ps->p, n);
            buf[n] = '\0';
            v->type = J_NUM;
            v->n = strtod(buf, NULL);
            ps->p = q;
        }
    } else {
        ps->error = "unexpected character";
        ok = 0;
    }
    ps->depth--;
    v->raw = start;
    v->raw_len = (size_t)(ps->p - start);
    return ok;
}

/* Parses a whole document; on failure returns 0 with *error set and nothing to free. */
static int jparse(const char *text, size_t len, jval *out, const char **error) {
    jparser ps = {text, text + len, NULL, 0};
    if (!parse_value(&ps, out)) {
        jfree(out);
        *error = ps.error ? ps.error : "invalid JSON";
        return 0;
    }
    skip_ws(&ps);
    if (ps.p != ps.end) {
        jfree(out);
        *error = "trailing characters";
        return 0;
    }
    return 1;
}

static const jval *jget(const jval *obj, const char *key) {
    if (obj == NULL || obj->type != J_OBJ) return NULL;
    for (size_t i = 0; i < obj->len; i++)
        if (strcmp(obj->keys[i], key) == 0) return &obj->items[i];
    return NULL;
}

/* The string value of obj[key], or NULL when absent or not a string. */
static const char *jstr(const jval *obj, const char *key) {
    const jval *v = jget(obj, key);
    return v && v->type == J_STR ? v->s : NULL;
}

/* Follows a dotted path (`org.settings.saml.enabled`, `data.0.id`). */
static const jval *jpath(const jval *v, const char *path) {
    char buf[256];
    if (strlen(path) >= sizeof buf) return NULL;
    strcpy(buf, path);
    for (char *key = strtok(buf, "."); key != NULL && v != NULL; key = strtok(NULL, ".")) {
        if (v->type == J_ARR) {
            char *end;
            unsigned long i = strtoul(key, &end, 10);
            v = (*end == '\0' && i < v->len) ? &v->items[i] : NULL;
        } else {
            v = jget(v, key);
        }
    }
    return v;
}

static int jequal(const jval *a, const jval *b) {
    if (a->type != b->type) return 0;
    switch (a->type) {
    case J_NULL: return 1;
    case J_BOOL: return a->b == b->b;
    case J_NUM: return a->n == b->n;
    case J_STR: return a->slen == b->slen && memcmp(a->s, b->s, a->slen) == 0;
    case J_ARR:
        if (a->len != b->len) return 0;
        for (size_t i = 0; i < a->len; i++)
            if (!jequal(&a->items[i], &b->items[i])) return 0;
        return 1;
    case J_OBJ:
        if (a->len != b->len) return 0;
        for (size_t i = 0; i < a->len; i++) {
            const jval *other = jget(b, a->keys[i]);
            if (other == NULL || !jequal(&a->items[i], other)) return 0;
        }
        return 1;
    }
    return 0;
}

/* ---- the driver --------------------------------------------------------------------------- */

static const char *const ROW_KEYS[] = {"name", "doc", "langs", "langs_why", "call", "public_id",
                                       "client", "replies", "then", "expect", "expect_requests",
                                       "expect_path", "expect_user_agent", "listen", "env",
                                       "parallel", NULL};
static const char *const CLIENT_KEYS[] = {"api_key",           "app_key",       "base_url",
                                          "max_retries",       "timeout_ms",    "connect_timeout_ms",
                                          "max_body_size",     "user_agent",    "append_user_agent",
                                          "ca_bundle",         "tls_roots",     "proxy",
                                          NULL};
/* The variables a row may set; every row starts with all of them unset. */
static const char *const ENV_KEYS[] = {"DDORG_CA_BUNDLE", "SSL_CERT_FILE", "HTTPS_PROXY",
                                       "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY",
                                       "no_proxy", NULL};
static const char *const EXPECT_KEYS[] = {
    "ok", "error", "status", "errors", "errors_contain", "errors_exclude", "message_contains",
    "message_excludes", "message_safe", "attempts", "rate_limit", "fields", "json", "elapsed_min_ms",
    "elapsed_max_ms", NULL};

/* The contract's status for each error kind. */
static const struct {
    const char *kind;
    ddorg_status status;
} KINDS[] = {
    {"config", DDORG_ERR_CONFIG},
    {"invalid_argument", DDORG_ERR_INVALID_ARGUMENT},
    {"bad_request", DDORG_ERR_BAD_REQUEST},
    {"unauthorized", DDORG_ERR_UNAUTHORIZED},
    {"forbidden", DDORG_ERR_FORBIDDEN},
    {"not_found", DDORG_ERR_NOT_FOUND},
    {"rate_limited", DDORG_ERR_RATE_LIMITED},
    {"server", DDORG_ERR_SERVER},
    {"unexpected_status", DDORG_ERR_UNEXPECTED_STATUS},
    {"timeout", DDORG_ERR_TIMEOUT},
    {"network", DDORG_ERR_NETWORK},
    {"decode", DDORG_ERR_DECODE},
    {"response_too_large", DDORG_ERR_RESPONSE_TOO_LARGE},
    {"tls", DDORG_ERR_TLS},
};

static const char *row_name;
static int row_failed;

/* Fails the current row with a formatted reason (counted by support.c's checks). */
static void row_fail(const char *fmt, ...) {
    char msg[2048];
    int n = snprintf(msg, sizeof msg, "%s: ", row_name);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
    va_end(ap);
    check_true(0, msg, __FILE__, __LINE__);
    row_failed = 1;
}

static int known_keys(const char *what, const jval *obj, const char *const *known) {
    if (obj == NULL) return 1;
    if (obj->type != J_OBJ) {
        row_fail("%s must be an object", what);
        return 0;
    }
    for (size_t i = 0; i < obj->len; i++) {
        int found = 0;
        for (const char *const *k = known; *k; k++) found |= strcmp(*k, obj->keys[i]) == 0;
        if (!found) {
            row_fail("unknown %s key \"%s\"", what, obj->keys[i]);
            return 0;
        }
    }
    return 1;
}

/* The placeholders of the current row and what they stand for. */
static char fake_port_text[16], listen_url[128], listen_port[16], ca_file[512];

/* A malloc'd copy of `s` (len bytes) with every placeholder ({port}, {listen_url},
 * {listen_port}, {ca_file}) replaced. */
static char *fill_port(const char *s, size_t len) {
    const struct {
        const char *name;
        const char *value;
    } subs[] = {{"{port}", fake_port_text},
                {"{listen_url}", listen_url},
                {"{listen_port}", listen_port},
                {"{ca_file}", ca_file}};
    size_t cap = len + 1, n = 0, used = 0;
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) cap += strlen(subs[i].value);
    /* Each placeholder is at least 6 bytes, so there are at most len / 6 of them. */
    cap += (len / 6) * sizeof ca_file;
    char *out = malloc(cap);
    if (out == NULL) return NULL;
    while (n < len) {
        size_t matched = 0;
        for (size_t i = 0; i < sizeof subs / sizeof subs[0] && !matched; i++) {
            size_t plen = strlen(subs[i].name);
            if (len - n >= plen && memcmp(s + n, subs[i].name, plen) == 0) {
                size_t vlen = strlen(subs[i].value);
                memcpy(out + used, subs[i].value, vlen);
                used += vlen;
                n += plen;
                matched = 1;
            }
        }
        if (!matched) out[used++] = s[n++];
    }
    out[used] = '\0';
    return out;
}

/* A string option or expectation of the row with its placeholders filled (free() it), or NULL. */
static char *filled(const jval *v) {
    return v != NULL && v->type == J_STR ? fill_port(v->s, v->slen) : NULL;
}

/* The row's client option `key`, else the defaults'. */
static const jval *option(const jval *row, const jval *defaults, const char *key) {
    const jval *v = jget(jget(row, "client"), key);
    return v ? v : jget(jget(defaults, "client"), key);
}

/* Every request the fake saw carried this user agent; `{default_user_agent}` stands for the C
 * binding's own, `ddorg-c/<version>`. */
static void check_user_agent(const char *pattern) {
    const char *placeholder = "{default_user_agent}";
    char want[512];
    const char *at = strstr(pattern, placeholder);
    if (at != NULL)
        snprintf(want, sizeof want, "%.*sddorg-c/%s%s", (int)(at - pattern), pattern, ddorg_version(),
                 at + strlen(placeholder));
    else
        snprintf(want, sizeof want, "%s", pattern);
    char *log = fake_get("/_fake/requests");
    jval requests;
    const char *error;
    if (log == NULL || !jparse(log, strlen(log), &requests, &error)) {
        row_fail("no request log from the fake");
        free(log);
        return;
    }
    if (requests.len == 0) row_fail("expect_user_agent, but the fake saw no request");
    for (size_t i = 0; i < requests.len; i++) {
        const jval *headers = jget(&requests.items[i], "headers");
        const char *got = NULL;
        for (size_t h = 0; headers != NULL && h < headers->len; h++) {
            const jval *pair = &headers->items[h];
            if (pair->type == J_ARR && pair->len == 2 && pair->items[0].type == J_STR &&
                strcmp(pair->items[0].s, "user-agent") == 0 && pair->items[1].type == J_STR)
                got = pair->items[1].s;
        }
        if (got == NULL || strcmp(got, want) != 0)
            row_fail("sent user agent %s, expected %s", got ? got : "NULL", want);
    }
    jfree(&requests);
    free(log);
}

/* Builds the row's client; on failure returns the status and sets *err (the call's outcome). */
static ddorg_status build_client(const jval *row, const jval *defaults, ddorg_client **out,
                                 ddorg_error **err) {
    *out = NULL;
    *err = NULL;
    ddorg_options *opts = ddorg_options_new();
    if (opts == NULL) return DDORG_ERR_PANIC;
    ddorg_status st = DDORG_OK;
    const jval *v;
    if (st == DDORG_OK && (v = option(row, defaults, "api_key")) && v->type == J_STR)
        st = ddorg_options_set_api_key(opts, v->s, err);
    if (st == DDORG_OK && (v = option(row, defaults, "app_key")) && v->type == J_STR)
        st = ddorg_options_set_app_key(opts, v->s, err);
    if (st == DDORG_OK && (v = option(row, defaults, "base_url")) && v->type == J_STR) {
        if (strcmp(v->s, "fake") == 0) {
            st = ddorg_options_set_base_url(opts, fake_url(), err);
        } else {
            char *url = fill_port(v->s, v->slen);
            st = url ? ddorg_options_set_base_url(opts, url, err) : DDORG_ERR_PANIC;
            free(url);
        }
    }
    if (st == DDORG_OK && (v = option(row, defaults, "max_retries")) && v->type == J_NUM)
        st = ddorg_options_set_max_retries(opts, (uint32_t)v->n, err);
    if (st == DDORG_OK && (v = option(row, defaults, "timeout_ms")) && v->type == J_NUM)
        st = ddorg_options_set_timeout_ms(opts, (uint64_t)v->n, err);
    if (st == DDORG_OK && (v = option(row, defaults, "connect_timeout_ms")) && v->type == J_NUM)
        st = ddorg_options_set_connect_timeout_ms(opts, (uint64_t)v->n, err);
    if (st == DDORG_OK && (v = option(row, defaults, "max_body_size")) && v->type == J_NUM)
        st = ddorg_options_set_max_body_size(opts, (uint64_t)v->n, err);
    if (st == DDORG_OK && (v = option(row, defaults, "user_agent")) && v->type == J_STR)
        st = ddorg_options_set_user_agent(opts, v->s, err);
    if (st == DDORG_OK && (v = option(row, defaults, "append_user_agent")) && v->type == J_STR)
        st = ddorg_options_append_user_agent(opts, v->s, err);
    char *text;
    if (st == DDORG_OK && (text = filled(option(row, defaults, "ca_bundle"))) != NULL) {
        st = ddorg_options_set_ca_bundle(opts, text, err);
        free(text);
    }
    if (st == DDORG_OK && (text = filled(option(row, defaults, "tls_roots"))) != NULL) {
        st = ddorg_options_set_tls_roots(opts, text, err);
        free(text);
    }
    if (st == DDORG_OK && (text = filled(option(row, defaults, "proxy"))) != NULL) {
        st = ddorg_options_set_proxy(opts, text, err);
        free(text);
    }
    if (st == DDORG_OK) st = ddorg_client_new(opts, out, err);
    ddorg_options_free(opts);
    return st;
}

static void check_error(const jval *expect, ddorg_status st, const ddorg_error *err) {
    const char *kind = jstr(expect, "error");
    const char *message = err ? ddorg_error_message(err) : "(no error object)";
    if (kind == NULL) {
        row_fail("expected success, got %s: %s", ddorg_status_name(st), message);
        return;
    }
    ddorg_status want = DDORG_ERR_PANIC;
    for (size_t i = 0; i < sizeof KINDS / sizeof KINDS[0]; i++)
        if (strcmp(KINDS[i].kind, kind) == 0) want = KINDS[i].status;
    const char *got_kind = ddorg_error_kind_name(err);
    if (st != want || ddorg_error_status(err) != want || got_kind == NULL || strcmp(got_kind, kind) != 0) {
        row_fail("expected %s (%s), got %s (%s): %s", ddorg_status_name(want), kind,
                 ddorg_status_name(st), got_kind ? got_kind : "NULL", message);
        return;
    }
    const jval *v;
    if ((v = jget(expect, "status")) != NULL) {
        int want_http = v->type == J_NUM ? (int)v->n : 0;
        if (ddorg_error_http_status(err) != want_http)
            row_fail("HTTP status %d, expected %d: %s", ddorg_error_http_status(err), want_http, message);
    }
    if ((v = jget(expect, "attempts")) != NULL && ddorg_error_attempts(err) != (uint32_t)v->n)
        row_fail("%u attempts, expected %.0f: %s", ddorg_error_attempts(err), v->n, message);
    size_t n_errors = ddorg_error_errors_len(err);
    if ((v = jget(expect, "errors")) != NULL) {
        int same = v->len == n_errors;
        for (size_t i = 0; same && i < n_errors; i++)
            same = strcmp(ddorg_error_errors_get(err, i), v->items[i].s) == 0;
        if (!same) row_fail("errors differ (%zu of them, expected %zu): %s", n_errors, v->len, message);
    }
    char *s;
    if ((s = filled(jget(expect, "errors_contain"))) != NULL) {
        int found = 0;
        for (size_t i = 0; i < n_errors; i++) found |= strstr(ddorg_error_errors_get(err, i), s) != NULL;
        if (!found) row_fail("no errors entry contains \"%s\": %s", s, message);
        free(s);
    }
    if ((s = filled(jget(expect, "errors_exclude"))) != NULL) {
        for (size_t i = 0; i < n_errors; i++)
            if (strstr(ddorg_error_errors_get(err, i), s) != NULL)
                row_fail("errors entry %zu contains \"%s\"", i, s);
        free(s);
    }
    if ((s = filled(jget(expect, "message_contains"))) != NULL) {
        if (strstr(message, s) == NULL) row_fail("the message does not contain \"%s\": %s", s, message);
        free(s);
    }
    const jval *safe = jget(expect, "message_safe");
    if (safe != NULL && safe->type == J_BOOL && safe->b) {
        /* C0 controls and DEL as bytes, C1 controls as their UTF-8 form (0xC2 0x80..0x9F). */
        for (const unsigned char *p = (const unsigned char *)message; *p != 0; p++)
            if (*p < 0x20 || *p == 0x7f || (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)) {
                row_fail("the message holds control character 0x%02x: %s", *p, message);
                break;
            }
    }
    if ((s = filled(jget(expect, "message_excludes"))) != NULL) {
        if (strstr(message, s) != NULL) row_fail("the message contains \"%s\"", s);
        for (size_t i = 0; i < n_errors; i++)
            if (strstr(ddorg_error_errors_get(err, i), s) != NULL) row_fail("an errors entry contains \"%s\"", s);
        free(s);
    }
    const jval *rl = jget(expect, "rate_limit");
    if (rl != NULL) {
        ddorg_rate_limit got;
        memset(&got, 0, sizeof got);
        if (ddorg_error_rate_limit(err, &got) != 1) {
            row_fail("no rate limit: %s", message);
            return;
        }
        const struct {
            const char *key;
            int64_t value;
        } numbers[] = {{"limit", got.limit}, {"period", got.period}, {"remaining", got.remaining}, {"reset", got.reset}};
        for (size_t i = 0; i < 4; i++) {
            const jval *w = jget(rl, numbers[i].key);
            if (w != NULL && (w->type != J_NUM || (double)numbers[i].value != w->n))
                row_fail("rate_limit.%s is %lld", numbers[i].key, (long long)numbers[i].value);
        }
        const char *name = jstr(rl, "name");
        if (name != NULL && (got.name == NULL || strcmp(got.name, name) != 0))
            row_fail("rate_limit.name is %s, expected %s", got.name ? got.name : "NULL", name);
    }
}

static void check_success(const jval *expect, uint32_t attempts, char *json) {
    const jval *ok = jget(expect, "ok");
    if (ok == NULL || ok->type != J_BOOL || !ok->b) {
        const char *kind = jstr(expect, "error");
        row_fail("expected %s error, got success: %s", kind ? kind : "an", json ? json : "");
        return;
    }
    const jval *v = jget(expect, "attempts");
    if (v != NULL && attempts != (uint32_t)v->n)
        row_fail("succeeded after %u attempts, expected %.0f", attempts, v->n);
    const jval *fields = jget(expect, "fields");
    const jval *exact = jget(expect, "json");
    if ((fields == NULL || fields->len == 0) && exact == NULL) return;
    jval body;
    const char *error;
    if (json == NULL || !jparse(json, strlen(json), &body, &error)) {
        row_fail("the response's to_json is not JSON: %s", json ? json : "NULL");
        return;
    }
    if (exact != NULL && !jequal(&body, exact))
        row_fail("the JSON form is %s, expected exactly %.*s", json, (int)exact->raw_len, exact->raw);
    for (size_t i = 0; fields != NULL && i < fields->len; i++) {
        const jval *got = jpath(&body, fields->keys[i]);
        const jval *want = &fields->items[i];
        int same = want->type == J_NULL ? (got == NULL || got->type == J_NULL)
                                        : (got != NULL && jequal(got, want));
        if (!same)
            row_fail("field %s is %.*s, expected %.*s", fields->keys[i], got ? (int)got->raw_len : 6,
                     got ? got->raw : "absent", (int)want->raw_len, want->raw);
    }
    jfree(&body);
}

/* The most copies of a call a row's `parallel` may ask for. */
#define MAX_PARALLEL 64

/* One call and its outcome, made on the caller's thread or on one of `parallel`'s. */
typedef struct {
    const jval *row, *defaults;
    ddorg_client *client; /* NULL: the client did not build, so building it is the call */
    int get_org;
    const char *public_id;
    ddorg_status st;
    uint32_t attempts;
    char *json;
    ddorg_error *err;
    double elapsed;
} call_result;

static void *one_call(void *arg) {
    call_result *r = arg;
    double started = now_ms();
    if (r->client == NULL) {
        ddorg_client *unused = NULL;
        r->st = build_client(r->row, r->defaults, &unused, &r->err);
        ddorg_client_free(unused);
    } else if (r->get_org) {
        ddorg_org_response *resp = NULL;
        r->st = ddorg_get_org(r->client, r->public_id, &resp, &r->err);
        r->attempts = ddorg_org_response_attempts(resp);
        r->json = ddorg_org_response_to_json(resp);
        ddorg_org_response_free(resp);
    } else {
        ddorg_salesforce_orgs *list = NULL;
        r->st = ddorg_list_salesforce_orgs(r->client, &list, &r->err);
        r->attempts = ddorg_salesforce_orgs_attempts(list);
        r->json = ddorg_salesforce_orgs_to_json(list);
        ddorg_salesforce_orgs_free(list);
    }
    r->elapsed = now_ms() - started;
    return NULL;
}

/* Opens the row's extra listener (`{"tls": ..}` or `{"proxy": ..}`) and notes its URL and port. */
static int open_listener(const jval *how) {
    char body[256];
    if (how->raw_len >= sizeof body) {
        row_fail("listen is too long");
        return 0;
    }
    memcpy(body, how->raw, how->raw_len);
    body[how->raw_len] = '\0';
    char *reply = fake_post_json("/_fake/listen", body);
    jval listening;
    const char *error;
    if (reply == NULL || !jparse(reply, strlen(reply), &listening, &error)) {
        row_fail("the fake could not listen as %s", body);
        free(reply);
        return 0;
    }
    const char *url = jstr(&listening, "url");
    const jval *port = jget(&listening, "port");
    snprintf(listen_url, sizeof listen_url, "%s", url ? url : "");
    snprintf(listen_port, sizeof listen_port, "%.0f", port ? port->n : 0.0);
    jfree(&listening);
    free(reply);
    return 1;
}

/* Writes the fake's CA (the same for every row: resets keep it) to a temporary file. */
static int write_ca_file(void) {
    char *pem = fake_get("/_fake/ca");
    const char *dir = getenv("TMPDIR");
    snprintf(ca_file, sizeof ca_file, "%s/ddorg-faults-ca-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = pem ? mkstemp(ca_file) : -1;
    int ok = fd >= 0 && write(fd, pem, strlen(pem)) == (ssize_t)strlen(pem);
    if (fd >= 0) close(fd);
    free(pem);
    return ok;
}

/* Runs one row; returns 1 when it ran (passed or failed), 0 when it is not for C. */
static int run_row(const jval *row, const jval *defaults) {
    row_name = jstr(row, "name");
    row_failed = 0;
    const jval *langs = jget(row, "langs");
    if (langs != NULL) {
        int for_c = 0;
        for (size_t i = 0; i < langs->len; i++) for_c |= strcmp(langs->items[i].s, "c") == 0;
        if (!for_c) {
            const char *why = jstr(row, "langs_why");
            printf("-- %s: skipped (%s)\n", row_name, why ? why : "not for c");
            return 0;
        }
    }
    scenario(row_name);
    if (!known_keys("row", row, ROW_KEYS) || !known_keys("client", jget(row, "client"), CLIENT_KEYS))
        return 1;
    const jval *call = jget(row, "call") ? jget(row, "call") : jget(defaults, "call");
    const jval *id = jget(row, "public_id") ? jget(row, "public_id") : jget(defaults, "public_id");
    int get_org = strcmp(call->s, "get_org") == 0;
    if (!get_org && strcmp(call->s, "list_salesforce_organizations") != 0) {
        row_fail("unknown call %s", call->s);
        return 1;
    }
    if (strlen(id->s) != id->slen) {
        row_fail("a public_id with NUL cannot cross the C API: mark the row \"langs\" without c");
        return 1;
    }

    alarm(ROW_GUARD_S);
    fake_reset();
    listen_url[0] = listen_port[0] = '\0';
    const jval *how = jget(row, "listen");
    if (how != NULL && !open_listener(how)) return 1;
    for (const char *const *name = ENV_KEYS; *name; name++) unsetenv(*name);
    const jval *env = jget(row, "env");
    for (size_t i = 0; env && i < env->len; i++) {
        int known = 0;
        for (const char *const *name = ENV_KEYS; *name; name++) known |= strcmp(*name, env->keys[i]) == 0;
        char *value = filled(&env->items[i]);
        if (!known || value == NULL) row_fail("unknown env variable %s (or not a string)", env->keys[i]);
        else setenv(env->keys[i], value, 1);
        free(value);
    }
    const jval *replies = jget(row, "replies");
    for (size_t i = 0; replies && i < replies->len; i++) {
        char *reply = fill_port(replies->items[i].raw, replies->items[i].raw_len);
        int status = reply ? fake_post("/_fake/enqueue", reply) : -1;
        if (status != 204) row_fail("the fake refused reply %zu (HTTP %d)", i, status);
        free(reply);
    }

    /* One client for every call of the row; a config error is each call's outcome. */
    ddorg_client *client = NULL;
    ddorg_error *build_err = NULL;
    build_client(row, defaults, &client, &build_err);
    ddorg_error_free(build_err);

    const jval *then = jget(row, "then");
    size_t calls = 1 + (then ? then->len : 0);
    const jval *parallel = jget(row, "parallel");
    for (size_t i = 0; i < calls && !row_failed; i++) {
        const jval *expect = i == 0 ? jget(row, "expect") : &then->items[i - 1];
        if (!known_keys("expect", expect, EXPECT_KEYS)) break;
        /* `parallel`: the first call is made that many times at once on the one client. */
        size_t copies = i == 0 && parallel != NULL ? (size_t)parallel->n : 1;
        if (copies < 1 || copies > MAX_PARALLEL) {
            row_fail("parallel must be from 1 to %d", MAX_PARALLEL);
            break;
        }
        call_result results[MAX_PARALLEL];
        pthread_t threads[MAX_PARALLEL];
        for (size_t c = 0; c < copies; c++) {
            results[c] = (call_result){row, defaults, client, get_org, id->s, 0, 0, NULL, NULL, 0};
            if (copies > 1) pthread_create(&threads[c], NULL, one_call, &results[c]);
            else one_call(&results[c]);
        }
        for (size_t c = 0; c < copies; c++) {
            call_result *r = &results[c];
            if (copies > 1) pthread_join(threads[c], NULL);
            const jval *bound;
            if ((bound = jget(expect, "elapsed_max_ms")) != NULL && r->elapsed > bound->n)
                row_fail("call %zu took %.0f ms, more than %.0f ms", i + 1, r->elapsed, bound->n);
            if ((bound = jget(expect, "elapsed_min_ms")) != NULL && r->elapsed < bound->n)
                row_fail("call %zu took %.0f ms, less than %.0f ms", i + 1, r->elapsed, bound->n);
            if (r->st == DDORG_OK) check_success(expect, r->attempts, r->json);
            else check_error(expect, r->st, r->err);
            ddorg_string_free(r->json);
            ddorg_error_free(r->err);
        }
    }
    ddorg_client_free(client);

    const jval *want;
    if (!row_failed && (want = jget(row, "expect_requests")) != NULL) {
        long seen = fake_request_count();
        if (seen != (long)want->n) row_fail("the fake saw %ld API requests, expected %.0f", seen, want->n);
    }
    const char *path = jstr(row, "expect_path");
    if (!row_failed && path != NULL) {
        char *log = fake_get("/_fake/requests");
        jval requests;
        const char *error;
        if (log == NULL || !jparse(log, strlen(log), &requests, &error)) {
            row_fail("no request log from the fake");
        } else {
            for (size_t i = 0; i < requests.len; i++) {
                const char *got = jstr(&requests.items[i], "path");
                if (got == NULL || strcmp(got, path) != 0)
                    row_fail("requested %s, expected %s", got ? got : "NULL", path);
            }
            jfree(&requests);
        }
        free(log);
    }
    const char *user_agent = jstr(row, "expect_user_agent");
    if (!row_failed && user_agent != NULL) check_user_agent(user_agent);
    alarm(0);
    if (!row_failed) check_true(1, row_name, __FILE__, __LINE__);
    return 1;
}

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf != NULL) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap) break;
        char *bigger = realloc(buf, cap * 2);
        if (bigger == NULL) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    fclose(f);
    *len = n;
    return buf;
}

int main(void) {
    const char *path = getenv("DDORG_FAULTS_JSON");
    if (path == NULL) path = "tests/faults.json";
    size_t len = 0;
    char *text = read_file(path, &len);
    jval matrix;
    const char *error = NULL;
    if (text == NULL || !jparse(text, len, &matrix, &error)) {
        fprintf(stderr, "cannot read the fault matrix %s: %s\n", path, text ? error : "no such file");
        free(text);
        return 1;
    }
    const jval *defaults = jget(&matrix, "defaults");
    const jval *rows = jget(&matrix, "rows");
    snprintf(fake_port_text, sizeof fake_port_text, "%s", fake_url() + strlen("http://127.0.0.1:"));
    if (!write_ca_file()) {
        fprintf(stderr, "cannot write the fake's CA to a temporary file\n");
        return 1;
    }
    size_t ran = 0, skipped = 0;
    for (size_t i = 0; rows && i < rows->len; i++) {
        if (run_row(&rows->items[i], defaults)) ran++;
        else skipped++;
    }
    unlink(ca_file);
    CHECK(ran >= 50);
    printf("faults: %zu rows ran, %zu skipped (not for c)\n", ran, skipped);
    jfree(&matrix);
    free(text);
    return finish("test_faults");
}
