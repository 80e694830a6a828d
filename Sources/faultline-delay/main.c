// faultline-delay: holds every packet the kernel queues to it (iptables `-j NFQUEUE --queue-num N`)
// for a fixed time, then lets it go on, in the order it came. A user-space stand-in for netem's
// delay on kernels without netem (this lab's has none): Faultline queues the packets from the
// other nodes in the `mangle` table, so a packet let go still passes the `filter` table's
// partition rules as they are when it arrives, as on a slow wire.
//
// Usage: faultline-delay --queue N --delay-ms D [--pid-file PATH]
//   Binds queue N (another process holding it is an error), prints "holding queue N for D ms"
//   and one line per second with the counts, lets every held packet go and exits on SIGTERM or
//   SIGINT. Packets are only held, never changed or dropped: a full queue or a dead delayer lets
//   packets pass (fail-open, and the rule's `--queue-bypass`).
//
// Speaks nfnetlink_queue over a raw netlink socket (no libnetfilter_queue): config (bind, copy
// metadata only, queue length, fail-open), packets in, and batch verdicts — a fixed delay keeps
// the packets in id order, so one verdict lets go of every packet up to an id.
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <linux/netlink.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { capacity = 1 << 18 };

// Held packets, oldest first: a ring of (id, time it may go).
static uint32_t held_id[capacity];
static uint64_t held_until[capacity];
static size_t head, count;
static unsigned long long passed, overflowed;
static volatile sig_atomic_t stopping;
static int queue_number = -1;

static uint64_t now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000u + (uint64_t)t.tv_nsec / 1000u;
}

static void on_signal(int s) { (void)s; stopping = 1; }

// One nfnetlink message under construction.
struct message {
    char bytes[256];
    struct nlmsghdr *header;
};

static void begin(struct message *m, uint16_t type, uint16_t flags) {
    memset(m->bytes, 0, sizeof m->bytes);
    m->header = (struct nlmsghdr *)m->bytes;
    m->header->nlmsg_len = NLMSG_LENGTH(sizeof(struct nfgenmsg));
    m->header->nlmsg_type = (NFNL_SUBSYS_QUEUE << 8) | type;
    m->header->nlmsg_flags = NLM_F_REQUEST | flags;
    struct nfgenmsg *g = NLMSG_DATA(m->header);
    g->nfgen_family = AF_UNSPEC;
    g->version = NFNETLINK_V0;
    g->res_id = htons((uint16_t)queue_number);
}

static void attribute(struct message *m, uint16_t type, const void *data, size_t length) {
    struct nlattr *a = (struct nlattr *)(m->bytes + NLMSG_ALIGN(m->header->nlmsg_len));
    a->nla_type = type;
    a->nla_len = (uint16_t)(NLA_HDRLEN + length);
    memcpy((char *)a + NLA_HDRLEN, data, length);
    m->header->nlmsg_len = NLMSG_ALIGN(m->header->nlmsg_len) + NLA_ALIGN(a->nla_len);
}

static int send_message(int fd, struct message *m) {
    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    return sendto(fd, m->bytes, m->header->nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0 ? -1 : 0;
}

// Sends a config message asking for an acknowledgement and fails with the kernel's error.
static int configure(int fd, struct message *m, const char *what) {
    if (send_message(fd, m) < 0) { fprintf(stderr, "faultline-delay: %s: %s\n", what, strerror(errno)); return -1; }
    char reply[4096];
    ssize_t n = recv(fd, reply, sizeof reply, 0);
    if (n < 0) { fprintf(stderr, "faultline-delay: %s: %s\n", what, strerror(errno)); return -1; }
    struct nlmsghdr *h = (struct nlmsghdr *)reply;
    if (NLMSG_OK(h, (unsigned)n) && h->nlmsg_type == NLMSG_ERROR) {
        struct nlmsgerr *e = NLMSG_DATA(h);
        if (e->error != 0) { fprintf(stderr, "faultline-delay: %s: %s\n", what, strerror(-e->error)); return -1; }
    }
    return 0;
}

// Lets every packet up to and including `id` go on.
static void release_through(int fd, uint32_t id) {
    struct message m;
    begin(&m, NFQNL_MSG_VERDICT_BATCH, 0);
    struct nfqnl_msg_verdict_hdr verdict = {.verdict = htonl(NF_ACCEPT), .id = htonl(id)};
    attribute(&m, NFQA_VERDICT_HDR, &verdict, sizeof verdict);
    if (send_message(fd, &m) < 0) fprintf(stderr, "faultline-delay: verdict: %s\n", strerror(errno));
}

// Lets go of the packets whose time has come (all of them when `all`).
static void release_due(int fd, int all) {
    uint64_t now = now_us();
    size_t released = 0;
    uint32_t last = 0;
    while (count > 0 && (all || held_until[head] <= now)) {
        last = held_id[head];
        head = (head + 1) % capacity;
        count--;
        released++;
    }
    if (released > 0) {
        release_through(fd, last);
        passed += released;
    }
}

// Reads the queued packets of one datagram into the ring.
static void take(const char *buffer, ssize_t length, uint64_t until, int fd) {
    for (struct nlmsghdr *h = (struct nlmsghdr *)buffer; NLMSG_OK(h, (unsigned)length); h = NLMSG_NEXT(h, length)) {
        if ((h->nlmsg_type & 0xff) != NFQNL_MSG_PACKET || (h->nlmsg_type >> 8) != NFNL_SUBSYS_QUEUE) continue;
        char *attributes = (char *)NLMSG_DATA(h) + NLMSG_ALIGN(sizeof(struct nfgenmsg));
        int left = (int)h->nlmsg_len - (int)NLMSG_LENGTH(NLMSG_ALIGN(sizeof(struct nfgenmsg)));
        for (struct nlattr *a = (struct nlattr *)attributes; left >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= left;
             left -= NLA_ALIGN(a->nla_len), a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len))) {
            if ((a->nla_type & NLA_TYPE_MASK) != NFQA_PACKET_HDR) continue;
            struct nfqnl_msg_packet_hdr *p = (struct nfqnl_msg_packet_hdr *)((char *)a + NLA_HDRLEN);
            uint32_t id = ntohl(p->packet_id);
            if (count == capacity) {  // never drop: let the oldest go early
                release_through(fd, held_id[(head + count - 1) % capacity]);
                head = (head + count) % capacity;
                passed += count;
                overflowed += count;
                count = 0;
            }
            size_t tail = (head + count) % capacity;
            held_id[tail] = id;
            held_until[tail] = until;
            count++;
        }
    }
}

int main(int argc, char **argv) {
    long delay_ms = -1;
    const char *pid_file = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--queue") && i + 1 < argc) queue_number = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--delay-ms") && i + 1 < argc) delay_ms = atol(argv[++i]);
        else if (!strcmp(argv[i], "--pid-file") && i + 1 < argc) pid_file = argv[++i];
        else { fprintf(stderr, "faultline-delay: unknown argument %s\n", argv[i]); return 2; }
    }
    if (queue_number < 0 || queue_number > 65535 || delay_ms < 0 || delay_ms > 60000) {
        fprintf(stderr, "usage: faultline-delay --queue N (0-65535) --delay-ms D (0-60000) [--pid-file PATH]\n");
        return 2;
    }
    struct sigaction action = {.sa_handler = on_signal};
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGINT, &action, NULL);

    int fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER);
    if (fd < 0) { fprintf(stderr, "faultline-delay: netlink socket: %s\n", strerror(errno)); return 1; }
    struct sockaddr_nl local = {.nl_family = AF_NETLINK};
    if (bind(fd, (struct sockaddr *)&local, sizeof local) < 0) { fprintf(stderr, "faultline-delay: bind: %s\n", strerror(errno)); return 1; }
    int size = 8 << 20, on = 1;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size);
    setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &on, sizeof on);

    struct message m;
    begin(&m, NFQNL_MSG_CONFIG, NLM_F_ACK);
    struct nfqnl_msg_config_cmd bind_command = {.command = NFQNL_CFG_CMD_BIND};
    attribute(&m, NFQA_CFG_CMD, &bind_command, sizeof bind_command);
    if (configure(fd, &m, "binding the queue") < 0) return 1;
    begin(&m, NFQNL_MSG_CONFIG, NLM_F_ACK);
    struct nfqnl_msg_config_params params = {.copy_range = htonl(0), .copy_mode = NFQNL_COPY_META};
    attribute(&m, NFQA_CFG_PARAMS, &params, sizeof params);
    uint32_t length = htonl(capacity);
    attribute(&m, NFQA_CFG_QUEUE_MAXLEN, &length, sizeof length);
    uint32_t flags = htonl(NFQA_CFG_F_FAIL_OPEN), mask = htonl(NFQA_CFG_F_FAIL_OPEN);
    attribute(&m, NFQA_CFG_FLAGS, &flags, sizeof flags);
    attribute(&m, NFQA_CFG_MASK, &mask, sizeof mask);
    if (configure(fd, &m, "configuring the queue") < 0) return 1;

    if (pid_file) {
        FILE *f = fopen(pid_file, "w");
        if (!f) { fprintf(stderr, "faultline-delay: %s: %s\n", pid_file, strerror(errno)); return 1; }
        fprintf(f, "%d\n", (int)getpid());
        fclose(f);
    }
    printf("holding queue %d for %ld ms\n", queue_number, delay_ms);
    fflush(stdout);

    static char buffer[1 << 16];
    uint64_t delay = (uint64_t)delay_ms * 1000u, next_report = now_us() + 1000000u;
    while (!stopping) {
        int timeout = 1000;
        if (count > 0) {
            uint64_t now = now_us(), due = held_until[head];
            timeout = due <= now ? 0 : (int)((due - now + 999) / 1000);
        }
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int ready = poll(&p, 1, timeout);
        if (ready < 0 && errno != EINTR) { fprintf(stderr, "faultline-delay: poll: %s\n", strerror(errno)); break; }
        if (ready > 0) {
            for (;;) {
                ssize_t n = recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
                if (n <= 0) break;
                take(buffer, n, now_us() + delay, fd);
            }
        }
        release_due(fd, 0);
        uint64_t now = now_us();
        if (now >= next_report) {
            printf("held %zu passed %llu early %llu\n", count, passed, overflowed);
            fflush(stdout);
            next_report = now + 1000000u;
        }
    }
    release_due(fd, 1);
    begin(&m, NFQNL_MSG_CONFIG, 0);
    struct nfqnl_msg_config_cmd unbind = {.command = NFQNL_CFG_CMD_UNBIND};
    attribute(&m, NFQA_CFG_CMD, &unbind, sizeof unbind);
    send_message(fd, &m);
    printf("let go; passed %llu early %llu\n", passed, overflowed);
    if (pid_file) unlink(pid_file);
    return 0;
}
