/* Building clients through the C API: options, the environment, and every configuration error
 * (missing keys, bad site, unsafe base URL, bad timeouts, user agent, proxy). */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void clear_env(void) {
    unsetenv("DD_API_KEY");
    unsetenv("DD_APP_KEY");
    unsetenv("DD_SITE");
    unsetenv("DDORG_BASE_URL");
}

/* ddorg_client_new expecting a configuration error; returns the error (caller frees). */
static ddorg_error *config_error(const ddorg_options *opts) {
    ddorg_client *client = (ddorg_client *)&client;
    ddorg_error *err = NULL;
    CHECK_STATUS(ddorg_client_new(opts, &client, &err), DDORG_ERR_CONFIG);
    CHECK_NULL(client);
    CHECK(err != NULL);
    CHECK_STATUS(ddorg_error_status(err), DDORG_ERR_CONFIG);
    CHECK_STR(ddorg_error_kind_name(err), "config");
    CHECK_INT(ddorg_error_http_status(err), 0);
    CHECK_INT(ddorg_error_attempts(err), 0);
    CHECK_INT(ddorg_error_errors_len(err), 0);
    return err;
}

static void missing_keys(void) {
    scenario("without an API key, ddorg_client_new is a config error naming DD_API_KEY");
    clear_env();
    ddorg_options *opts = ddorg_options_new();
    CHECK_STATUS(ddorg_options_set_app_key(opts, TEST_APP_KEY, NULL), DDORG_OK);
    CHECK_STATUS(ddorg_options_set_base_url(opts, fake_url(), NULL), DDORG_OK);
    ddorg_error *err = config_error(opts);
    CHECK_CONTAINS(ddorg_error_message(err), "DD_API_KEY");
    CHECK_NOT_CONTAINS(ddorg_error_message(err), TEST_APP_KEY);
    ddorg_error_free(err);
    ddorg_options_free(opts);

    scenario("without an application key, a config error naming DD_APP_KEY");
    opts = ddorg_options_new();
    CHECK_STATUS(ddorg_options_set_api_key(opts, TEST_API_KEY, NULL), DDORG_OK);
    err = config_error(opts);
    CHECK_CONTAINS(ddorg_error_message(err), "DD_APP_KEY");
    CHECK_NOT_CONTAINS(ddorg_error_message(err), TEST_API_KEY);
    ddorg_error_free(err);
    ddorg_options_free(opts);

    scenario("NULL options and an empty environment: a config error");
    err = config_error(NULL);
    CHECK_CONTAINS(ddorg_error_message(err), "DD_API_KEY");
    ddorg_error_free(err);

    scenario("keys with a control character or non-ASCII are refused without being shown");
    const char *bad_keys[] = {"sekrit\r\nX-Evil: 1", "   ", "", "cl\xc3\xa9-sekrit"};
    for (size_t i = 0; i < sizeof bad_keys / sizeof bad_keys[0]; i++) {
        opts = test_options();
        CHECK_STATUS(ddorg_options_set_api_key(opts, bad_keys[i], NULL), DDORG_OK);
        err = config_error(opts);
        CHECK_NOT_CONTAINS(ddorg_error_message(err), "sekrit");
        CHECK_NOT_CONTAINS(ddorg_error_message(err), "X-Evil");
        ddorg_error_free(err);
        ddorg_options_free(opts);
    }
}

static void from_environment(void) {
    scenario("NULL options: keys, site and base URL come from the environment");
    clear_env();
    setenv("DD_API_KEY", TEST_API_KEY, 1);
    setenv("DD_APP_KEY", TEST_APP_KEY, 1);
    setenv("DDORG_BASE_URL", fake_url(), 1);
    fake_reset();
    CHECK_INT(fake_post("/_fake/require_keys",
                        "{\"api_key\":\"" TEST_API_KEY "\",\"app_key\":\"" TEST_APP_KEY "\"}"),
              204);
    ddorg_client *client = NULL;
    ddorg_error *err = NULL;
    CHECK_STATUS(ddorg_client_new(NULL, &client, &err), DDORG_OK);
    CHECK_NULL(err);
    CHECK_STR(ddorg_client_base_url(client), fake_url());
    ddorg_org_response *r = NULL;
    CHECK_STATUS(ddorg_get_org(client, "abcdef12345", &r, &err), DDORG_OK);
    CHECK_STR(ddorg_org_response_name(r), "New child org");
    ddorg_org_response_free(r);
    ddorg_client_free(client);

    scenario("options win over the environment; the environment fills in the rest");
    ddorg_options *opts = ddorg_options_new();
    CHECK_STATUS(ddorg_options_set_api_key(opts, "wrong-api-key", NULL), DDORG_OK);
    CHECK_STATUS(ddorg_client_new(opts, &client, &err), DDORG_OK);
    CHECK_STR(ddorg_client_base_url(client), fake_url());
    CHECK_STATUS(ddorg_get_org(client, "abcdef12345", &r, &err), DDORG_ERR_FORBIDDEN);
    CHECK_INT(ddorg_error_http_status(err), 403);
    CHECK_NOT_CONTAINS(ddorg_error_message(err), "wrong-api-key");
    ddorg_error_free(err);
    ddorg_client_free(client);
    ddorg_options_free(opts);

    scenario("DD_SITE picks the API host when no base URL is set");
    unsetenv("DDORG_BASE_URL");
    setenv("DD_SITE", "datadoghq.eu", 1);
    CHECK_STATUS(ddorg_client_new(NULL, &client, NULL), DDORG_OK);
    CHECK_STR(ddorg_client_base_url(client), "https://api.datadoghq.eu");
    ddorg_client_free(client);

    scenario("an unknown DD_SITE is a config error naming the variable");
    setenv("DD_SITE", "datadoghq.moon", 1);
    err = config_error(NULL);
    CHECK_CONTAINS(ddorg_error_message(err), "DD_SITE");
    CHECK_CONTAINS(ddorg_error_message(err), "datadoghq.moon");
    ddorg_error_free(err);

    scenario("a site set in the options overrides an unknown DD_SITE");
    opts = ddorg_options_new();
    CHECK_STATUS(ddorg_options_set_site(opts, "us5.datadoghq.com", NULL), DDORG_OK);
    CHECK_STATUS(ddorg_client_new(opts, &client, &err), DDORG_OK);
    CHECK_STR(ddorg_client_base_url(client), "https://api.us5.datadoghq.com");
    ddorg_client_free(client);
    ddorg_options_free(opts);
    clear_env();
}

static void sites(void) {
    scenario("every documented site maps to its api. host; an unknown one fails at the setter");
    const char *sites[][2] = {
        {"datadoghq.com", "https://api.datadoghq.com"},
        {"us3.datadoghq.com", "https://api.us3.datadoghq.com"},
        {"us5.datadoghq.com", "https://api.us5.datadoghq.com"},
        {"ap1.datadoghq.com", "https://api.ap1.datadoghq.com"},
        {"ap2.datadoghq.com", "https://api.ap2.datadoghq.com"},
        {"uk1.datadoghq.com", "https://api.uk1.datadoghq.com"},
        {"datadoghq.eu", "https://api.datadoghq.eu"},
        {"ddog-gov.com", "https://api.ddog-gov.com"},
        {"us2.ddog-gov.com", "https://api.us2.ddog-gov.com"},
        {"https://app.datadoghq.eu/", "https://api.datadoghq.eu"},
    };
    for (size_t i = 0; i < sizeof sites / sizeof sites[0]; i++) {
        ddorg_options *opts = ddorg_options_new();
        CHECK_STATUS(ddorg_options_set_api_key(opts, TEST_API_KEY, NULL), DDORG_OK);
        CHECK_STATUS(ddorg_options_set_app_key(opts, TEST_APP_KEY, NULL), DDORG_OK);
        CHECK_STATUS(ddorg_options_set_site(opts, sites[i][0], NULL), DDORG_OK);
        ddorg_client *client = NULL;
        CHECK_STATUS(ddorg_client_new(opts, &client, NULL), DDORG_OK);
        CHECK_STR(ddorg_client_base_url(client), sites[i][1]);
        ddorg_client_free(client);
        ddorg_options_free(opts);
    }
    ddorg_options *opts = ddorg_options_new();
    ddorg_error *err = NULL;
    CHECK_STATUS(ddorg_options_set_site(opts, "datadoghq.moon", &err), DDORG_ERR_CONFIG);
    CHECK_STATUS(ddorg_error_status(err), DDORG_ERR_CONFIG);
    CHECK_CONTAINS(ddorg_error_message(err), "datadoghq.moon");
    CHECK_CONTAINS(ddorg_error_message(err), "us5.datadoghq.com");
    ddorg_error_free(err);

    scenario("a base URL wins over the site");
    CHECK_STATUS(ddorg_options_set_site(opts, "datadoghq.eu", NULL), DDORG_OK);
    CHECK_STATUS(ddorg_options_set_base_url(opts, "https://dd-proxy.example.com/datadog/", NULL),
                 DDORG_OK);
    CHECK_STATUS(ddorg_options_set_api_key(opts, TEST_API_KEY, NULL), DDORG_OK);
    CHECK_STATUS(ddorg_options_set_app_key(opts, TEST_APP_KEY, NULL), DDORG_OK);
    ddorg_client *client = NULL;
    CHECK_STATUS(ddorg_client_new(opts, &client, NULL), DDORG_OK);
    CHECK_STR(ddorg_client_base_url(client), "https://dd-proxy.example.com/datadog");
    ddorg_client_free(client);
    ddorg_options_free(opts);
}

static void unsafe_base_urls(void) {
    scenario("plain http to a non-loopback host, credentials, queries: config errors");
    const char *bad[] = {
        "http://example.com",          "http://10.0.0.1:8080", "http://localhost.evil.com",
        "https://bob:hunter2@api.datadoghq.com", "ftp://example.com", "api.datadoghq.com",
        "https://a.example.com/?x=1",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ddorg_options *opts = test_options();
        CHECK_STATUS(ddorg_options_set_base_url(opts, bad[i], NULL), DDORG_OK);
        ddorg_error *err = config_error(opts);
        CHECK_CONTAINS(ddorg_error_message(err), "base URL");
        CHECK_NOT_CONTAINS(ddorg_error_message(err), "hunter2");
        ddorg_error_free(err);
        ddorg_options_free(opts);
    }

    scenario("plain http to loopback hosts is allowed (for test servers)");
    const char *ok[] = {"http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:9"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        ddorg_options *opts = test_options();
        CHECK_STATUS(ddorg_options_set_base_url(opts, ok[i], NULL), DDORG_OK);
        ddorg_client *client = NULL;
        CHECK_STATUS(ddorg_client_new(opts, &client, NULL), DDORG_OK);
        CHECK_STR(ddorg_client_base_url(client), ok[i]);
        ddorg_client_free(client);
        ddorg_options_free(opts);
    }
}

static void timeouts_and_sizes(void) {
    scenario("setters take any timeout; ddorg_client_new refuses 0 ms and over 365 days");
    ddorg_options *opts = test_options();
    ddorg_error *err = NULL;
    CHECK_STATUS(ddorg_options_set_timeout_ms(opts, 0, NULL), DDORG_OK);
    err = config_error(opts);
    CHECK_CONTAINS(ddorg_error_message(err), "the timeout must be more than 0 and at most 365 days");
    ddorg_error_free(err);
    CHECK_STATUS(ddorg_options_set_timeout_ms(opts, UINT64_MAX, NULL), DDORG_OK);
    ddorg_error_free(config_error(opts));
    CHECK_STATUS(ddorg_options_set_timeout_ms(opts, 10000, NULL), DDORG_OK);
    CHECK_STATUS(ddorg_options_set_connect_timeout_ms(opts, 0, NULL), DDORG_OK);
    err = config_error(opts);
    CHECK_CONTAINS(ddorg_error_message(err), "the connect timeout must be more than 0");
    ddorg_error_free(err);
    CHECK_STATUS(ddorg_options_set_connect_timeout_ms(opts, UINT64_MAX, NULL), DDORG_OK);
    ddorg_error_free(config_error(opts));

    scenario("a zero body cap is a config error at ddorg_client_new");
    CHECK_STATUS(ddorg_options_set_connect_timeout_ms(opts, 1000, NULL), DDORG_OK);
    CHECK_STATUS(ddorg_options_set_max_body_size(opts, 0, NULL), DDORG_OK);
    err = config_error(opts);
    CHECK_CONTAINS(ddorg_error_message(err), "the max body size must be at least 1 byte");
    ddorg_error_free(err);

    scenario("the largest accepted values build a working client");
    CHECK_STATUS(ddorg_options_set_connect_timeout_ms(opts, 1, NULL), DDORG_OK);
    CHECK_STATUS(ddorg_options_set_max_retries(opts, UINT32_MAX, NULL), DDORG_OK);
    CHECK_STATUS(ddorg_options_set_timeout_ms(opts, 31536000000ULL, NULL), DDORG_OK);
    CHECK_STATUS(ddorg_options_set_connect_timeout_ms(opts, 31536000000ULL, NULL), DDORG_OK);
    CHECK_STATUS(ddorg_options_set_max_body_size(opts, UINT64_MAX, NULL), DDORG_OK);
    /* Bounded, so that a dead fake fails this test instead of retrying for a year. */
    CHECK_STATUS(ddorg_options_set_max_retries(opts, 0, NULL), DDORG_OK);
    ddorg_client *client = NULL;
    CHECK_STATUS(ddorg_client_new(opts, &client, NULL), DDORG_OK);
    fake_reset();
    ddorg_org_response *r = NULL;
    CHECK_STATUS(ddorg_get_org(client, "abcdef12345", &r, NULL), DDORG_OK);
    CHECK_STR(ddorg_org_response_name(r), "New child org");
    ddorg_org_response_free(r);
    ddorg_client_free(client);
    ddorg_options_free(opts);
}

static void user_agent(void) {
    char want[64];
    snprintf(want, sizeof want, "ddorg-c/%s", ddorg_version());

    scenario("the user agent is ddorg-c/<version>, on the client and on the wire");
    fake_reset();
    ddorg_client *client = test_client(0, 10000);
    CHECK_STR(ddorg_client_user_agent(client), want);
    ddorg_salesforce_orgs *l = NULL;
    CHECK_STATUS(ddorg_list_salesforce_orgs(client, &l, NULL), DDORG_OK);
    ddorg_salesforce_orgs_free(l);
    ddorg_client_free(client);
    char *log = fake_get("/_fake/requests");
    char header[96];
    snprintf(header, sizeof header, "[\"user-agent\",\"%s\"]", want);
    CHECK_CONTAINS(log, header);
    free(log);

    scenario("append_user_agent adds product tokens to the default, one per call");
    ddorg_options *opts = test_options();
    CHECK_STATUS(ddorg_options_append_user_agent(opts, "first/1", NULL), DDORG_OK);
    CHECK_STATUS(ddorg_options_append_user_agent(opts, "", NULL), DDORG_OK);
    CHECK_STATUS(ddorg_options_append_user_agent(opts, "myapp/1.2", NULL), DDORG_OK);
    CHECK_STATUS(ddorg_client_new(opts, &client, NULL), DDORG_OK);
    strcat(want, " first/1 myapp/1.2");
    CHECK_STR(ddorg_client_user_agent(client), want);
    ddorg_client_free(client);

    scenario("set_user_agent replaces the whole user agent, tokens appended before included");
    CHECK_STATUS(ddorg_options_set_user_agent(opts, "other/3", NULL), DDORG_OK);
    CHECK_STATUS(ddorg_options_append_user_agent(opts, "ci/7", NULL), DDORG_OK);
    CHECK_STATUS(ddorg_client_new(opts, &client, NULL), DDORG_OK);
    CHECK_STR(ddorg_client_user_agent(client), "other/3 ci/7");
    ddorg_client_free(client);

    scenario("a user agent with a control character is a config error");
    CHECK_STATUS(ddorg_options_set_user_agent(opts, "bad\r\nX-Evil: 1", NULL), DDORG_OK);
    ddorg_error *err = config_error(opts);
    CHECK_CONTAINS(ddorg_error_message(err), "user agent");
    ddorg_error_free(err);
    ddorg_options_free(opts);
}

static void proxies(void) {
    scenario("an invalid proxy URL is a config error; no_proxy and a valid proxy build");
    ddorg_options *opts = test_options();
    CHECK_STATUS(ddorg_options_set_base_url(opts, "https://api.datadoghq.com", NULL), DDORG_OK);
    CHECK_STATUS(ddorg_options_set_proxy(opts, "gopher://nope", NULL), DDORG_OK);
    ddorg_error *err = config_error(opts);
    CHECK_CONTAINS(ddorg_error_message(err), "proxy");
    ddorg_error_free(err);
    CHECK_STATUS(ddorg_options_set_proxy(opts, "http://proxy.example.com:3128", NULL), DDORG_OK);
    ddorg_client *client = NULL;
    CHECK_STATUS(ddorg_client_new(opts, &client, NULL), DDORG_OK);
    ddorg_client_free(client);
    CHECK_STATUS(ddorg_options_set_no_proxy(opts, NULL), DDORG_OK);
    CHECK_STATUS(ddorg_client_new(opts, &client, NULL), DDORG_OK);
    ddorg_client_free(client);
    ddorg_options_free(opts);
}

static void options_are_copied(void) {
    scenario("options may be freed right after ddorg_client_new and reused for more clients");
    ddorg_options *opts = test_options();
    ddorg_client *a = NULL, *b = NULL;
    CHECK_STATUS(ddorg_client_new(opts, &a, NULL), DDORG_OK);
    CHECK_STATUS(ddorg_options_set_user_agent(opts, "second/2", NULL), DDORG_OK);
    CHECK_STATUS(ddorg_client_new(opts, &b, NULL), DDORG_OK);
    ddorg_options_free(opts);
    CHECK_NOT_CONTAINS(ddorg_client_user_agent(a), "second/2");
    CHECK_CONTAINS(ddorg_client_user_agent(b), "second/2");
    fake_reset();
    ddorg_org_response *r = NULL;
    CHECK_STATUS(ddorg_get_org(a, "abcdef12345", &r, NULL), DDORG_OK);
    ddorg_org_response_free(r);
    CHECK_STATUS(ddorg_get_org(b, "abcdef12345", &r, NULL), DDORG_OK);
    ddorg_org_response_free(r);
    ddorg_client_free(a);
    ddorg_client_free(b);
}

int main(void) {
    fake_url();
    missing_keys();
    from_environment();
    sites();
    unsafe_base_urls();
    timeouts_and_sizes();
    user_agent();
    proxies();
    options_are_copied();
    return finish("test_config");
}
