/* The resident set size of this process, for the C soak and benchmark programs. */
#ifndef DDORG_TESTS_RSS_H
#define DDORG_TESTS_RSS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* VmRSS from /proc/self/status, in KiB; 0 where there is no procfs. */
static long rss_kib(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = 0;
    if (!f) return 0;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "VmRSS:", 6) == 0) {
            kib = strtol(line + 6, NULL, 10);
            break;
        }
    }
    fclose(f);
    return kib;
}

#endif
