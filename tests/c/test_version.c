/* The header's version macros agree with the library's version at run time, so a program can
 * tell at build time which API it compiles against and at run time which library it loaded. */
#include "support.h"

#include <stdio.h>
#include <string.h>

int main(void) {
    scenario("DDORG_VERSION_STRING is the library's ddorg_version()");
    CHECK_STR(ddorg_version(), DDORG_VERSION_STRING);

    scenario("DDORG_VERSION_MAJOR.MINOR.PATCH spell DDORG_VERSION_STRING");
    char composed[64];
    snprintf(composed, sizeof composed, "%d.%d.%d", DDORG_VERSION_MAJOR, DDORG_VERSION_MINOR,
             DDORG_VERSION_PATCH);
    CHECK_STR(composed, DDORG_VERSION_STRING);

    return finish("test_version");
}
