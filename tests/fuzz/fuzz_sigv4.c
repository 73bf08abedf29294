/* fuzz_sigv4.c — libFuzzer target for the SigV4 canonicaliser and signer.
 *
 * Input layout (tests/fuzz/corpus/sigv4/ has examples):
 *   byte 0      flags: 1 normalize_path, 2 sign_body, 4 session token,
 *               8 omit_session_token, 16 no Host header added
 *   bytes 1..4  signing time, seconds (big-endian, unsigned)
 *   then lines: method, path, query, "Name:value" headers (a line starting
 *   with a space or tab continues the previous value), an empty line, body.
 * Every stage runs in both forms; nothing may crash, leak or read out of
 * bounds whatever the bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/sigv4.h"
#include "util/buf.h"
#include "util/xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *next_line(char **cur, char *end)
{
    if (*cur >= end)
        return NULL;
    char *line = *cur;
    char *nl = memchr(line, '\n', (size_t)(end - line));
    if (nl) {
        *nl = '\0';
        *cur = nl + 1;
    } else {
        *cur = end;
    }
    return line;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 5)
        return 0;
    uint8_t flags = data[0];
    time_t now = (time_t)((uint32_t)data[1] << 24 | (uint32_t)data[2] << 16 |
                          (uint32_t)data[3] << 8 | data[4]);
    char *text = xmalloc(size - 5 + 1);
    memcpy(text, data + 5, size - 5);
    text[size - 5] = '\0';
    char *cur = text, *end = text + (size - 5);

    const char *method = next_line(&cur, end);
    const char *path = next_line(&cur, end);
    const char *query = next_line(&cur, end);
    struct sigv4_header *hdrs = NULL;
    size_t n = 0, cap = 0;
    char **owned = NULL;
    size_t n_owned = 0, cap_owned = 0;
    char *line;
    while ((line = next_line(&cur, end)) && *line) {
        if ((*line == ' ' || *line == '\t') && n > 0) {
            char *joined = xasprintf("%s\r\n%s", hdrs[n - 1].value, line);
            *ARRAY_PUSH(owned, n_owned, cap_owned) = joined;
            hdrs[n - 1].value = joined;
            continue;
        }
        struct sigv4_header *h = ARRAY_PUSH(hdrs, n, cap);
        char *colon = strchr(line, ':');
        if (colon)
            *colon = '\0';
        h->name = line;
        h->value = colon ? colon + 1 : "";
    }
    if (!(flags & 16)) {
        struct sigv4_header *h = ARRAY_PUSH(hdrs, n, cap);
        h->name = "Host";
        h->value = "example.amazonaws.com";
    }
    const char *body = cur < end ? cur : NULL;
    size_t body_len = cur < end ? (size_t)(end - cur) : 0;

    struct sigv4_params p = {
        .access_key_id = "AKIDEXAMPLE",
        .secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        .session_token = (flags & 4) ? "AQoDYXdzEPT//////////wEXAMPLE+%tok=" : NULL,
        .region = "us-east-1",
        .service = "service",
        .now = now,
        .normalize_path = flags & 1,
        .sign_body = flags & 2,
        .omit_session_token = flags & 8,
        .expires_s = 3600,
    };
    struct sigv4_request r = {method ? method : "GET", path, query, hdrs, n, body, body_len};

    for (int form = 0; form < 2; form++) {
        struct buf cr, sts;
        char sig[65];
        buf_init(&cr, 0);
        buf_init(&sts, 0);
        if (sigv4_canonical_request(&r, &p, form ? SIGV4_QUERY : SIGV4_HEADER, &cr, NULL) == 0 &&
            sigv4_string_to_sign(buf_str(&cr), &p, &sts, NULL) == 0)
            sigv4_signature(buf_str(&sts), &p, sig, NULL);
        buf_cleanup(&cr);
        buf_cleanup(&sts);
    }
    struct sigv4_signed s;
    if (sigv4_sign_headers(&r, &p, &s, NULL) == 0 && !s.authorization)
        abort();
    sigv4_signed_cleanup(&s);
    if (sigv4_presign(&r, &p, &s, NULL) == 0 && !s.signed_query)
        abort();
    sigv4_signed_cleanup(&s);
    /* The string-to-sign and signature stages take any text. */
    struct buf sts;
    char sig[65];
    buf_init(&sts, 0);
    if (sigv4_string_to_sign(text, &p, &sts, NULL) == 0)
        sigv4_signature(buf_str(&sts), &p, sig, NULL);
    buf_cleanup(&sts);

    for (size_t i = 0; i < n_owned; i++)
        free(owned[i]);
    free(owned);
    free(hdrs);
    free(text);
    return 0;
}
