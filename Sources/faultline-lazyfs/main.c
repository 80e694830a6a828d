// faultline-lazyfs: a FUSE filesystem that passes everything through to a backing directory but
// remembers, per file, what was written since the file was last fsynced, so that a power loss can
// be simulated: on the command `drop` every file is put back as it was at its last fsync (size and
// overwritten bytes), exactly what a machine that lost power would find on its disk.
//
//   faultline-lazyfs BACKING MOUNTPOINT
//
// BACKING may be MOUNTPOINT itself: the backing directory is opened before the mount, and every
// access goes through that descriptor (*at calls), so the files stay where they were after unmount.
// Runs in the foreground until unmounted (fusermount3 -u MOUNTPOINT) or sent SIGTERM.
//
// Control: the file `.faultline-lazyfs` at the root of the mount (not listed by readdir). Write a
// command to it, then read it for the answer:
//   printf drop > M/.faultline-lazyfs && cat M/.faultline-lazyfs    -> dropped B bytes in F files
// (B: bytes written or cut off by truncation since the last fsync; F: the files they were in)
//   printf status > M/.faultline-lazyfs && cat M/.faultline-lazyfs  -> unsynced B bytes in F files
//   printf sync > M/.faultline-lazyfs                                -> forgets what is un-synced
//
// Data is written through to BACKING at once (so reads see it); before a write overwrites bytes
// that were durable, their old contents are saved (4 KiB pages), and the file's durable size is
// remembered. `drop` truncates each file to its durable size and writes the saved pages back.
// Directory entries (created, renamed, removed names) are passed through and not rolled back.
#define FUSE_USE_VERSION 31
#define _GNU_SOURCE
#include <fuse3/fuse.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <sys/types.h>
#include <unistd.h>

#define PAGE_SIZE_BYTES 4096
#define CONTROL_NAME "/.faultline-lazyfs"
#define CONTROL_FH UINT64_MAX

struct saved_page {
    off_t index;
    size_t length;
    unsigned char *data;
};

// What a file holds that is not yet durable, keyed by the backing inode (stable across renames).
struct file_state {
    dev_t dev;
    ino_t ino;
    int fd;                   // O_RDWR on the backing file, for saving and restoring
    char *path;               // for the log only
    off_t durable_size;       // size at the last fsync (or when first touched since)
    struct saved_page *pages; // sorted by index
    size_t page_count, page_capacity;
    unsigned long long unsynced_bytes;
    struct file_state *next;
};

static int backing_fd = -1;
static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static struct file_state *states = NULL;
static char control_answer[512] = "ready\n";

static const char *relative(const char *path) {
    while (*path == '/') path++;
    return *path ? path : ".";
}

static int is_control(const char *path) { return path && strcmp(path, CONTROL_NAME) == 0; }

// ---- un-synced state ----------------------------------------------------------------------

static struct file_state *find_state(dev_t dev, ino_t ino) {
    for (struct file_state *s = states; s; s = s->next)
        if (s->dev == dev && s->ino == ino) return s;
    return NULL;
}

static void free_state(struct file_state *s) {
    for (size_t i = 0; i < s->page_count; i++) free(s->pages[i].data);
    free(s->pages);
    free(s->path);
    if (s->fd >= 0) close(s->fd);
    free(s);
}

static void forget_state(dev_t dev, ino_t ino) {
    for (struct file_state **p = &states; *p; p = &(*p)->next) {
        if ((*p)->dev == dev && (*p)->ino == ino) {
            struct file_state *s = *p;
            *p = s->next;
            free_state(s);
            return;
        }
    }
}

// The state of the file open as `fd` (`path` relative to the backing directory), created on first
// touch with the file's current size as its durable size. Call with state_lock held.
static struct file_state *touch_state(int fd, const char *path) {
    struct stat st;
    if (fstat(fd, &st) != 0) return NULL;
    struct file_state *s = find_state(st.st_dev, st.st_ino);
    if (s) return s;
    int rw = openat(backing_fd, relative(path), O_RDWR | O_CLOEXEC);
    if (rw < 0) return NULL;
    s = calloc(1, sizeof *s);
    if (!s) {
        close(rw);
        return NULL;
    }
    s->dev = st.st_dev;
    s->ino = st.st_ino;
    s->fd = rw;
    s->path = strdup(relative(path));
    s->durable_size = st.st_size;
    s->next = states;
    states = s;
    return s;
}

static size_t page_position(struct file_state *s, off_t index, int *found) {
    size_t lo = 0, hi = s->page_count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s->pages[mid].index < index) lo = mid + 1;
        else hi = mid;
    }
    *found = lo < s->page_count && s->pages[lo].index == index;
    return lo;
}

// Saves the durable contents of the pages covering [offset, offset + length) that lie within the
// durable size and are not saved yet. Returns 0 or -errno.
static int save_range(struct file_state *s, off_t offset, off_t length) {
    if (length <= 0 || offset >= s->durable_size) return 0;
    off_t end = offset + length < s->durable_size ? offset + length : s->durable_size;
    for (off_t index = offset / PAGE_SIZE_BYTES; index * PAGE_SIZE_BYTES < end; index++) {
        int found;
        size_t at = page_position(s, index, &found);
        if (found) continue;
        off_t start = index * PAGE_SIZE_BYTES;
        size_t want = (size_t)(s->durable_size - start < PAGE_SIZE_BYTES ? s->durable_size - start : PAGE_SIZE_BYTES);
        unsigned char *data = malloc(want);
        if (!data) return -ENOMEM;
        ssize_t got = pread(s->fd, data, want, start);
        if (got < 0) {
            free(data);
            return -errno;
        }
        if (s->page_count == s->page_capacity) {
            size_t capacity = s->page_capacity ? s->page_capacity * 2 : 16;
            struct saved_page *pages = realloc(s->pages, capacity * sizeof *pages);
            if (!pages) {
                free(data);
                return -ENOMEM;
            }
            s->pages = pages;
            s->page_capacity = capacity;
        }
        memmove(&s->pages[at + 1], &s->pages[at], (s->page_count - at) * sizeof *s->pages);
        s->pages[at] = (struct saved_page){.index = index, .length = (size_t)got, .data = data};
        s->page_count++;
    }
    return 0;
}

// Puts one file back as it was at its last fsync (size, then the durable bytes overwritten since).
static void drop_file(struct file_state *s) {
    if (ftruncate(s->fd, s->durable_size) != 0)
        fprintf(stderr, "faultline-lazyfs: truncate %s: %s\n", s->path, strerror(errno));
    for (size_t i = 0; i < s->page_count; i++) {
        struct saved_page *p = &s->pages[i];
        if (pwrite(s->fd, p->data, p->length, p->index * PAGE_SIZE_BYTES) != (ssize_t)p->length)
            fprintf(stderr, "faultline-lazyfs: restore %s: %s\n", s->path, strerror(errno));
    }
    fsync(s->fd);
}

static void run_command(const char *command, size_t length) {
    while (length > 0 && (command[length - 1] == '\n' || command[length - 1] == ' ')) length--;
    unsigned long long bytes = 0, files = 0;
    pthread_mutex_lock(&state_lock);
    for (struct file_state *s = states; s; s = s->next) {
        bytes += s->unsynced_bytes;
        files += s->unsynced_bytes > 0;
    }
    if (length == 4 && memcmp(command, "drop", 4) == 0) {
        while (states) {
            struct file_state *s = states;
            states = s->next;
            drop_file(s);
            fprintf(stderr, "faultline-lazyfs: dropped %llu un-synced bytes of %s (back to %lld bytes)\n",
                    s->unsynced_bytes, s->path, (long long)s->durable_size);
            free_state(s);
        }
        snprintf(control_answer, sizeof control_answer, "dropped %llu bytes in %llu files\n", bytes, files);
    } else if (length == 6 && memcmp(command, "status", 6) == 0) {
        snprintf(control_answer, sizeof control_answer, "unsynced %llu bytes in %llu files\n", bytes, files);
    } else if (length == 4 && memcmp(command, "sync", 4) == 0) {
        while (states) {
            struct file_state *s = states;
            states = s->next;
            free_state(s);
        }
        snprintf(control_answer, sizeof control_answer, "synced %llu bytes in %llu files\n", bytes, files);
    } else {
        snprintf(control_answer, sizeof control_answer, "unknown command (expected drop, status or sync)\n");
    }
    pthread_mutex_unlock(&state_lock);
}

// ---- pass-through operations --------------------------------------------------------------

static void *lazy_init(struct fuse_conn_info *conn, struct fuse_config *cfg) {
    (void)conn;
    cfg->use_ino = 1;
    cfg->hard_remove = 1;
    cfg->entry_timeout = 0;
    cfg->attr_timeout = 0;
    cfg->negative_timeout = 0;
    cfg->kernel_cache = 0;
    cfg->auto_cache = 0;
    return NULL;
}

static int lazy_getattr(const char *path, struct stat *st, struct fuse_file_info *fi) {
    if (is_control(path)) {
        memset(st, 0, sizeof *st);
        st->st_mode = S_IFREG | 0600;
        st->st_nlink = 1;
        st->st_size = 0;
        return 0;
    }
    int r = fi && fi->fh != CONTROL_FH ? fstat((int)fi->fh, st) : fstatat(backing_fd, relative(path), st, AT_SYMLINK_NOFOLLOW);
    return r == 0 ? 0 : -errno;
}

static int lazy_access(const char *path, int mask) {
    if (is_control(path)) return 0;
    return faccessat(backing_fd, relative(path), mask, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : -errno;
}

static int lazy_readlink(const char *path, char *buf, size_t size) {
    ssize_t n = readlinkat(backing_fd, relative(path), buf, size - 1);
    if (n < 0) return -errno;
    buf[n] = 0;
    return 0;
}

static int lazy_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t offset,
                        struct fuse_file_info *fi, enum fuse_readdir_flags flags) {
    (void)offset, (void)fi, (void)flags;
    int fd = openat(backing_fd, relative(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -errno;
    DIR *dir = fdopendir(fd);
    if (!dir) {
        close(fd);
        return -errno;
    }
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        struct stat st = {.st_ino = entry->d_ino, .st_mode = (mode_t)(entry->d_type << 12)};
        if (fill(buf, entry->d_name, &st, 0, 0)) break;
    }
    closedir(dir);
    return 0;
}

static int lazy_mknod(const char *path, mode_t mode, dev_t rdev) {
    return mknodat(backing_fd, relative(path), mode, rdev) == 0 ? 0 : -errno;
}

static int lazy_mkdir(const char *path, mode_t mode) {
    return mkdirat(backing_fd, relative(path), mode) == 0 ? 0 : -errno;
}

// A removed file's un-synced state goes with its last name: nothing of it can come back.
static int lazy_unlink(const char *path) {
    struct stat st;
    int known = fstatat(backing_fd, relative(path), &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_nlink == 1;
    if (unlinkat(backing_fd, relative(path), 0) != 0) return -errno;
    if (known) {
        pthread_mutex_lock(&state_lock);
        forget_state(st.st_dev, st.st_ino);
        pthread_mutex_unlock(&state_lock);
    }
    return 0;
}

static int lazy_rmdir(const char *path) {
    return unlinkat(backing_fd, relative(path), AT_REMOVEDIR) == 0 ? 0 : -errno;
}

static int lazy_symlink(const char *target, const char *path) {
    return symlinkat(target, backing_fd, relative(path)) == 0 ? 0 : -errno;
}

static int lazy_rename(const char *from, const char *to, unsigned int flags) {
    if (is_control(from) || is_control(to)) return -EPERM;
    struct stat st;
    int replaced = fstatat(backing_fd, relative(to), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 1;
    if (renameat2(backing_fd, relative(from), backing_fd, relative(to), flags) != 0) return -errno;
    if (replaced) {
        pthread_mutex_lock(&state_lock);
        forget_state(st.st_dev, st.st_ino);
        pthread_mutex_unlock(&state_lock);
    }
    return 0;
}

static int lazy_link(const char *from, const char *to) {
    return linkat(backing_fd, relative(from), backing_fd, relative(to), 0) == 0 ? 0 : -errno;
}

static int lazy_chmod(const char *path, mode_t mode, struct fuse_file_info *fi) {
    if (is_control(path)) return 0;
    int r = fi ? fchmod((int)fi->fh, mode) : fchmodat(backing_fd, relative(path), mode, 0);
    return r == 0 ? 0 : -errno;
}

static int lazy_chown(const char *path, uid_t uid, gid_t gid, struct fuse_file_info *fi) {
    if (is_control(path)) return 0;
    int r = fi ? fchown((int)fi->fh, uid, gid) : fchownat(backing_fd, relative(path), uid, gid, AT_SYMLINK_NOFOLLOW);
    return r == 0 ? 0 : -errno;
}

// Truncation is un-synced too: durable bytes it cuts off are saved first.
static int lazy_truncate(const char *path, off_t size, struct fuse_file_info *fi) {
    if (is_control(path)) return 0;
    int fd = fi ? (int)fi->fh : openat(backing_fd, relative(path), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -errno;
    pthread_mutex_lock(&state_lock);
    int r = 0;
    struct stat st;
    struct file_state *s = fstat(fd, &st) == 0 && st.st_size != size ? touch_state(fd, path) : NULL;
    if (s && size < s->durable_size) r = save_range(s, size, s->durable_size - size);
    if (r == 0 && ftruncate(fd, size) != 0) r = -errno;
    if (r == 0 && s) s->unsynced_bytes += (unsigned long long)(st.st_size > size ? st.st_size - size : size - st.st_size);
    pthread_mutex_unlock(&state_lock);
    if (!fi) close(fd);
    return r;
}

static int lazy_utimens(const char *path, const struct timespec tv[2], struct fuse_file_info *fi) {
    if (is_control(path)) return 0;
    int r = fi ? futimens((int)fi->fh, tv) : utimensat(backing_fd, relative(path), tv, AT_SYMLINK_NOFOLLOW);
    return r == 0 ? 0 : -errno;
}

// The kernel computes offsets of O_APPEND writes itself; the backing file must not append again.
static int backing_flags(int flags) { return (flags & ~(O_APPEND | O_CREAT | O_EXCL | O_NOCTTY)) | O_CLOEXEC; }

static int lazy_create(const char *path, mode_t mode, struct fuse_file_info *fi) {
    if (is_control(path)) return -EEXIST;
    int fd = openat(backing_fd, relative(path), backing_flags(fi->flags) | O_CREAT, mode);
    if (fd < 0) return -errno;
    fi->fh = (uint64_t)fd;
    return 0;
}

static int lazy_open(const char *path, struct fuse_file_info *fi) {
    if (is_control(path)) {
        fi->fh = CONTROL_FH;
        fi->direct_io = 1;
        return 0;
    }
    int flags = backing_flags(fi->flags);
    if (flags & O_TRUNC) {
        // A truncating open is a truncation: through lazy_truncate, so the durable bytes are saved.
        flags &= ~O_TRUNC;
        int fd = openat(backing_fd, relative(path), flags);
        if (fd < 0) return -errno;
        struct fuse_file_info tmp = {.fh = (uint64_t)fd};
        int r = lazy_truncate(path, 0, &tmp);
        if (r != 0) {
            close(fd);
            return r;
        }
        fi->fh = (uint64_t)fd;
        return 0;
    }
    int fd = openat(backing_fd, relative(path), flags);
    if (fd < 0) return -errno;
    fi->fh = (uint64_t)fd;
    return 0;
}

static int lazy_read(const char *path, char *buf, size_t size, off_t offset, struct fuse_file_info *fi) {
    if (fi->fh == CONTROL_FH) {
        (void)path;
        pthread_mutex_lock(&state_lock);
        size_t length = strlen(control_answer);
        size_t n = (size_t)offset >= length ? 0 : length - (size_t)offset;
        if (n > size) n = size;
        memcpy(buf, control_answer + offset, n);
        pthread_mutex_unlock(&state_lock);
        return (int)n;
    }
    ssize_t n = pread((int)fi->fh, buf, size, offset);
    return n < 0 ? -errno : (int)n;
}

static int lazy_write(const char *path, const char *buf, size_t size, off_t offset, struct fuse_file_info *fi) {
    if (fi->fh == CONTROL_FH) {
        run_command(buf, size);
        return (int)size;
    }
    pthread_mutex_lock(&state_lock);
    struct file_state *s = touch_state((int)fi->fh, path);
    int r = s ? save_range(s, offset, (off_t)size) : -EIO;
    ssize_t n = r == 0 ? pwrite((int)fi->fh, buf, size, offset) : r;
    if (n < 0 && r == 0) n = -errno;
    if (n > 0) s->unsynced_bytes += (unsigned long long)n;
    pthread_mutex_unlock(&state_lock);
    return (int)n;
}

static int lazy_statfs(const char *path, struct statvfs *st) {
    (void)path;
    return fstatvfs(backing_fd, st) == 0 ? 0 : -errno;
}

static int lazy_flush(const char *path, struct fuse_file_info *fi) {
    (void)path, (void)fi;
    return 0;
}

static int lazy_release(const char *path, struct fuse_file_info *fi) {
    (void)path;
    if (fi->fh != CONTROL_FH) close((int)fi->fh);
    return 0;
}

// What fsync makes durable is durable: the file's un-synced state is forgotten.
static int lazy_fsync(const char *path, int datasync, struct fuse_file_info *fi) {
    (void)path;
    if (fi->fh == CONTROL_FH) return 0;
    int fd = (int)fi->fh;
    if ((datasync ? fdatasync(fd) : fsync(fd)) != 0) return -errno;
    struct stat st;
    if (fstat(fd, &st) != 0) return -errno;
    pthread_mutex_lock(&state_lock);
    forget_state(st.st_dev, st.st_ino);
    pthread_mutex_unlock(&state_lock);
    return 0;
}

static int lazy_fsyncdir(const char *path, int datasync, struct fuse_file_info *fi) {
    (void)datasync, (void)fi;
    int fd = openat(backing_fd, relative(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -errno;
    int r = fsync(fd) == 0 ? 0 : -errno;
    close(fd);
    return r;
}

static int lazy_fallocate(const char *path, int mode, off_t offset, off_t length, struct fuse_file_info *fi) {
    if (fi->fh == CONTROL_FH) return -EOPNOTSUPP;
    pthread_mutex_lock(&state_lock);
    struct file_state *s = touch_state((int)fi->fh, path);
    int r = s ? save_range(s, offset, length) : -EIO;
    if (r == 0 && fallocate((int)fi->fh, mode, offset, length) != 0) r = -errno;
    pthread_mutex_unlock(&state_lock);
    return r;
}

static off_t lazy_lseek(const char *path, off_t offset, int whence, struct fuse_file_info *fi) {
    (void)path;
    off_t r = lseek((int)fi->fh, offset, whence);
    return r < 0 ? -errno : r;
}

static const struct fuse_operations operations = {
    .init = lazy_init,
    .getattr = lazy_getattr,
    .access = lazy_access,
    .readlink = lazy_readlink,
    .readdir = lazy_readdir,
    .mknod = lazy_mknod,
    .mkdir = lazy_mkdir,
    .unlink = lazy_unlink,
    .rmdir = lazy_rmdir,
    .symlink = lazy_symlink,
    .rename = lazy_rename,
    .link = lazy_link,
    .chmod = lazy_chmod,
    .chown = lazy_chown,
    .truncate = lazy_truncate,
    .utimens = lazy_utimens,
    .create = lazy_create,
    .open = lazy_open,
    .read = lazy_read,
    .write = lazy_write,
    .statfs = lazy_statfs,
    .flush = lazy_flush,
    .release = lazy_release,
    .fsync = lazy_fsync,
    .fsyncdir = lazy_fsyncdir,
    .fallocate = lazy_fallocate,
    .lseek = lazy_lseek,
};

int main(int argc, char *argv[]) {
    if (argc == 2 && strcmp(argv[1], "--version") == 0) {
        printf("faultline-lazyfs 0.1.0 (libfuse %d)\n", fuse_version());
        return 0;
    }
    if (argc != 3) {
        fprintf(stderr, "usage: faultline-lazyfs BACKING MOUNTPOINT\n");
        return 254;
    }
    char mountpoint[PATH_MAX];
    if (!realpath(argv[2], mountpoint)) {
        fprintf(stderr, "faultline-lazyfs: %s: %s\n", argv[2], strerror(errno));
        return 254;
    }
    backing_fd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (backing_fd < 0) {
        fprintf(stderr, "faultline-lazyfs: %s: %s\n", argv[1], strerror(errno));
        return 254;
    }
    char *fuse_argv[] = {argv[0], "-o", "fsname=faultline-lazyfs,subtype=faultline-lazyfs,allow_other", NULL};
    struct fuse_args args = FUSE_ARGS_INIT(3, fuse_argv);
    struct fuse *fuse = fuse_new(&args, &operations, sizeof operations, NULL);
    if (!fuse) return 1;
    if (fuse_mount(fuse, mountpoint) != 0) {
        fuse_destroy(fuse);
        return 1;
    }
    struct fuse_session *session = fuse_get_session(fuse);
    if (fuse_set_signal_handlers(session) != 0) {
        fuse_unmount(fuse);
        fuse_destroy(fuse);
        return 1;
    }
    fprintf(stderr, "faultline-lazyfs: %s mounted over %s\n", argv[1], mountpoint);
    int r = fuse_loop_mt(fuse, 0);
    fuse_remove_signal_handlers(session);
    fuse_unmount(fuse);
    fuse_destroy(fuse);
    fprintf(stderr, "faultline-lazyfs: %s unmounted\n", mountpoint);
    return r == 0 ? 0 : 1;
}
