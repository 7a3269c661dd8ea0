// Thin C shim over zlib for Swift: deflateInit2 and inflateInit2 are macros.
#ifndef C_ZLIB_SHIM_H
#define C_ZLIB_SHIM_H

#include <zlib.h>

static inline int czlib_deflate_init_gzip(z_streamp stream, int level) {
    // windowBits 15 + 16 selects the gzip wrapper; memLevel 8 is zlib's default.
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
static inline int czlib_inflate_init_gzip(z_streamp stream) {
    return inflateInit2(stream, 15 + 16);
}

#endif
