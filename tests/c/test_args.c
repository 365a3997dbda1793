/* The C API's promises about bad arguments: NULL handles and out-pointers, strings that are not
 * UTF-8, empty ids and NULL frees are reported (or ignored), never a crash. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Expects DDORG_ERR_INVALID_ARGUMENT with an error whose message contains `names`. */
#define CHECK_INVALID(call, names)                                      \
    do {                                                                \
        ddorg_error *e_ = NULL;                                         \
        ddorg_error **err = &e_;                                        \
        CHECK_STATUS((call), DDORG_ERR_INVALID_ARGUMENT);               \
        CHECK(e_ != NULL);                                              \
        CHECK_STATUS(ddorg_error_status(e_), DDORG_ERR_INVALID_ARGUMENT); \
        CHECK_STR(ddorg_error_kind_name(e_), "invalid_argument");       \
        CHECK_CONTAINS(ddorg_error_message(e_), (names));               \
        CHECK_INT(ddorg_error_attempts(e_), 0);                         \
        ddorg_error_free(e_);                                           \
        err = NULL;                                                     \
        CHECK_STATUS((call), DDORG_ERR_INVALID_ARGUMENT);               \
    } while (0)

static void freeing_null(void) {
    scenario("every *_free and ddorg_string_free accept NULL");
    ddorg_options_free(NULL);
    ddorg_client_free(NULL);
    ddorg_org_response_free(NULL);
    ddorg_salesforce_orgs_free(NULL);
    ddorg_org_list_free(NULL);
    ddorg_error_free(NULL);
    ddorg_string_free(NULL);
    /* Nothing to compare: the scenario passes by returning. A crash ends the program (a failed
     * run), and the ASan and valgrind runs of this program catch any invalid free. */
}

static void null_handles_in_getters(void) {
    scenario("getters given a NULL handle return NULL, -1 or 0 as documented");
    ddorg_rate_limit rl;
    rl.limit = 7;
    rl.name = "garbage";
    CHECK_NULL(ddorg_client_base_url(NULL));
    CHECK_NULL(ddorg_client_user_agent(NULL));

    CHECK_NULL(ddorg_org_response_name(NULL));
    CHECK_NULL(ddorg_org_response_public_id(NULL));
    CHECK_NULL(ddorg_org_response_created(NULL));
    CHECK_NULL(ddorg_org_response_description(NULL));
    CHECK_INT(ddorg_org_response_trial(NULL), -1);
    CHECK_NULL(ddorg_org_response_billing_type(NULL));
    CHECK_NULL(ddorg_org_response_subscription_type(NULL));
    CHECK_INT(ddorg_org_response_private_widget_share(NULL), -1);
    CHECK_INT(ddorg_org_response_saml_enabled(NULL), -1);
    CHECK_NULL(ddorg_org_response_saml_autocreate_access_role(NULL));
    CHECK_INT(ddorg_org_response_saml_autocreate_users_domains_enabled(NULL), -1);
    CHECK_INT(ddorg_org_response_saml_autocreate_users_domains_len(NULL), 0);
    CHECK_NULL(ddorg_org_response_saml_autocreate_users_domains_get(NULL, 0));
    CHECK_INT(ddorg_org_response_saml_can_be_enabled(NULL), -1);
    CHECK_NULL(ddorg_org_response_saml_idp_endpoint(NULL));
    CHECK_INT(ddorg_org_response_saml_idp_initiated_login_enabled(NULL), -1);
    CHECK_INT(ddorg_org_response_saml_idp_metadata_uploaded(NULL), -1);
    CHECK_NULL(ddorg_org_response_saml_login_url(NULL));
    CHECK_INT(ddorg_org_response_saml_strict_mode_enabled(NULL), -1);
    CHECK_NULL(ddorg_org_response_to_json(NULL));
    CHECK_INT(ddorg_org_response_http_status(NULL), 0);
    CHECK_INT(ddorg_org_response_attempts(NULL), 0);
    CHECK_INT(ddorg_org_response_rate_limit(NULL, &rl), -1);
    CHECK_INT(rl.limit, -1);
    CHECK_NULL(rl.name);
    CHECK_INT(ddorg_org_response_rate_limit(NULL, NULL), -1);

    CHECK_INT(ddorg_org_list_len(NULL), 0);
    CHECK(ddorg_org_list_get(NULL, 0) == NULL);
    CHECK_NULL(ddorg_org_list_to_json(NULL));
    CHECK_INT(ddorg_org_list_http_status(NULL), 0);
    CHECK_INT(ddorg_org_list_attempts(NULL), 0);
    rl.limit = 3;
    CHECK_INT(ddorg_org_list_rate_limit(NULL, &rl), -1);
    CHECK_INT(rl.limit, -1);
    CHECK_INT(ddorg_org_list_rate_limit(NULL, NULL), -1);

    CHECK_INT(ddorg_salesforce_orgs_len(NULL), 0);
    CHECK_NULL(ddorg_salesforce_orgs_id(NULL, 0));
    CHECK_NULL(ddorg_salesforce_orgs_type(NULL, 0));
    CHECK_NULL(ddorg_salesforce_orgs_name(NULL, 0));
    CHECK_NULL(ddorg_salesforce_orgs_instance_url(NULL, 0));
    CHECK_NULL(ddorg_salesforce_orgs_sfdc_org_id(NULL, 0));
    CHECK_NULL(ddorg_salesforce_orgs_sfdc_org_type(NULL, 0));
    CHECK_NULL(ddorg_salesforce_orgs_to_json(NULL));
    CHECK_INT(ddorg_salesforce_orgs_http_status(NULL), 0);
    CHECK_INT(ddorg_salesforce_orgs_attempts(NULL), 0);
    rl.reset = 9;
    CHECK_INT(ddorg_salesforce_orgs_rate_limit(NULL, &rl), -1);
    CHECK_INT(rl.reset, -1);
    CHECK_INT(ddorg_salesforce_orgs_rate_limit(NULL, NULL), -1);

    CHECK_STATUS(ddorg_error_status(NULL), DDORG_ERR_INVALID_ARGUMENT);
    CHECK_NULL(ddorg_error_kind_name(NULL));
    CHECK_NULL(ddorg_error_message(NULL));
    CHECK_INT(ddorg_error_http_status(NULL), 0);
    CHECK_INT(ddorg_error_errors_len(NULL), 0);
    CHECK_NULL(ddorg_error_errors_get(NULL, 0));
    rl.period = 4;
    CHECK_INT(ddorg_error_rate_limit(NULL, &rl), -1);
    CHECK_INT(rl.period, -1);
    CHECK_INT(ddorg_error_rate_limit(NULL, NULL), -1);
    CHECK_INT(ddorg_error_attempts(NULL), 0);
}

static void null_options_and_values(void) {
    scenario("every options setter refuses a NULL options handle");
    CHECK_INVALID(ddorg_options_set_api_key(NULL, "k", err), "opts is NULL");
    CHECK_INVALID(ddorg_options_set_app_key(NULL, "k", err), "opts is NULL");
    CHECK_INVALID(ddorg_options_set_site(NULL, "datadoghq.com", err), "opts is NULL");
    CHECK_INVALID(ddorg_options_set_base_url(NULL, "http://127.0.0.1:1", err), "opts is NULL");
    CHECK_INVALID(ddorg_options_set_timeout_ms(NULL, 1000, err), "opts is NULL");
    CHECK_INVALID(ddorg_options_set_connect_timeout_ms(NULL, 1000, err), "opts is NULL");
    CHECK_INVALID(ddorg_options_set_max_retries(NULL, 1, err), "opts is NULL");
    CHECK_INVALID(ddorg_options_set_user_agent(NULL, "a/1", err), "opts is NULL");
    CHECK_INVALID(ddorg_options_append_user_agent(NULL, "a/1", err), "opts is NULL");
    CHECK_INVALID(ddorg_options_set_max_body_size(NULL, 1, err), "opts is NULL");
    CHECK_INVALID(ddorg_options_set_proxy(NULL, "http://p:1", err), "opts is NULL");
    CHECK_INVALID(ddorg_options_set_no_proxy(NULL, err), "opts is NULL");

    scenario("every string setter refuses a NULL string and leaves the options usable");
    ddorg_options *opts = ddorg_options_new();
    CHECK(opts != NULL);
    CHECK_INVALID(ddorg_options_set_api_key(opts, NULL, err), "api_key is NULL");
    CHECK_INVALID(ddorg_options_set_app_key(opts, NULL, err), "app_key is NULL");
    CHECK_INVALID(ddorg_options_set_site(opts, NULL, err), "site is NULL");
    CHECK_INVALID(ddorg_options_set_base_url(opts, NULL, err), "url is NULL");
    CHECK_INVALID(ddorg_options_set_user_agent(opts, NULL, err), "user_agent is NULL");
    CHECK_INVALID(ddorg_options_append_user_agent(opts, NULL, err), "token is NULL");
    CHECK_INVALID(ddorg_options_set_proxy(opts, NULL, err), "url is NULL");
    ddorg_options_free(opts);
}

static void bad_utf8(ddorg_client *client) {
    /* Invalid lead byte, a truncated sequence, an overlong encoding, a UTF-16 surrogate. */
    const char *bad[] = {"\xff\xfe", "sekrit\xc3", "\xc0\xaf", "\xed\xa0\x80"};
    scenario("every string input that is not UTF-8 is invalid-argument, its value never shown");
    ddorg_options *opts = ddorg_options_new();
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *v = bad[i];
        CHECK_INVALID(ddorg_options_set_api_key(opts, v, err), "api_key is not valid UTF-8");
        CHECK_INVALID(ddorg_options_set_app_key(opts, v, err), "app_key is not valid UTF-8");
        CHECK_INVALID(ddorg_options_set_site(opts, v, err), "site is not valid UTF-8");
        CHECK_INVALID(ddorg_options_set_base_url(opts, v, err), "url is not valid UTF-8");
        CHECK_INVALID(ddorg_options_set_user_agent(opts, v, err), "user_agent is not valid UTF-8");
        CHECK_INVALID(ddorg_options_append_user_agent(opts, v, err), "token is not valid UTF-8");
        CHECK_INVALID(ddorg_options_set_proxy(opts, v, err), "url is not valid UTF-8");
        CHECK_INVALID(ddorg_get_org(client, v, &(ddorg_org_response *){NULL}, err),
                      "public_id is not valid UTF-8");
        ddorg_error *e = NULL;
        ddorg_options_set_api_key(opts, v, &e);
        CHECK_NOT_CONTAINS(ddorg_error_message(e), "sekrit");
        ddorg_error_free(e);
    }
    ddorg_options_free(opts);
    CHECK_INT(fake_request_count(), 0);
}

static void null_out_pointers_and_handles(ddorg_client *client) {
    scenario("NULL out-pointers are invalid-argument and nothing is leaked");
    ddorg_options *opts = test_options();
    CHECK_INVALID(ddorg_client_new(opts, NULL, err), "out is NULL");
    CHECK_INVALID(ddorg_get_org(client, "abcdef12345", NULL, err), "out is NULL");
    CHECK_INVALID(ddorg_list_salesforce_orgs(client, NULL, err), "out is NULL");
    CHECK_INVALID(ddorg_list_orgs(client, NULL, err), "out is NULL");
    ddorg_options_free(opts);

    scenario("a NULL client is invalid-argument and the out-pointer is set to NULL");
    ddorg_org_response *r = (ddorg_org_response *)&r;
    CHECK_INVALID(ddorg_get_org(NULL, "abcdef12345", &r, err), "client is NULL");
    CHECK_NULL(r);
    ddorg_salesforce_orgs *l = (ddorg_salesforce_orgs *)&l;
    CHECK_INVALID(ddorg_list_salesforce_orgs(NULL, &l, err), "client is NULL");
    CHECK_NULL(l);
    ddorg_org_list *ol = (ddorg_org_list *)&ol;
    CHECK_INVALID(ddorg_list_orgs(NULL, &ol, err), "client is NULL");
    CHECK_NULL(ol);

    scenario("a NULL, empty, \".\" or \"..\" public_id is invalid-argument, with no request");
    r = (ddorg_org_response *)&r;
    CHECK_INVALID(ddorg_get_org(client, NULL, &r, err), "public_id is NULL");
    CHECK_NULL(r);
    CHECK_INVALID(ddorg_get_org(client, "", &r, err), "public_id must not be empty");
    CHECK_INVALID(ddorg_get_org(client, ".", &r, err), "public_id");
    CHECK_INVALID(ddorg_get_org(client, "..", &r, err), "public_id");
    CHECK_INT(fake_request_count(), 0);
}

static void version(void) {
    scenario("ddorg_version is a static x.y.z string");
    const char *v = ddorg_version();
    unsigned major, minor, patch;
    CHECK(v != NULL);
    CHECK(v == ddorg_version());
    CHECK_INT(sscanf(v, "%u.%u.%u", &major, &minor, &patch), 3);
}

int main(void) {
    fake_reset();
    ddorg_client *client = test_client(0, 10000);
    freeing_null();
    null_handles_in_getters();
    null_options_and_values();
    bad_utf8(client);
    null_out_pointers_and_handles(client);
    version();
    ddorg_client_free(client);
    return finish("test_args");
}
