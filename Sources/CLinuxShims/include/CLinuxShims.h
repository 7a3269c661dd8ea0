// Linux headers that the Swift Glibc module map leaves out: HTTPCore's event loop needs epoll,
// eventfd and accept4; SystemKit needs statfs (a file system's magic number).
#ifndef C_LINUX_SHIMS_H
#define C_LINUX_SHIMS_H

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/statfs.h>

// accept4 is declared only under _GNU_SOURCE, which the Swift Glibc module does not set.
extern int accept4(int fd, struct sockaddr *address, socklen_t *length, int flags);
static inline int chttp_accept4(int fd, struct sockaddr *address, socklen_t *length, int flags) {
    return accept4(fd, address, length, flags);
}

#endif
