// Thin C shim over OpenSSL for Swift: the headers, plus functions for what OpenSSL
// exposes only as macros (Swift cannot call a function-like macro).
#ifndef C_OPENSSL_SHIM_H
#define C_OPENSSL_SHIM_H

#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/pem.h>
#include <openssl/evp.h>
#include <openssl/bio.h>
#include <openssl/rand.h>
#include <openssl/asn1.h>

static inline long copenssl_ctx_set_min_proto(SSL_CTX *ctx, int version) {
    return SSL_CTX_set_min_proto_version(ctx, version);
}
static inline long copenssl_ctx_set_max_proto(SSL_CTX *ctx, int version) {
    return SSL_CTX_set_max_proto_version(ctx, version);
}
static inline long copenssl_set_tlsext_host_name(SSL *ssl, const char *name) {
    return SSL_set_tlsext_host_name(ssl, name);
}
static inline long copenssl_ctx_set_session_cache_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_session_cache_mode(ctx, mode);
}
static inline long copenssl_ctx_set_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_mode(ctx, mode);
}
static inline long copenssl_ctx_set_options(SSL_CTX *ctx, long options) {
    return (long)SSL_CTX_set_options(ctx, (uint64_t)options);
}
static inline long copenssl_bio_get_mem_data(BIO *bio, char **out) {
    return BIO_get_mem_data(bio, out);
}
static inline long copenssl_ctx_add1_chain_cert(SSL_CTX *ctx, X509 *cert) {
    return SSL_CTX_add1_chain_cert(ctx, cert);
}
static inline long copenssl_ctx_set1_groups_list(SSL_CTX *ctx, const char *list) {
    return SSL_CTX_set1_groups_list(ctx, list);
}
static inline long copenssl_ctx_sess_set_cache_size(SSL_CTX *ctx, long size) {
    return SSL_CTX_sess_set_cache_size(ctx, size);
}
static inline EVP_PKEY *copenssl_generate_ec_p256(void) {
    return EVP_EC_gen("P-256");
}
static inline EVP_PKEY *copenssl_generate_rsa(unsigned int bits) {
    return EVP_RSA_gen(bits);
}
static inline void copenssl_free(void *pointer) {
    OPENSSL_free(pointer);
}
static inline int copenssl_general_names_count(const GENERAL_NAMES *names) {
    return sk_GENERAL_NAME_num(names);
}
// The DNS name at `index`, or NULL when that entry is another kind (IP, email, URI).
static inline const ASN1_STRING *copenssl_general_names_dns_at(const GENERAL_NAMES *names, int index) {
    const GENERAL_NAME *name = sk_GENERAL_NAME_value(names, index);
    if (name == NULL || name->type != GEN_DNS) return NULL;
    return name->d.dNSName;
}
static inline void copenssl_general_names_free(GENERAL_NAMES *names) {
    GENERAL_NAMES_free(names);
}

// SSL_OP_* constants are built with a function-like macro, which Swift does not import.
static inline long copenssl_op_no_renegotiation(void) { return (long)SSL_OP_NO_RENEGOTIATION; }
static inline long copenssl_op_ignore_unexpected_eof(void) { return (long)SSL_OP_IGNORE_UNEXPECTED_EOF; }
static inline long copenssl_op_no_compression(void) { return (long)SSL_OP_NO_COMPRESSION; }
static inline long copenssl_op_cipher_server_preference(void) { return (long)SSL_OP_CIPHER_SERVER_PREFERENCE; }
static inline long copenssl_op_prioritize_chacha(void) { return (long)SSL_OP_PRIORITIZE_CHACHA; }

#endif
