/* GET /api/v1/org/{public_id} through the C API: every field, absent and null fields, unknown
 * fields kept by to_json, NUL bytes, UTF-8, rate limits on success, what goes on the wire. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static ddorg_org_response *get_org(ddorg_client *client, const char *id) {
    ddorg_org_response *r = NULL;
    ddorg_error *err = NULL;
    ddorg_status st = ddorg_get_org(client, id, &r, &err);
    if (!CHECK_STATUS(st, DDORG_OK)) {
        fprintf(stderr, "  ddorg_get_org(%s): %s\n", id, ddorg_error_message(err));
    }
    CHECK_NULL(err);
    ddorg_error_free(err);
    return r;
}

static void example_org_has_every_documented_field(ddorg_client *client) {
    scenario("get_org returns every documented field of Datadog's example organization");
    fake_reset();
    ddorg_org_response *r = get_org(client, "abcdef12345");
    CHECK(r != NULL);
    CHECK_STR(ddorg_org_response_name(r), "New child org");
    CHECK_STR(ddorg_org_response_public_id(r), "abcdef12345");
    CHECK_STR(ddorg_org_response_created(r), "2019-09-26T17:28:28Z");
    CHECK_STR(ddorg_org_response_description(r), "some description");
    CHECK_INT(ddorg_org_response_trial(r), 0);
    CHECK_STR(ddorg_org_response_billing_type(r), "string");
    CHECK_STR(ddorg_org_response_subscription_type(r), "string");
    CHECK_INT(ddorg_org_response_private_widget_share(r), 0);
    CHECK_INT(ddorg_org_response_saml_enabled(r), 0);
    CHECK_STR(ddorg_org_response_saml_autocreate_access_role(r), "ro");
    CHECK_INT(ddorg_org_response_saml_autocreate_users_domains_enabled(r), 0);
    CHECK_INT(ddorg_org_response_saml_autocreate_users_domains_len(r), 1);
    CHECK_STR(ddorg_org_response_saml_autocreate_users_domains_get(r, 0), "example.com");
    CHECK_NULL(ddorg_org_response_saml_autocreate_users_domains_get(r, 1));
    CHECK_NULL(ddorg_org_response_saml_autocreate_users_domains_get(r, SIZE_MAX));
    CHECK_INT(ddorg_org_response_saml_can_be_enabled(r), 0);
    CHECK_STR(ddorg_org_response_saml_idp_endpoint(r), "https://my.saml.endpoint");
    CHECK_INT(ddorg_org_response_saml_idp_initiated_login_enabled(r), 0);
    CHECK_INT(ddorg_org_response_saml_idp_metadata_uploaded(r), 0);
    CHECK_STR(ddorg_org_response_saml_login_url(r), "https://my.saml.login.url");
    CHECK_INT(ddorg_org_response_saml_strict_mode_enabled(r), 0);
    CHECK_INT(ddorg_org_response_http_status(r), 200);
    CHECK_INT(ddorg_org_response_attempts(r), 1);

    /* Borrowed strings are the same pointer every time and outlive other calls. */
    const char *name = ddorg_org_response_name(r);
    CHECK(name == ddorg_org_response_name(r));
    ddorg_org_response *other = get_org(client, "abcdef12345"); /* a second response */
    ddorg_org_response_free(other);
    CHECK_STR(name, "New child org");
    ddorg_org_response_free(r);
}

static void rate_limit_is_kept_on_success(ddorg_client *client) {
    scenario("a successful get_org exposes the x-ratelimit-* headers");
    fake_reset();
    ddorg_org_response *r = get_org(client, "abcdef12345");
    ddorg_rate_limit rl;
    CHECK_INT(ddorg_org_response_rate_limit(r, &rl), 1);
    CHECK_INT(rl.limit, 1000);
    CHECK_INT(rl.period, 60);
    CHECK_INT(rl.remaining, 999);
    CHECK_INT(rl.reset, 42);
    CHECK_STR(rl.name, "org_get");
    CHECK_INT(ddorg_org_response_rate_limit(r, NULL), -1);
    ddorg_org_response_free(r);

    scenario("a response without rate-limit headers reports 0 and -1/NULL fields");
    fake_enqueue("{\"status\":200,\"json\":{\"org\":{\"name\":\"quiet\"}}}");
    r = get_org(client, "quiet");
    rl.limit = 5;
    CHECK_INT(ddorg_org_response_rate_limit(r, &rl), 0);
    CHECK_INT(rl.limit, -1);
    CHECK_INT(rl.period, -1);
    CHECK_INT(rl.remaining, -1);
    CHECK_INT(rl.reset, -1);
    CHECK_NULL(rl.name);
    ddorg_org_response_free(r);

    scenario("a partial rate limit: a garbage number reads as -1, the others are kept");
    fake_enqueue("{\"json\":{\"org\":{}},\"headers\":{\"x-ratelimit-remaining\":\"soon\","
                 "\"x-ratelimit-limit\":\"18446744073709551615\",\"x-ratelimit-name\":\"n\"}}");
    r = get_org(client, "partial");
    CHECK_INT(ddorg_org_response_rate_limit(r, &rl), 1);
    CHECK_INT(rl.remaining, -1);
    CHECK_INT(rl.limit, INT64_MAX);
    CHECK_STR(rl.name, "n");
    ddorg_org_response_free(r);
}

static void true_values_and_other_roles(ddorg_client *client) {
    scenario("true booleans, the admin role and several domains read back exactly");
    fake_reset();
    CHECK_INT(fake_post("/_fake/org/all-true",
                        "{\"json\":{\"org\":{\"name\":\"Truthy\",\"public_id\":\"all-true\","
                        "\"trial\":true,\"settings\":{\"private_widget_share\":true,"
                        "\"saml\":{\"enabled\":true},\"saml_autocreate_access_role\":\"adm\","
                        "\"saml_autocreate_users_domains\":{\"domains\":[\"a.com\",\"b.org\","
                        "\"c.net\"],\"enabled\":true},\"saml_can_be_enabled\":true,"
                        "\"saml_idp_initiated_login\":{\"enabled\":true},"
                        "\"saml_idp_metadata_uploaded\":true,"
                        "\"saml_strict_mode\":{\"enabled\":true}}}}}"),
              204);
    ddorg_org_response *r = get_org(client, "all-true");
    CHECK_STR(ddorg_org_response_name(r), "Truthy");
    CHECK_INT(ddorg_org_response_trial(r), 1);
    CHECK_INT(ddorg_org_response_private_widget_share(r), 1);
    CHECK_INT(ddorg_org_response_saml_enabled(r), 1);
    CHECK_STR(ddorg_org_response_saml_autocreate_access_role(r), "adm");
    CHECK_INT(ddorg_org_response_saml_autocreate_users_domains_enabled(r), 1);
    CHECK_INT(ddorg_org_response_saml_autocreate_users_domains_len(r), 3);
    CHECK_STR(ddorg_org_response_saml_autocreate_users_domains_get(r, 0), "a.com");
    CHECK_STR(ddorg_org_response_saml_autocreate_users_domains_get(r, 2), "c.net");
    CHECK_NULL(ddorg_org_response_saml_autocreate_users_domains_get(r, 3));
    CHECK_INT(ddorg_org_response_saml_can_be_enabled(r), 1);
    CHECK_INT(ddorg_org_response_saml_idp_initiated_login_enabled(r), 1);
    CHECK_INT(ddorg_org_response_saml_idp_metadata_uploaded(r), 1);
    CHECK_INT(ddorg_org_response_saml_strict_mode_enabled(r), 1);
    CHECK_NULL(ddorg_org_response_description(r));
    CHECK_NULL(ddorg_org_response_billing_type(r));
    ddorg_org_response_free(r);
}

static void check_everything_absent(const ddorg_org_response *r) {
    CHECK(r != NULL);
    CHECK_NULL(ddorg_org_response_name(r));
    CHECK_NULL(ddorg_org_response_public_id(r));
    CHECK_NULL(ddorg_org_response_created(r));
    CHECK_NULL(ddorg_org_response_description(r));
    CHECK_INT(ddorg_org_response_trial(r), -1);
    CHECK_NULL(ddorg_org_response_billing_type(r));
    CHECK_NULL(ddorg_org_response_subscription_type(r));
    CHECK_INT(ddorg_org_response_private_widget_share(r), -1);
    CHECK_INT(ddorg_org_response_saml_enabled(r), -1);
    CHECK_NULL(ddorg_org_response_saml_autocreate_access_role(r));
    CHECK_INT(ddorg_org_response_saml_autocreate_users_domains_enabled(r), -1);
    CHECK_INT(ddorg_org_response_saml_autocreate_users_domains_len(r), 0);
    CHECK_NULL(ddorg_org_response_saml_autocreate_users_domains_get(r, 0));
    CHECK_INT(ddorg_org_response_saml_can_be_enabled(r), -1);
    CHECK_NULL(ddorg_org_response_saml_idp_endpoint(r));
    CHECK_INT(ddorg_org_response_saml_idp_initiated_login_enabled(r), -1);
    CHECK_INT(ddorg_org_response_saml_idp_metadata_uploaded(r), -1);
    CHECK_NULL(ddorg_org_response_saml_login_url(r));
    CHECK_INT(ddorg_org_response_saml_strict_mode_enabled(r), -1);
}

static void absent_and_null_fields(ddorg_client *client) {
    scenario("a body without org: every getter reports absent (NULL, -1, 0)");
    fake_reset();
    fake_enqueue("{\"json\":{}}");
    ddorg_org_response *r = get_org(client, "empty");
    check_everything_absent(r);
    char *json = ddorg_org_response_to_json(r);
    CHECK_STR(json, "{}");
    ddorg_string_free(json);
    ddorg_org_response_free(r);

    scenario("an org whose objects are empty: every getter reports absent");
    fake_enqueue("{\"json\":{\"org\":{\"billing\":{},\"subscription\":{},\"settings\":{"
                 "\"saml\":{},\"saml_autocreate_users_domains\":{},"
                 "\"saml_idp_initiated_login\":{},\"saml_strict_mode\":{}}}}}");
    r = get_org(client, "hollow");
    check_everything_absent(r);
    ddorg_org_response_free(r);

    scenario("JSON nulls read as absent, including the documented null access role");
    fake_enqueue("{\"json\":{\"org\":{\"name\":null,\"public_id\":null,\"trial\":null,"
                 "\"billing\":null,\"settings\":{\"saml_autocreate_access_role\":null,"
                 "\"saml\":{\"enabled\":null},\"saml_autocreate_users_domains\":{"
                 "\"domains\":null,\"enabled\":null}}}}}");
    r = get_org(client, "nulls");
    check_everything_absent(r);
    ddorg_org_response_free(r);
}

static void to_json_keeps_unknown_fields(ddorg_client *client) {
    scenario("to_json keeps fields and enum values this version does not know");
    fake_reset();
    fake_enqueue("{\"json\":{\"org\":{\"name\":\"Future\",\"future_org_field\":{\"x\":[1,2]},"
                 "\"settings\":{\"saml_autocreate_access_role\":\"superuser\","
                 "\"future_setting\":true,\"saml\":{\"enabled\":true,\"mode\":\"strict\"}}},"
                 "\"meta\":{\"page\":1}}}");
    ddorg_org_response *r = get_org(client, "future");
    CHECK_STR(ddorg_org_response_name(r), "Future");
    CHECK_STR(ddorg_org_response_saml_autocreate_access_role(r), "superuser");
    char *json = ddorg_org_response_to_json(r);
    CHECK_CONTAINS(json, "\"future_org_field\":{\"x\":[1,2]}");
    CHECK_CONTAINS(json, "\"future_setting\":true");
    CHECK_CONTAINS(json, "\"mode\":\"strict\"");
    CHECK_CONTAINS(json, "\"meta\":{\"page\":1}");
    CHECK_CONTAINS(json, "\"saml_autocreate_access_role\":\"superuser\"");
    CHECK_CONTAINS(json, "\"name\":\"Future\"");
    /* Each call returns a new owned string. */
    char *again = ddorg_org_response_to_json(r);
    CHECK(again != json);
    CHECK_STR(again, json);
    ddorg_string_free(again);
    ddorg_string_free(json);
    ddorg_org_response_free(r);

    scenario("to_json of the example round-trips every documented field");
    r = get_org(client, "abcdef12345");
    json = ddorg_org_response_to_json(r);
    CHECK_CONTAINS(json, "\"name\":\"New child org\"");
    CHECK_CONTAINS(json, "\"saml_autocreate_users_domains\":{\"domains\":[\"example.com\"],"
                         "\"enabled\":false}");
    CHECK_CONTAINS(json, "\"saml_login_url\":\"https://my.saml.login.url\"");
    CHECK_CONTAINS(json, "\"billing\":{\"type\":\"string\"}");
    CHECK_CONTAINS(json, "\"trial\":false");
    ddorg_string_free(json);
    ddorg_org_response_free(r);
}

static void nul_bytes_and_utf8(ddorg_client *client) {
    scenario("a field holding a NUL byte reads as NULL (never truncated); to_json keeps it");
    fake_reset();
    fake_enqueue("{\"json\":{\"org\":{\"name\":\"evil\\u0000name\",\"public_id\":\"ok-id\","
                 "\"settings\":{\"saml_autocreate_users_domains\":{\"domains\":[\"a.com\","
                 "\"b\\u0000.com\"]}}}}}");
    ddorg_org_response *r = get_org(client, "ok-id");
    CHECK_NULL(ddorg_org_response_name(r));
    CHECK_STR(ddorg_org_response_public_id(r), "ok-id");
    CHECK_INT(ddorg_org_response_saml_autocreate_users_domains_len(r), 2);
    CHECK_STR(ddorg_org_response_saml_autocreate_users_domains_get(r, 0), "a.com");
    CHECK_NULL(ddorg_org_response_saml_autocreate_users_domains_get(r, 1));
    char *json = ddorg_org_response_to_json(r);
    CHECK_CONTAINS(json, "\"name\":\"evil\\u0000name\"");
    ddorg_string_free(json);
    ddorg_org_response_free(r);

    scenario("non-ASCII UTF-8 names come back byte for byte");
    fake_enqueue("{\"json\":{\"org\":{\"name\":\"Soci\xc3\xa9t\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac "
                 "\xf0\x9f\x90\xb6\"}}}");
    r = get_org(client, "utf8");
    CHECK_STR(ddorg_org_response_name(r),
              "Soci\xc3\xa9t\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x90\xb6");
    ddorg_org_response_free(r);
}

static void what_goes_on_the_wire(ddorg_client *client) {
    scenario("public_id is one percent-encoded path segment; keys and user agent are sent");
    fake_reset();
    CHECK_INT(fake_post("/_fake/org/a%2Fb%20c%3Fd", "{\"json\":{\"org\":{\"name\":\"Slashy\"}}}"),
              204);
    ddorg_org_response *r = get_org(client, "a/b c?d");
    CHECK_STR(ddorg_org_response_name(r), "Slashy");
    ddorg_org_response_free(r);
    char *log = fake_get("/_fake/requests");
    CHECK_CONTAINS(log, "\"path\":\"/api/v1/org/a%2Fb%20c%3Fd\"");
    CHECK_CONTAINS(log, "[\"dd-api-key\",\"" TEST_API_KEY "\"]");
    CHECK_CONTAINS(log, "[\"dd-application-key\",\"" TEST_APP_KEY "\"]");
    char ua[64];
    snprintf(ua, sizeof ua, "[\"user-agent\",\"ddorg-c/%s\"]", ddorg_version());
    CHECK_CONTAINS(log, ua);
    free(log);
}

static void from_json_decodes_like_a_response(void) {
    scenario("ddorg_org_response_from_json: the core's decoder, with no HTTP details");
    ddorg_org_response *r = NULL;
    CHECK_STATUS(ddorg_org_response_from_json(
                     "{\"org\":{\"name\":\"Acme\",\"settings\":{\"saml\":{\"enabled\":true}}}}",
                     &r, NULL),
                 DDORG_OK);
    CHECK_STR(ddorg_org_response_name(r), "Acme");
    CHECK_INT(ddorg_org_response_saml_enabled(r), 1);
    CHECK_INT(ddorg_org_response_http_status(r), 0);
    CHECK_INT(ddorg_org_response_attempts(r), 0);
    ddorg_org_response_free(r);

    scenario("text that is not the schema's JSON is DDORG_ERR_DECODE");
    ddorg_error *err = NULL;
    CHECK_STATUS(ddorg_org_response_from_json("{\"org\":{\"name\":7}}", &r, &err),
                 DDORG_ERR_DECODE);
    CHECK_NULL(r);
    CHECK_CONTAINS(ddorg_error_message(err), "org.name");
    ddorg_error_free(err);
    CHECK_STATUS(ddorg_org_response_from_json("not json", &r, NULL), DDORG_ERR_DECODE);
}

int main(void) {
    from_json_decodes_like_a_response();
    ddorg_client *client = test_client(0, 10000);
    example_org_has_every_documented_field(client);
    rate_limit_is_kept_on_success(client);
    true_values_and_other_roles(client);
    absent_and_null_fields(client);
    to_json_keeps_unknown_fields(client);
    nul_bytes_and_utf8(client);
    what_goes_on_the_wire(client);
    ddorg_client_free(client);
    return finish("test_org");
}
