// faultline-lazyfs: a FUSE filesystem that passes everything through to a backing directory but
// remembers, per file, what was written since the file was last fsynced, so that a power loss can
// be simulated: on the command `drop` every file is put back as it was at its last fsync (size and
// overwritten bytes), exactly what a machine that lost power would find on its disk.
//
//   faultline-lazyfs [--entries strict|journaled] BACKING MOUNTPOINT
//
// BACKING may be MOUNTPOINT itself: the backing directory is opened before the mount, and every
// access goes through that descriptor (*at calls), so the files stay where they were after unmount.
// Runs in the foreground until unmounted (fusermount3 -u MOUNTPOINT) or sent SIGTERM.
//
// Control: the file `.faultline-lazyfs` at the root of the mount (not listed by readdir). Write a
// command to it, then read it for the answer:
//   printf drop > M/.faultline-lazyfs && cat M/.faultline-lazyfs
//     -> dropped B bytes in F files; undid C creates, R removes, N renames
// (B: bytes written or cut off by truncation since the last fsync; F: the files they were in;
// C, R, N: names created, removed and renamed in directories not fsynced since)
//   printf status > M/.faultline-lazyfs && cat M/.faultline-lazyfs  -> unsynced B bytes in F files; E entries
//   printf sync > M/.faultline-lazyfs                                -> forgets what is un-synced
//
// Data is written through to BACKING at once (so reads see it); before a write overwrites bytes
// that were durable, their old contents are saved (4 KiB pages), and the file's durable size is
// remembered. `drop` truncates each file to its durable size and writes the saved pages back.
//
// Directory entries follow the same rule, the way ext4 is modelled: a file's fsync makes its
// data durable, a directory's fsync makes its entries durable. Every name created (create, mknod,
// mkdir, symlink, link), removed (unlink, rmdir) or renamed is journaled until its directory is
// fsynced (for a rename, either of its two directories: it is one operation); `drop` undoes the
// journal newest first: a created name is removed (a directory with everything under it), a
// removed one comes back, a rename is renamed back. A removed entry (and one a rename replaced)
// waits in the hidden directory `.faultline-lazyfs-graveyard` of BACKING until then, so it comes
// back with its inode and its own durable data. The graveyard is emptied at mount and unmount.
//
// That is `--entries strict` (the default), all POSIX promises. `--entries journaled` models a
// journaling filesystem such as ext4, whose fsync of any file commits the journal transaction
// holding every earlier name change: there, any fsync or fdatasync (of a file or a directory)
// makes every journaled entry durable, and only data not fsynced is lost. A database that never
// fsyncs the directories it creates survives a power loss under `journaled` and not under `strict`.
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
#define GRAVEYARD_NAME ".faultline-lazyfs-graveyard"

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

// The graveyard and anything under it are invisible through the mount.
static int is_hidden(const char *path) {
    size_t n = strlen("/" GRAVEYARD_NAME);
    return path && strncmp(path, "/" GRAVEYARD_NAME, n) == 0 && (path[n] == 0 || path[n] == '/');
}

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
    char self[64];
    snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
    int rw = open(self, O_RDWR | O_CLOEXEC);  // by descriptor: the name may be gone or renamed
    if (rw < 0) return NULL;
    s = calloc(1, sizeof *s);
    if (!s) {
        close(rw);
        return NULL;
    }
    s->dev = st.st_dev;
    s->ino = st.st_ino;
    s->fd = rw;
    s->path = strdup(path ? relative(path) : "?");
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

// ---- un-synced directory entries ----------------------------------------------------------

// A directory with journaled entries, held open so that undoing works whatever it is called now.
struct dir_ref {
    dev_t dev;
    ino_t ino;
    int fd;
    unsigned refs;
    struct dir_ref *next;
};

enum entry_kind { ENTRY_CREATED, ENTRY_REMOVED, ENTRY_RENAMED, ENTRY_EXCHANGED };

// One entry operation not yet made durable by an fsync of its directory.
struct entry_op {
    enum entry_kind kind;
    struct dir_ref *dir;    // the directory of `name` (for renames, of the old name)
    char *name;
    struct dir_ref *to_dir; // renames: the directory of the new name
    char *to_name;
    char *grave;            // removed: where the entry waits; renamed: the entry it replaced, or NULL
    struct entry_op *next;  // older
};

static struct dir_ref *dirs = NULL;
static struct entry_op *entries = NULL; // newest first
static int graveyard_fd = -1;
static unsigned long long grave_sequence = 0;
static int entries_journaled = 0; // --entries journaled: any fsync makes every entry durable

// `path`'s directory (opened, referenced once more) and its last component. Call with state_lock held.
static struct dir_ref *parent_of(const char *path, const char **name) {
    const char *rel = relative(path);
    const char *slash = strrchr(rel, '/');
    char parent[PATH_MAX];
    if (slash) {
        size_t n = (size_t)(slash - rel);
        if (n >= sizeof parent) return NULL;
        memcpy(parent, rel, n);
        parent[n] = 0;
        *name = slash + 1;
    } else {
        strcpy(parent, ".");
        *name = rel;
    }
    int fd = openat(backing_fd, parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return NULL;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        close(fd);
        return NULL;
    }
    for (struct dir_ref *d = dirs; d; d = d->next) {
        if (d->dev == st.st_dev && d->ino == st.st_ino) {
            close(fd);
            d->refs++;
            return d;
        }
    }
    struct dir_ref *d = calloc(1, sizeof *d);
    if (!d) {
        close(fd);
        return NULL;
    }
    *d = (struct dir_ref){.dev = st.st_dev, .ino = st.st_ino, .fd = fd, .refs = 1, .next = dirs};
    dirs = d;
    return d;
}

static void release_dir(struct dir_ref *d) {
    if (!d || --d->refs > 0) return;
    for (struct dir_ref **p = &dirs; *p; p = &(*p)->next) {
        if (*p == d) {
            *p = d->next;
            break;
        }
    }
    close(d->fd);
    free(d);
}

static char *new_grave(void) {
    char name[32];
    snprintf(name, sizeof name, "%llu", ++grave_sequence);
    return strdup(name);
}

// Journals an operation; takes over the references to `dir` and `to_dir`.
static void journal(enum entry_kind kind, struct dir_ref *dir, const char *name, struct dir_ref *to_dir,
                    const char *to_name, char *grave) {
    struct entry_op *op = calloc(1, sizeof *op);
    if (!op) {
        fprintf(stderr, "faultline-lazyfs: out of memory: an entry change is not journaled\n");
        release_dir(dir);
        release_dir(to_dir);
        free(grave);
        return;
    }
    *op = (struct entry_op){.kind = kind, .dir = dir, .name = strdup(name), .to_dir = to_dir,
                            .to_name = to_name ? strdup(to_name) : NULL, .grave = grave, .next = entries};
    entries = op;
}

// Removes `name` in `dirfd`, a directory with everything under it; the un-synced state of a file
// that loses its last name goes with it. Call with state_lock held.
static int remove_tree(int dirfd, const char *name) {
    struct stat st;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return -errno;
    if (!S_ISDIR(st.st_mode)) {
        if (S_ISREG(st.st_mode) && st.st_nlink == 1) forget_state(st.st_dev, st.st_ino);
        return unlinkat(dirfd, name, 0) == 0 ? 0 : -errno;
    }
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return -errno;
    DIR *dir = fdopendir(fd);
    if (!dir) {
        close(fd);
        return -errno;
    }
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL)
        if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0) remove_tree(fd, entry->d_name);
    closedir(dir);
    return unlinkat(dirfd, name, AT_REMOVEDIR) == 0 ? 0 : -errno;
}

static void free_op(struct entry_op *op) {
    release_dir(op->dir);
    release_dir(op->to_dir);
    free(op->name);
    free(op->to_name);
    free(op->grave);
    free(op);
}

// The operation is durable: what waited in the graveyard for it is gone for good.
static void forget_op(struct entry_op *op) {
    if (op->grave) remove_tree(graveyard_fd, op->grave);
    free_op(op);
}

static void report_undo(const struct entry_op *op, int r) {
    if (r != 0) fprintf(stderr, "faultline-lazyfs: undo %s: %s\n", op->name, strerror(-r));
}

// Undoes one operation (newest first). Counts into created, removed, renamed.
static void undo_op(struct entry_op *op, unsigned long long counts[3]) {
    int r = 0;
    switch (op->kind) {
    case ENTRY_CREATED:
        r = remove_tree(op->dir->fd, op->name);
        counts[0] += r == 0;
        break;
    case ENTRY_REMOVED:
        r = renameat(graveyard_fd, op->grave, op->dir->fd, op->name) == 0 ? 0 : -errno;
        counts[1] += r == 0;
        break;
    case ENTRY_RENAMED:
        r = renameat(op->to_dir->fd, op->to_name, op->dir->fd, op->name) == 0 ? 0 : -errno;
        if (r == 0 && op->grave && renameat(graveyard_fd, op->grave, op->to_dir->fd, op->to_name) != 0) r = -errno;
        counts[2] += r == 0;
        break;
    case ENTRY_EXCHANGED:
        r = renameat2(op->to_dir->fd, op->to_name, op->dir->fd, op->name, RENAME_EXCHANGE) == 0 ? 0 : -errno;
        counts[2] += r == 0;
        break;
    }
    report_undo(op, r);
    if (r == 0 && op->kind != ENTRY_CREATED) {
        free(op->grave); // moved back: nothing to remove from the graveyard
        op->grave = NULL;
    }
    forget_op(op);
}

// An fsync of the directory (dev, ino): its journaled operations are durable.
static void directory_synced(dev_t dev, ino_t ino) {
    for (struct entry_op **p = &entries; *p;) {
        struct entry_op *op = *p;
        int in_it = (op->dir->dev == dev && op->dir->ino == ino)
            || (op->to_dir && op->to_dir->dev == dev && op->to_dir->ino == ino);
        if (in_it) {
            *p = op->next;
            forget_op(op);
        } else {
            p = &op->next;
        }
    }
}

// An fsync of anything under `journaled`: every journaled operation is durable.
static void everything_synced(void) {
    while (entries) {
        struct entry_op *op = entries;
        entries = op->next;
        forget_op(op);
    }
}

static unsigned long long journaled_entries(void) {
    unsigned long long n = 0;
    for (struct entry_op *op = entries; op; op = op->next) n++;
    return n;
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
        // Data first (a removed file comes back with its durable contents), then names, newest first.
        unsigned long long counts[3] = {0, 0, 0};
        while (entries) {
            struct entry_op *op = entries;
            entries = op->next;
            undo_op(op, counts);
        }
        snprintf(control_answer, sizeof control_answer, "dropped %llu bytes in %llu files; undid %llu creates, %llu removes, %llu renames\n",
                 bytes, files, counts[0], counts[1], counts[2]);
    } else if (length == 6 && memcmp(command, "status", 6) == 0) {
        snprintf(control_answer, sizeof control_answer, "unsynced %llu bytes in %llu files; %llu entries\n", bytes, files, journaled_entries());
    } else if (length == 4 && memcmp(command, "sync", 4) == 0) {
        unsigned long long n = journaled_entries();
        while (states) {
            struct file_state *s = states;
            states = s->next;
            free_state(s);
        }
        everything_synced();
        snprintf(control_answer, sizeof control_answer, "synced %llu bytes in %llu files; %llu entries\n", bytes, files, n);
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
    if (is_hidden(path)) return -ENOENT;
    int r = fi && fi->fh != CONTROL_FH ? fstat((int)fi->fh, st) : fstatat(backing_fd, relative(path), st, AT_SYMLINK_NOFOLLOW);
    return r == 0 ? 0 : -errno;
}

static int lazy_access(const char *path, int mask) {
    if (is_control(path)) return 0;
    if (is_hidden(path)) return -ENOENT;
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
    int root = strcmp(relative(path), ".") == 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        if (root && strcmp(entry->d_name, GRAVEYARD_NAME) == 0) continue;
        struct stat st = {.st_ino = entry->d_ino, .st_mode = (mode_t)(entry->d_type << 12)};
        if (fill(buf, entry->d_name, &st, 0, 0)) break;
    }
    closedir(dir);
    return 0;
}

// ---- entry operations: journaled under state_lock until their directory is fsynced --------

// Runs a creating operation (`r` its result) and journals the new name.
static int created(const char *path, int r) {
    if (r != 0) return -errno;
    const char *name;
    struct dir_ref *dir = parent_of(path, &name);
    if (dir) journal(ENTRY_CREATED, dir, name, NULL, NULL, NULL);
    else fprintf(stderr, "faultline-lazyfs: %s: the new entry is not journaled: %s\n", path, strerror(errno));
    return 0;
}

static int lazy_mknod(const char *path, mode_t mode, dev_t rdev) {
    if (is_hidden(path) || is_control(path)) return -EPERM;
    pthread_mutex_lock(&state_lock);
    int r = created(path, mknodat(backing_fd, relative(path), mode, rdev));
    pthread_mutex_unlock(&state_lock);
    return r;
}

static int lazy_mkdir(const char *path, mode_t mode) {
    if (is_hidden(path) || is_control(path)) return -EPERM;
    pthread_mutex_lock(&state_lock);
    int r = created(path, mkdirat(backing_fd, relative(path), mode));
    pthread_mutex_unlock(&state_lock);
    return r;
}

static int lazy_symlink(const char *target, const char *path) {
    if (is_hidden(path) || is_control(path)) return -EPERM;
    pthread_mutex_lock(&state_lock);
    int r = created(path, symlinkat(target, backing_fd, relative(path)));
    pthread_mutex_unlock(&state_lock);
    return r;
}

static int lazy_link(const char *from, const char *to) {
    if (is_hidden(to) || is_control(to)) return -EPERM;
    pthread_mutex_lock(&state_lock);
    int r = created(to, linkat(backing_fd, relative(from), backing_fd, relative(to), 0));
    pthread_mutex_unlock(&state_lock);
    return r;
}

static int is_empty_directory(const char *path) {
    int fd = openat(backing_fd, relative(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return 0;
    DIR *dir = fdopendir(fd);
    if (!dir) {
        close(fd);
        return 0;
    }
    int empty = 1;
    struct dirent *entry;
    while (empty && (entry = readdir(dir)) != NULL) empty = strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0;
    closedir(dir);
    return empty;
}

// Unlink and rmdir move the entry into the graveyard, from where a drop brings it back.
static int removed(const char *path, int directory) {
    if (is_control(path)) return -EPERM;
    pthread_mutex_lock(&state_lock);
    struct stat st;
    int r = fstatat(backing_fd, relative(path), &st, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : -errno;
    if (r == 0 && directory && !S_ISDIR(st.st_mode)) r = -ENOTDIR;
    if (r == 0 && !directory && S_ISDIR(st.st_mode)) r = -EISDIR;
    if (r == 0 && directory && !is_empty_directory(path)) r = -ENOTEMPTY;
    const char *name;
    struct dir_ref *dir = r == 0 ? parent_of(path, &name) : NULL;
    if (r == 0 && !dir) r = -errno;
    char *grave = r == 0 ? new_grave() : NULL;
    if (r == 0 && !grave) r = -ENOMEM;
    if (r == 0 && renameat(backing_fd, relative(path), graveyard_fd, grave) != 0) r = -errno;
    if (r == 0) journal(ENTRY_REMOVED, dir, name, NULL, NULL, grave);
    else {
        release_dir(dir);
        free(grave);
    }
    pthread_mutex_unlock(&state_lock);
    return r;
}

static int lazy_unlink(const char *path) { return removed(path, 0); }

static int lazy_rmdir(const char *path) { return removed(path, 1); }

// A rename that replaces an entry keeps the replaced one in the graveyard: a hard link for a file
// (so the new name appears atomically), the (empty) directory itself for a directory.
static int lazy_rename(const char *from, const char *to, unsigned int flags) {
    if (is_control(from) || is_control(to) || is_hidden(to)) return -EPERM;
    pthread_mutex_lock(&state_lock);
    struct stat source, target;
    int r = fstatat(backing_fd, relative(from), &source, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : -errno;
    int replaces = r == 0 && !(flags & (RENAME_EXCHANGE | RENAME_NOREPLACE))
        && fstatat(backing_fd, relative(to), &target, AT_SYMLINK_NOFOLLOW) == 0;
    if (replaces && source.st_dev == target.st_dev && source.st_ino == target.st_ino) {
        // Two names of one file: rename does nothing.
        pthread_mutex_unlock(&state_lock);
        return renameat2(backing_fd, relative(from), backing_fd, relative(to), flags) == 0 ? 0 : -errno;
    }
    if (replaces && S_ISDIR(target.st_mode) && !S_ISDIR(source.st_mode)) r = -EISDIR;
    if (replaces && !S_ISDIR(target.st_mode) && S_ISDIR(source.st_mode)) r = -ENOTDIR;
    if (r == 0 && replaces && S_ISDIR(target.st_mode) && !is_empty_directory(to)) r = -ENOTEMPTY;
    const char *name = NULL, *to_name = NULL;
    struct dir_ref *dir = r == 0 ? parent_of(from, &name) : NULL;
    struct dir_ref *to_dir = dir ? parent_of(to, &to_name) : NULL;
    if (r == 0 && !to_dir) r = -errno;
    char *grave = r == 0 && replaces ? new_grave() : NULL;
    if (r == 0 && replaces && !grave) r = -ENOMEM;
    if (r == 0 && grave) {
        int kept = S_ISDIR(target.st_mode) ? renameat(backing_fd, relative(to), graveyard_fd, grave)
                                           : linkat(backing_fd, relative(to), graveyard_fd, grave, 0);
        if (kept != 0) r = -errno;
    }
    if (r == 0 && renameat2(backing_fd, relative(from), backing_fd, relative(to), flags) != 0) {
        r = -errno;
        if (grave && S_ISDIR(target.st_mode)) renameat(graveyard_fd, grave, backing_fd, relative(to));
        else if (grave) unlinkat(graveyard_fd, grave, 0);
    }
    if (r == 0) {
        journal(flags & RENAME_EXCHANGE ? ENTRY_EXCHANGED : ENTRY_RENAMED, dir, name, to_dir, to_name, grave);
    } else {
        release_dir(dir);
        release_dir(to_dir);
        free(grave);
    }
    pthread_mutex_unlock(&state_lock);
    return r;
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

// A create that makes a new file journals its name; one that finds the file is an open.
static int lazy_create(const char *path, mode_t mode, struct fuse_file_info *fi) {
    if (is_control(path)) return -EEXIST;
    if (is_hidden(path)) return -EPERM;
    pthread_mutex_lock(&state_lock);
    int fd = openat(backing_fd, relative(path), (backing_flags(fi->flags) & ~O_TRUNC) | O_CREAT | O_EXCL, mode);
    int r = fd >= 0 ? created(path, 0) : -errno;
    pthread_mutex_unlock(&state_lock);
    if (r == -EEXIST && !(fi->flags & O_EXCL)) return lazy_open(path, fi);
    if (r != 0) return r;
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
    if (entries_journaled) everything_synced();
    pthread_mutex_unlock(&state_lock);
    return 0;
}

static int lazy_fsyncdir(const char *path, int datasync, struct fuse_file_info *fi) {
    (void)datasync, (void)fi;
    int fd = openat(backing_fd, relative(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -errno;
    struct stat st;
    int r = fsync(fd) == 0 && fstat(fd, &st) == 0 ? 0 : -errno;
    close(fd);
    if (r != 0) return r;
    pthread_mutex_lock(&state_lock);
    if (entries_journaled) everything_synced();
    else directory_synced(st.st_dev, st.st_ino);
    pthread_mutex_unlock(&state_lock);
    return 0;
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
    char *program = argv[0];
    if (argc == 5 && strcmp(argv[1], "--entries") == 0) {
        if (strcmp(argv[2], "journaled") == 0) entries_journaled = 1;
        else if (strcmp(argv[2], "strict") != 0) {
            fprintf(stderr, "faultline-lazyfs: --entries: expected strict or journaled, got \"%s\"\n", argv[2]);
            return 254;
        }
        argv += 2;
        argc -= 2;
    }
    if (argc != 3) {
        fprintf(stderr, "usage: faultline-lazyfs [--entries strict|journaled] BACKING MOUNTPOINT\n");
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
    remove_tree(backing_fd, GRAVEYARD_NAME); // left by a layer that was killed
    if (mkdirat(backing_fd, GRAVEYARD_NAME, 0700) != 0
        || (graveyard_fd = openat(backing_fd, GRAVEYARD_NAME, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        fprintf(stderr, "faultline-lazyfs: %s/%s: %s\n", argv[1], GRAVEYARD_NAME, strerror(errno));
        return 254;
    }
    char *fuse_argv[] = {program, "-o", "fsname=faultline-lazyfs,subtype=faultline-lazyfs,allow_other", NULL};
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
    fprintf(stderr, "faultline-lazyfs: %s mounted over %s (entries %s)\n", argv[1], mountpoint, entries_journaled ? "journaled" : "strict");
    int r = fuse_loop_mt(fuse, 0);
    fuse_remove_signal_handlers(session);
    fuse_unmount(fuse);
    fuse_destroy(fuse);
    remove_tree(backing_fd, GRAVEYARD_NAME); // unmounted without a drop: what was removed stays removed
    fprintf(stderr, "faultline-lazyfs: %s unmounted\n", mountpoint);
    return r == 0 ? 0 : 1;
}
