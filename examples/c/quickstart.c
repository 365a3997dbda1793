/* ddorg quick start in C: an organization's name and SAML status, then the connected Salesforce
 * organizations. Keys, site and base URL come from DD_API_KEY, DD_APP_KEY, DD_SITE and
 * DDORG_BASE_URL.
 *
 *   cc -std=c11 quickstart.c $(pkg-config --cflags --libs ddorg) -o quickstart
 *   DD_API_KEY=... DD_APP_KEY=... ./quickstart abcdef12345
 */
#include <ddorg.h>
#include <stdio.h>

static const char *or_else(const char *s, const char *fallback) {
    return s != NULL ? s : fallback;
}

/* Reports a failure with everything the error knows, frees it, and returns the exit status. */
static int report(const char *what, ddorg_error *err) {
    ddorg_rate_limit rl;
    fprintf(stderr, "%s failed: %s [%s, HTTP %d, %u attempt(s)]\n", what,
            or_else(ddorg_error_message(err), "?"), ddorg_status_name(ddorg_error_status(err)),
            ddorg_error_http_status(err), (unsigned)ddorg_error_attempts(err));
    for (size_t i = 0; i < ddorg_error_errors_len(err); i++) {
        fprintf(stderr, "  Datadog says: %s\n", ddorg_error_errors_get(err, i));
    }
    if (ddorg_error_rate_limit(err, &rl) == 1 && rl.reset >= 0) {
        fprintf(stderr, "  rate limit resets in %lld s\n", (long long)rl.reset);
    }
    ddorg_error_free(err);
    return 1;
}

int main(int argc, char **argv) {
    const char *public_id = argc > 1 ? argv[1] : "abcdef12345";
    ddorg_error *err = NULL;

    ddorg_options *opts = ddorg_options_new();
    ddorg_client *client = NULL;
    if (ddorg_options_set_timeout_ms(opts, 20000, &err) != DDORG_OK ||
        ddorg_options_append_user_agent(opts, "quickstart/1.0", &err) != DDORG_OK ||
        ddorg_client_new(opts, &client, &err) != DDORG_OK) {
        ddorg_options_free(opts);
        return report("configuration", err);
    }
    ddorg_options_free(opts); /* the client keeps a copy */

    ddorg_org_response *org = NULL;
    if (ddorg_get_org(client, public_id, &org, &err) != DDORG_OK) {
        ddorg_client_free(client);
        return report("GET /api/v1/org", err);
    }
    int saml = ddorg_org_response_saml_enabled(org); /* 1, 0, or -1 if absent */
    printf("organization: %s\n", or_else(ddorg_org_response_name(org), "(no name)"));
    printf("SAML enabled: %s\n", saml == 1 ? "yes" : saml == 0 ? "no" : "unknown");
    ddorg_rate_limit rl;
    if (ddorg_org_response_rate_limit(org, &rl) == 1 && rl.remaining >= 0) {
        printf("requests left: %lld of %lld\n", (long long)rl.remaining, (long long)rl.limit);
    }
    char *json = ddorg_org_response_to_json(org); /* owned: free it */
    printf("as JSON: %s\n", or_else(json, "null"));
    ddorg_string_free(json);
    ddorg_org_response_free(org);

    ddorg_salesforce_orgs *sf = NULL;
    if (ddorg_list_salesforce_orgs(client, &sf, &err) != DDORG_OK) {
        ddorg_client_free(client);
        return report("GET salesforce-incidents/organizations", err);
    }
    for (size_t i = 0; i < ddorg_salesforce_orgs_len(sf); i++) {
        printf("salesforce org %s: %s (%s)\n", or_else(ddorg_salesforce_orgs_id(sf, i), "?"),
               or_else(ddorg_salesforce_orgs_name(sf, i), "(no name)"),
               or_else(ddorg_salesforce_orgs_sfdc_org_type(sf, i), "unknown type"));
    }
    ddorg_salesforce_orgs_free(sf);
    ddorg_client_free(client);
    return 0;
}
