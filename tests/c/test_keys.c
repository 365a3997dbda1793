/* Keys in memory: the options hold one copy of each key until ddorg_options_free, a client one
 * copy however many threads share it (32 here, over plain HTTP and over TLS), and nothing is
 * left once both are freed. The program reads its own memory (/proc/self/mem); the fake is
 * another process, so its copies of the requests are not counted.
 *
 * The program never keeps a plain copy of a key: it searches for `masked[i] ^ MASK`, and wipes
 * the buffer it passed to the setter. Only the last SEARCHED characters are searched for: the
 * allocator writes its own pointers over the first bytes of a freed block, which would hide a key
 * left in freed memory. */
#include "support.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MASK 0x5a
#define KEY_LEN 64
#define SEARCHED 32
#define THREADS 32
#define CALLS_PER_THREAD 10
#define CHUNK (1u << 20)
/* Larger regions are address space reserved by a sanitizer, not memory anything was put in. */
#define MAX_REGION (4ull << 30)

struct masked_key {
    unsigned char tail[SEARCHED];
};

/* Overwrites a buffer in a way the compiler may not drop. */
static void wipe(void *p, size_t n) {
    volatile unsigned char *b = p;
    while (n--) *b++ = 0;
}

/* Fills `key` (KEY_LEN characters and a NUL) with a random key starting with `prefix`, and
 * `masked` with its masked tail. */
static void random_key(const char *prefix, char *key, struct masked_key *masked) {
    unsigned char raw[KEY_LEN];
    int fd = open("/dev/urandom", O_RDONLY);
    CHECK(fd >= 0);
    CHECK_INT(read(fd, raw, sizeof raw), (long)sizeof raw);
    close(fd);
    size_t n = strlen(prefix);
    memcpy(key, prefix, n);
    for (size_t i = n; i < KEY_LEN; i++) key[i] = "0123456789abcdef"[raw[i] % 16];
    key[KEY_LEN] = '\0';
    for (size_t i = 0; i < SEARCHED; i++)
        masked->tail[i] = (unsigned char)(key[KEY_LEN - SEARCHED + i] ^ MASK);
    wipe(raw, sizeof raw);
}

/* How many times the key behind `m` is in this process's readable memory. */
static int copies_in_memory(const struct masked_key *m) {
    static unsigned char *scan;
    if (scan == NULL) scan = malloc(CHUNK + SEARCHED);
    CHECK(scan != NULL);
    unsigned long long own = (unsigned long long)(uintptr_t)scan, own_end = own + CHUNK + SEARCHED;
    FILE *maps = fopen("/proc/self/maps", "r");
    int mem = open("/proc/self/mem", O_RDONLY);
    CHECK(maps != NULL && mem >= 0);
    unsigned char first = (unsigned char)(m->tail[0] ^ MASK);
    int found = 0;
    char line[512];
    while (maps && fgets(line, sizeof line, maps)) {
        unsigned long long start, end;
        char perms[8] = "", name[256] = "";
        if (sscanf(line, "%llx-%llx %7s %*s %*s %*s %255s", &start, &end, perms, name) < 3) continue;
        if (perms[0] != 'r' || strncmp(name, "[v", 2) == 0 || end - start > MAX_REGION) continue;
        for (unsigned long long at = start; at < end; at += CHUNK) {
            size_t step = end - at < CHUNK ? (size_t)(end - at) : CHUNK;
            size_t want = step + SEARCHED - 1;
            if (want > end - at) want = (size_t)(end - at);
            ssize_t got = pread(mem, scan, want, (off_t)at);
            if (got <= 0) continue;
            size_t limit = step < (size_t)got ? step : (size_t)got;
            for (unsigned char *p = scan; (p = memchr(p, first, limit - (size_t)(p - scan)));) {
                size_t i = (size_t)(p - scan);
                unsigned long long addr = at + i;
                int whole = i + SEARCHED <= (size_t)got;
                for (size_t j = 1; whole && j < SEARCHED; j++) whole = (p[j] ^ MASK) == m->tail[j];
                if (whole && !(addr + SEARCHED > own && addr < own_end)) found++;
                if (++p >= scan + limit) break;
            }
        }
    }
    if (maps) fclose(maps);
    if (mem >= 0) close(mem);
    return found;
}

struct worker {
    const ddorg_client *client;
    int failures; /* checked by the main thread: CHECK is not thread-safe */
};

static void *calls(void *arg) {
    struct worker *w = arg;
    for (int i = 0; i < CALLS_PER_THREAD; i++) {
        ddorg_org_response *r = NULL;
        ddorg_error *err = NULL;
        if (ddorg_get_org(w->client, "abcdef12345", &r, &err) != DDORG_OK) {
            if (w->failures++ == 0) fprintf(stderr, "  get_org: %s\n", ddorg_error_message(err));
        }
        ddorg_org_response_free(r);
        ddorg_error_free(err);
    }
    return NULL;
}

/* The whole life of a client for `base_url` (with `ca_file` trusted, if not NULL). */
static void one_copy_while_alive_none_after(const char *base_url, const char *ca_file) {
    char *api = malloc(KEY_LEN + 1), *app = malloc(KEY_LEN + 1);
    CHECK(api != NULL && app != NULL);
    struct masked_key api_m, app_m;
    random_key("api-", api, &api_m);
    random_key("app-", app, &app_m);
    CHECK_INT(copies_in_memory(&api_m), 1); /* the program's own, about to be wiped */

    ddorg_options *opts = ddorg_options_new();
    CHECK_STATUS(ddorg_options_set_api_key(opts, api, NULL), DDORG_OK);
    CHECK_STATUS(ddorg_options_set_app_key(opts, app, NULL), DDORG_OK);
    wipe(api, KEY_LEN);
    wipe(app, KEY_LEN);
    free(api);
    free(app);
    CHECK_STATUS(ddorg_options_set_base_url(opts, base_url, NULL), DDORG_OK);
    CHECK_STATUS(ddorg_options_set_max_retries(opts, 0, NULL), DDORG_OK);
    if (ca_file) CHECK_STATUS(ddorg_options_set_ca_bundle(opts, ca_file, NULL), DDORG_OK);
    CHECK_INT(copies_in_memory(&api_m), 1); /* the options' */

    ddorg_client *client = NULL;
    ddorg_error *err = NULL;
    if (!CHECK_STATUS(ddorg_client_new(opts, &client, &err), DDORG_OK)) {
        fprintf(stderr, "  ddorg_client_new: %s\n", ddorg_error_message(err));
        ddorg_error_free(err);
        ddorg_options_free(opts);
        return;
    }
    CHECK_INT(copies_in_memory(&api_m), 2); /* the options' and the client's */
    ddorg_options_free(opts);
    CHECK_INT(copies_in_memory(&api_m), 1);
    CHECK_INT(copies_in_memory(&app_m), 1);

    pthread_t threads[THREADS];
    struct worker workers[THREADS];
    for (int i = 0; i < THREADS; i++) {
        workers[i] = (struct worker){client, 0};
        CHECK_INT(pthread_create(&threads[i], NULL, calls, &workers[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(threads[i], NULL);
        CHECK_INT(workers[i].failures, 0);
    }
    CHECK_INT(copies_in_memory(&api_m), 1); /* the connections' buffers hold no copy */
    CHECK_INT(copies_in_memory(&app_m), 1);

    ddorg_client_free(client);
    CHECK_INT(copies_in_memory(&api_m), 0);
    CHECK_INT(copies_in_memory(&app_m), 0);
}

int main(void) {
    unsetenv("DD_API_KEY");
    unsetenv("DD_APP_KEY");
    fake_reset();
    scenario("32 threads over HTTP: one copy of each key while the client lives, none after");
    one_copy_while_alive_none_after(fake_url(), NULL);

    scenario("32 threads over TLS: no plaintext request left behind either");
    char url[128], ca_file[512];
    if (CHECK(fake_tls_listener(url, sizeof url, ca_file, sizeof ca_file))) {
        one_copy_while_alive_none_after(url, ca_file);
        unlink(ca_file);
    }
    fake_reset();
    return finish("test_keys");
}
