#ifndef FAULTLINE_CLIBSSH2_SHIM_H
#define FAULTLINE_CLIBSSH2_SHIM_H

#include <libssh2.h>
#include <errno.h>
#include <sys/types.h>
#include <sys/socket.h>

/*
 * Socket callbacks for a libssh2 session. They behave like libssh2's own (return -errno on
 * failure), with two differences the Swift event loop relies on:
 *  - send uses MSG_NOSIGNAL, so a peer that went away yields EPIPE instead of killing us with SIGPIPE;
 *  - recv counts the calls that returned bytes in the counter that the session's `abstract`
 *    pointer points to (an unsigned long), so the loop can tell whether a pass over its channels
 *    pulled new packets off the socket (packets that may belong to channels already visited).
 */
static inline ssize_t faultline_ssh2_recv(libssh2_socket_t sock, void *buffer, size_t length,
                                          int flags, void **abstract) {
    ssize_t rc = recv(sock, buffer, length, flags);
    if (rc < 0) {
        return errno == ENOENT ? -EAGAIN : -errno;
    }
    if (rc > 0 && abstract != NULL && *abstract != NULL) {
        *(unsigned long *)(*abstract) += 1;
    }
    return rc;
}

static inline ssize_t faultline_ssh2_send(libssh2_socket_t sock, const void *buffer, size_t length,
                                          int flags, void **abstract) {
    (void)abstract;
    ssize_t rc = send(sock, buffer, length, flags | MSG_NOSIGNAL);
    if (rc < 0) {
        return -errno;
    }
    return rc;
}

/// Installs the two callbacks above on `session`.
static inline void faultline_ssh2_install_socket_callbacks(LIBSSH2_SESSION *session) {
    libssh2_session_callback_set(session, LIBSSH2_CALLBACK_RECV, (void *)faultline_ssh2_recv);
    libssh2_session_callback_set(session, LIBSSH2_CALLBACK_SEND, (void *)faultline_ssh2_send);
}

#endif
