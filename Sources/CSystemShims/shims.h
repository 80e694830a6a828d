#ifndef FAULTLINE_CSYSTEMSHIMS_H
#define FAULTLINE_CSYSTEMSHIMS_H

/* Linux calls that Swift's Glibc module does not export (they sit behind _GNU_SOURCE or in headers
 * it leaves out): pipes and eventfds created close-on-exec atomically, so that a child spawned by
 * another thread at the same moment cannot inherit them. */

#include <fcntl.h>
#include <sys/eventfd.h>

extern int pipe2(int pipefd[2], int flags);

static inline int faultline_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

static inline int faultline_eventfd_nonblocking(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

#endif
