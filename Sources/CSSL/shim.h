#ifndef EBV_CSSL_SHIM_H
#define EBV_CSSL_SHIM_H
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

/* SSL_set_tlsext_host_name is a macro over SSL_ctrl, which Swift cannot call. */
static inline int ebv_ssl_set_server_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}

/* SSL_CTX_set_min_proto_version is a macro as well. */
static inline int ebv_ssl_ctx_require_tls12(SSL_CTX *ctx) {
    return (int)SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
}

/* SSL_CTX_set_mode is a macro: allow partial writes and moving write buffers (the
   buffer of a retried SSL_write may live elsewhere after Swift copies it). */
static inline void ebv_ssl_ctx_set_modes(SSL_CTX *ctx) {
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
}
#endif
