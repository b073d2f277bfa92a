/*
 * xpcsim-test ROOT LAUNCHD: pins the semantics of docs/native-shim.md "The libxpc simulator" (one
 * check per rule of shared/design/XPC-SEMANTICS.md), run by the Maven build. It starts its own
 * simulated launchd for ROOT. Misuse that must crash is run in a forked child.
 * Internal modes: "serve NAME" (a launchd job: echoes, replies with its pid, exits on "exit").
 */
#define _GNU_SOURCE
#include <Block.h>
#include <dispatch/dispatch.h>
#include <xpc/xpc.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <dirent.h>
#include <sys/event.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../xpc_internal.h"

static int passed, failed;
#define CHECK(cond, name) do { if (cond) { passed++; printf("ok - %s\n", name); } else { failed++; printf("not ok - %s (%s:%d)\n", name, __FILE__, __LINE__); } fflush(stdout); } while (0)

/* A one-shot event with a timeout, for waiting on handlers. */
struct signal { pthread_mutex_t m; pthread_cond_t c; int n; };
#define SIGNAL_INIT {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0}
static void post(struct signal *s) { pthread_mutex_lock(&s->m); s->n++; pthread_cond_broadcast(&s->c); pthread_mutex_unlock(&s->m); }
static int await_n(struct signal *s, int n, int ms) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) { ts.tv_sec++; ts.tv_nsec -= 1000000000L; }
    pthread_mutex_lock(&s->m);
    while (s->n < n) if (pthread_cond_timedwait(&s->c, &s->m, &ts) != 0) break;
    int ok = s->n >= n;
    pthread_mutex_unlock(&s->m);
    return ok;
}

static char self_exe[512];
static const char *root_dir;

/* Runs "xpcsim-test misuse NAME" (a fresh process: a fork of this threaded one could not start
 * threads); true when it died of SIGABRT having printed expect on stderr. */
static int aborts_with(const char *misuse, const char *expect) {
    int p[2];
    if (pipe(p) != 0) return 0;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(p[1], 2);
        alarm(10); /* a misuse that hangs instead of crashing dies of SIGALRM: a failure, not a stuck build */
        execl(self_exe, self_exe, "misuse", misuse, (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    char buf[2048] = "";
    size_t used = 0;
    ssize_t n;
    while ((n = read(p[0], buf + used, sizeof buf - 1 - used)) > 0) used += (size_t)n;
    buf[used] = '\0';
    close(p[0]);
    int status;
    waitpid(pid, &status, 0);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT && strstr(buf, expect) != NULL;
}

/* ---- dispatch ---- */
static void sync_on_own_queue(void) {
    dispatch_queue_t q = dispatch_queue_create("own", DISPATCH_QUEUE_SERIAL);
    dispatch_sync(q, ^{ dispatch_sync(q, ^{}); });
}

/* "pool": in a fresh process with one idle worker, two items queued back to back where the first
 * waits for the second. Exit 0 when the second ran (on a worker of its own). */
static int pool_two_items(void) {
    struct signal *first = calloc(1, sizeof *first), *second = calloc(1, sizeof *second);
    *first = (struct signal)SIGNAL_INIT;
    *second = (struct signal)SIGNAL_INIT;
    dispatch_async(dispatch_get_global_queue(0, 0), ^{ post(first); });
    await_n(first, 1, 5000);
    usleep(20000); /* let that worker go back to waiting: the one idle worker */
    dispatch_async(dispatch_get_global_queue(0, 0), ^{ await_n(second, 1, 5000) ? post(first) : (void)0; });
    dispatch_async(dispatch_get_global_queue(0, 0), ^{ post(second); });
    return await_n(first, 2, 10000) ? 0 : 1;
}

static int exits_zero(const char *mode) {
    pid_t pid = fork();
    if (pid == 0) {
        alarm(20);
        execl(self_exe, self_exe, mode, (char *)NULL);
        _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void test_dispatch(void) {
    dispatch_queue_t conc = dispatch_queue_create("conc", DISPATCH_QUEUE_CONCURRENT);
    dispatch_queue_t q = dispatch_queue_create("serial", DISPATCH_QUEUE_SERIAL);
    dispatch_set_target_queue(q, conc);
    __block int next = 0, bad = 0;
    __block atomic_int inside = 0;
    struct signal *done = calloc(1, sizeof *done);
    *done = (struct signal)SIGNAL_INIT;
    for (int i = 0; i < 200; i++) {
        dispatch_async(q, ^{
          if (atomic_fetch_add(&inside, 1) != 0) bad = 1;
          if (next != i) bad = 1;
          next++;
          usleep(50);
          atomic_fetch_sub(&inside, 1);
          if (i == 199) post(done);
        });
    }
    CHECK(await_n(done, 1, 10000) && !bad, "a serial queue runs its items one at a time, in order, on a concurrent target");
    CHECK(aborts_with("sync_on_own_queue", "dispatch_sync called on queue already owned by current thread"),
          "dispatch_sync on the queue the thread is draining crashes instead of hanging");
    int pool_ok = 1;
    for (int i = 0; i < 5 && pool_ok; i++) pool_ok = exits_zero("pool");
    CHECK(pool_ok, "two items queued at once never share the one idle worker: the second runs while the first blocks");
}

/* ---- XPC, in one process (anonymous listener) ---- */
static xpc_connection_t listen_anon(dispatch_queue_t peer_q, xpc_handler_t on_message, struct signal *peer_invalid) {
    xpc_connection_t l = xpc_connection_create(NULL, NULL);
    xpc_handler_t msg = Block_copy(on_message);
    xpc_connection_set_event_handler(l, ^(xpc_object_t peer) {
      if (xpc_get_type(peer) != XPC_TYPE_CONNECTION) return;
      xpc_retain(peer);
      if (peer_q != NULL) xpc_connection_set_target_queue(peer, peer_q);
      xpc_connection_set_event_handler(peer, ^(xpc_object_t ev) {
        if (ev == XPC_ERROR_CONNECTION_INVALID) {
            if (peer_invalid != NULL) post(peer_invalid);
            xpc_release(peer);
        } else if (xpc_get_type(ev) == XPC_TYPE_DICTIONARY) {
            msg(ev);
        }
      });
      xpc_connection_resume(peer);
    });
    xpc_connection_resume(l);
    return l;
}

static xpc_connection_t client_of(xpc_connection_t listener, xpc_handler_t handler) {
    xpc_endpoint_t ep = xpc_endpoint_create(listener);
    xpc_connection_t c = xpc_connection_create_from_endpoint(ep);
    xpc_release(ep);
    xpc_connection_set_event_handler(c, handler);
    return c;
}

static void over_resume(void) {
    xpc_connection_t c = xpc_connection_create_mach_service("com.example.none", NULL, 0);
    xpc_connection_set_event_handler(c, ^(xpc_object_t e) { (void)e; });
    xpc_connection_resume(c);
    xpc_connection_resume(c);
}

static void sync_in_handler(void) {
    xpc_connection_t l = listen_anon(NULL, ^(xpc_object_t m) {
      xpc_object_t r = xpc_dictionary_create_reply(m);
      xpc_connection_send_message(xpc_dictionary_get_remote_connection(m), r);
      xpc_release(r);
    }, NULL);
    __block xpc_connection_t c = NULL;
    struct signal *s = calloc(1, sizeof *s);
    *s = (struct signal)SIGNAL_INIT;
    c = client_of(l, ^(xpc_object_t e) { (void)e; });
    xpc_connection_resume(c);
    xpc_object_t m = xpc_dictionary_create(NULL, NULL, 0);
    xpc_connection_send_message_with_reply(c, m, NULL, ^(xpc_object_t r) {
      (void)r;
      xpc_connection_send_message_with_reply_sync(c, m); /* on the connection's own queue */
      post(s);
    });
    await_n(s, 1, 10000);
}

static void requirement_after_resume(void) {
    xpc_connection_t c = xpc_connection_create_mach_service("com.example.none", NULL, 0);
    xpc_connection_set_event_handler(c, ^(xpc_object_t e) { (void)e; });
    xpc_connection_resume(c);
    (void)xpc_connection_set_peer_code_signing_requirement(c, "anchor apple generic");
}

static void requirement_twice(void) {
    xpc_connection_t c = xpc_connection_create_mach_service("com.example.none", NULL, 0);
    (void)xpc_connection_set_peer_code_signing_requirement(c, "anchor apple generic");
    (void)xpc_connection_set_peer_code_signing_requirement(c, "anchor apple generic");
}

static void release_inactive(void) {
    xpc_connection_t c = xpc_connection_create_mach_service("com.example.none", NULL, 0);
    xpc_release(c);
}

static int open_fds(void) {
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    if (d == NULL) return -1;
    while (readdir(d) != NULL) n++;
    closedir(d);
    return n;
}

static void test_xpc_local(void) {
    /* Order, exclusivity, fds, reply contexts, credentials. */
    dispatch_queue_t conc = dispatch_queue_create("peers", DISPATCH_QUEUE_CONCURRENT);
    __block int64_t expect = 0;
    __block int bad = 0, reply_plain = -1, reply_wanted = -1, fd_ok = 0, missing_fd = 0;
    __block atomic_int inside = 0;
    struct signal *got = calloc(1, sizeof *got), *peer_invalid = calloc(1, sizeof *peer_invalid);
    *got = (struct signal)SIGNAL_INIT;
    *peer_invalid = (struct signal)SIGNAL_INIT;
    __block pid_t seen_pid = 0;
    xpc_connection_t l = listen_anon(conc, ^(xpc_object_t m) {
      if (atomic_fetch_add(&inside, 1) != 0) bad = 1;
      int64_t seq = xpc_dictionary_get_int64(m, "seq");
      if (seq >= 0) {
          if (seq != expect) bad = 1;
          expect++;
          usleep(20);
      }
      xpc_object_t r = xpc_dictionary_create_reply(m);
      if (seq == -1) reply_plain = r != NULL;
      if (seq == -2) {
          reply_wanted = r != NULL;
          int fd = xpc_dictionary_dup_fd(m, "fd");
          int again = xpc_dictionary_dup_fd(m, "fd");
          missing_fd = xpc_dictionary_dup_fd(m, "nothing") == -1 && xpc_dictionary_dup_fd(m, "seq") == -1;
          /* Each call is a new descriptor the receiver owns; closing one leaves the other. */
          if (fd >= 0) close(fd);
          fd_ok = fd >= 0 && again >= 0 && again != fd && write(again, "x", 1) == 1;
          if (again >= 0) close(again);
          seen_pid = xpc_connection_get_pid(xpc_dictionary_get_remote_connection(m));
          xpc_connection_send_message(xpc_dictionary_get_remote_connection(m), r);
      }
      if (r != NULL) xpc_release(r);
      atomic_fetch_sub(&inside, 1);
      post(got);
    }, peer_invalid);
    xpc_connection_t c = client_of(l, ^(xpc_object_t e) { (void)e; });
    /* Sent before resume: queued, not lost. */
    for (int i = 0; i < 100; i++) {
        xpc_object_t m = xpc_dictionary_create(NULL, NULL, 0);
        xpc_dictionary_set_int64(m, "seq", i);
        xpc_connection_send_message(c, m);
        xpc_release(m);
    }
    CHECK(!await_n(got, 1, 200), "a connection sends and delivers nothing before xpc_connection_resume");
    xpc_connection_resume(c);
    CHECK(await_n(got, 100, 10000) && !bad, "one handler at a time, in the order sent, even on a concurrent target queue");
    xpc_object_t m = xpc_dictionary_create(NULL, NULL, 0);
    xpc_dictionary_set_int64(m, "seq", -1);
    xpc_connection_send_message(c, m);
    xpc_release(m);
    int p[2];
    CHECK(pipe(p) == 0, "pipe");
    m = xpc_dictionary_create(NULL, NULL, 0);
    xpc_dictionary_set_int64(m, "seq", -2);
    xpc_dictionary_set_fd(m, "fd", p[1]);
    close(p[1]); /* set_fd duplicated it */
    xpc_object_t r = xpc_connection_send_message_with_reply_sync(c, m);
    xpc_release(m);
    char ch = 0;
    CHECK(xpc_get_type(r) == XPC_TYPE_DICTIONARY, "send_message_with_reply_sync returns the reply");
    CHECK(reply_plain == 0 && reply_wanted == 1, "xpc_dictionary_create_reply only for a message that expects a reply");
    CHECK(fd_ok && read(p[0], &ch, 1) == 1 && ch == 'x', "set_fd duplicates at insertion, dup_fd hands the receiver a working fd");
    CHECK(missing_fd, "dup_fd of a missing key, or of a key that is not an fd, is -1");
    CHECK(seen_pid == getpid() && xpc_connection_get_euid(c) == geteuid(), "get_pid/get_euid give the peer's credentials");
    xpc_release(r);
    close(p[0]);
    xpc_connection_cancel(c);
    CHECK(await_n(peer_invalid, 1, 10000), "the server-side peer of a cancelled client gets CONNECTION_INVALID");
    CHECK(aborts_with("over_resume", "Over-resume"), "resuming a connection twice crashes");
    CHECK(aborts_with("sync_in_handler", "send_message_with_reply_sync called on the connection's target queue"),
          "send_message_with_reply_sync on the connection's own queue is a deadlock, reported");
    CHECK(aborts_with("requirement_after_resume", "called on an activated connection"),
          "a peer requirement set after activation is a programming error (a choice: see docs)");
    CHECK(aborts_with("requirement_twice", "called twice"),
          "a second peer requirement on one connection is a programming error");
    CHECK(aborts_with("release_inactive", "inactive connection"),
          "releasing the last reference on an inactive connection is a programming error");
}

/* A peer the listener does not resume receives nothing; once resumed, it gets what was sent. */
static void test_peer_needs_resume(void) {
    struct signal *got = calloc(1, sizeof *got), *accepted = calloc(1, sizeof *accepted);
    *got = (struct signal)SIGNAL_INIT;
    *accepted = (struct signal)SIGNAL_INIT;
    __block xpc_connection_t held = NULL;
    xpc_connection_t l = xpc_connection_create(NULL, NULL);
    xpc_connection_set_event_handler(l, ^(xpc_object_t peer) {
      if (xpc_get_type(peer) != XPC_TYPE_CONNECTION) return;
      held = xpc_retain(peer);
      xpc_connection_set_event_handler(held, ^(xpc_object_t ev) {
        if (xpc_get_type(ev) == XPC_TYPE_DICTIONARY) post(got);
      });
      post(accepted); /* handler set, not resumed */
    });
    xpc_connection_resume(l);
    xpc_connection_t c = client_of(l, ^(xpc_object_t e) { (void)e; });
    xpc_connection_resume(c);
    xpc_object_t m = xpc_dictionary_create(NULL, NULL, 0);
    xpc_connection_send_message(c, m);
    xpc_release(m);
    CHECK(await_n(accepted, 1, 10000) && !await_n(got, 1, 200),
          "a peer its listener did not resume gets no message");
    xpc_connection_resume(held);
    CHECK(await_n(got, 1, 10000), "resumed, it gets what was sent meanwhile");
    xpc_connection_cancel(held);
    xpc_release(held);
    xpc_connection_cancel(c);
    xpc_release(c);
    xpc_connection_cancel(l);
    xpc_release(l);
}

/* A peer's messages that arrived before it went away still reach the handler, then INVALID. */
static void test_received_before_gone(void) {
    struct signal *entered = calloc(1, sizeof *entered), *client_done = calloc(1, sizeof *client_done),
                  *server_done = calloc(1, sizeof *server_done);
    *entered = (struct signal)SIGNAL_INIT;
    *client_done = (struct signal)SIGNAL_INIT;
    *server_done = (struct signal)SIGNAL_INIT;
    __block int seen = 0, in_order = 1;
    xpc_connection_t l = listen_anon(NULL, ^(xpc_object_t m) {
      if (xpc_dictionary_get_int64(m, "barrier") != 0) {
          xpc_object_t r = xpc_dictionary_create_reply(m);
          xpc_connection_send_message(xpc_dictionary_get_remote_connection(m), r);
          xpc_release(r);
          return;
      }
      int64_t seq = xpc_dictionary_get_int64(m, "seq");
      if (seq != seen) in_order = 0;
      seen++;
      if (seq == 0) {
          /* Hold the server here until the client has cancelled and is gone, and until the
           * runtime has ended this very connection: a request on it then fails with INVALID
           * (this handler blocks the connection's queue, so the reply comes on another). */
          post(entered);
          await_n(client_done, 1, 10000);
          struct signal *ended_here = calloc(1, sizeof *ended_here);
          *ended_here = (struct signal)SIGNAL_INIT;
          xpc_object_t probe = xpc_dictionary_create(NULL, NULL, 0);
          xpc_connection_send_message_with_reply(xpc_dictionary_get_remote_connection(m), probe,
                                                 dispatch_get_global_queue(0, 0), ^(xpc_object_t r) {
                                                   if (r == XPC_ERROR_CONNECTION_INVALID) post(ended_here);
                                                 });
          xpc_release(probe);
          await_n(ended_here, 1, 10000);
      }
    }, server_done);
    (void)l;
    xpc_connection_t c = client_of(l, ^(xpc_object_t e) { if (e == XPC_ERROR_CONNECTION_INVALID) post(client_done); });
    xpc_connection_resume(c);
    for (int i = 0; i < 10; i++) {
        xpc_object_t m = xpc_dictionary_create(NULL, NULL, 0);
        xpc_dictionary_set_int64(m, "seq", i);
        xpc_connection_send_message(c, m);
        xpc_release(m);
    }
    await_n(entered, 1, 10000);
    /* Cancel discards what is not yet sent (as Apple documents), so first make sure the ten went
     * out: a second client's request is written by the same I/O thread after them, so its answer
     * means they are in the kernel. */
    xpc_connection_t barrier = client_of(l, ^(xpc_object_t e) { (void)e; });
    xpc_connection_resume(barrier);
    xpc_object_t b = xpc_dictionary_create(NULL, NULL, 0);
    xpc_dictionary_set_int64(b, "barrier", 1);
    xpc_object_t answer = xpc_connection_send_message_with_reply_sync(barrier, b);
    xpc_release(b);
    int sent = xpc_get_type(answer) == XPC_TYPE_DICTIONARY;
    xpc_release(answer);
    xpc_connection_cancel(c);
    int ended = sent && await_n(server_done, 1, 10000);
    if (!ended || seen != 10 || !in_order) {
        fprintf(stderr, "received-before-gone: ended %d, seen %d, in order %d, entered %d, client done %d\n", ended, seen,
                in_order, entered->n, client_done->n);
    }
    CHECK(ended && seen == 10 && in_order,
          "what a peer sent before it went away is delivered, in order, before CONNECTION_INVALID");
    xpc_release(c);
    xpc_connection_cancel(barrier);
    xpc_release(barrier);
}

/* A client of l that sends one request; *reply receives what its reply handler got, then replied is posted. */
static xpc_connection_t request_from(xpc_connection_t l, xpc_object_t *reply, struct signal *replied) {
    xpc_connection_t c = client_of(l, ^(xpc_object_t e) { (void)e; });
    xpc_connection_resume(c);
    xpc_object_t m = xpc_dictionary_create(NULL, NULL, 0);
    xpc_connection_send_message_with_reply(c, m, NULL, ^(xpc_object_t r) { *reply = r; post(replied); });
    xpc_release(m);
    return c;
}

/* A requirement on a server-side peer: the message is not delivered, the peer's handler gets
 * PEER_CODE_SIGNING_REQUIREMENT, then the connection ends. This process is unsigned. */
static void test_peer_requirement_local(void) {
    struct signal *ended = calloc(1, sizeof *ended), *replied = calloc(1, sizeof *replied);
    *ended = (struct signal)SIGNAL_INIT;
    *replied = (struct signal)SIGNAL_INIT;
    __block int delivered = 0, refusal_first = 0, events = 0;
    static xpc_object_t client_reply;
    xpc_connection_t l = xpc_connection_create(NULL, NULL);
    xpc_connection_set_event_handler(l, ^(xpc_object_t peer) {
      if (xpc_get_type(peer) != XPC_TYPE_CONNECTION) return;
      xpc_retain(peer);
      xpc_connection_set_peer_code_signing_requirement(peer, "anchor apple generic and certificate leaf[subject.OU] = \"TEAMAAAAAA\"");
      xpc_connection_set_event_handler(peer, ^(xpc_object_t ev) {
        if (xpc_get_type(ev) == XPC_TYPE_DICTIONARY) delivered++;
        if (ev == XPC_ERROR_PEER_CODE_SIGNING_REQUIREMENT && events == 0) refusal_first = 1;
        events++;
        if (ev == XPC_ERROR_CONNECTION_INVALID) {
            post(ended);
            xpc_release(peer);
        }
      });
      xpc_connection_resume(peer);
    });
    xpc_connection_resume(l);
    xpc_connection_t c = request_from(l, &client_reply, replied);
    CHECK(await_n(ended, 1, 10000) && delivered == 0 && refusal_first && events == 2,
          "an unsigned peer: nothing delivered, PEER_CODE_SIGNING_REQUIREMENT, then CONNECTION_INVALID");
    CHECK(await_n(replied, 1, 10000) && client_reply == XPC_ERROR_CONNECTION_INVALID,
          "its client sees the connection end (its reply never comes)");
    xpc_connection_cancel(c);
    xpc_release(c);
    xpc_connection_cancel(l);
    xpc_release(l);
}

/* A requirement on a listener: a peer that fails it never reaches the listener's handler. */
static void test_listener_requirement_local(void) {
    struct signal *replied = calloc(1, sizeof *replied);
    *replied = (struct signal)SIGNAL_INIT;
    __block int peers = 0;
    static xpc_object_t client_reply;
    xpc_connection_t l = xpc_connection_create(NULL, NULL);
    CHECK(xpc_connection_set_peer_code_signing_requirement(l, "anchor apple generic") == 0, "a listener takes a requirement");
    xpc_connection_set_event_handler(l, ^(xpc_object_t peer) {
      if (xpc_get_type(peer) == XPC_TYPE_CONNECTION) peers++;
    });
    xpc_connection_resume(l);
    xpc_connection_t c = request_from(l, &client_reply, replied);
    CHECK(await_n(replied, 1, 10000) && client_reply == XPC_ERROR_CONNECTION_INVALID && peers == 0,
          "a listener's requirement: an unsigned peer never reaches the listener, its client sees the end");
    xpc_connection_cancel(c);
    xpc_release(c);
    xpc_connection_cancel(l);
    xpc_release(l);
}

/* 1,000 connections, each sending an fd and waiting for the reply, leave nothing behind. */
static void test_no_leaks(void) {
    struct signal *finalized = calloc(1, sizeof *finalized);
    *finalized = (struct signal)SIGNAL_INIT;
    xpc_connection_t l = xpc_connection_create(NULL, NULL);
    xpc_connection_set_event_handler(l, ^(xpc_object_t peer) {
      if (xpc_get_type(peer) != XPC_TYPE_CONNECTION) return;
      xpc_connection_t p = peer;
      xpc_connection_set_context(p, finalized);
      xpc_connection_set_finalizer_f(p, (xpc_finalizer_t)post);
      xpc_connection_set_event_handler(p, ^(xpc_object_t ev) {
        if (xpc_get_type(ev) != XPC_TYPE_DICTIONARY) return;
        int fd = xpc_dictionary_dup_fd(ev, "fd");
        xpc_object_t r = xpc_dictionary_create_reply(ev);
        xpc_dictionary_set_fd(r, "fd", fd);
        close(fd);
        xpc_connection_send_message(xpc_dictionary_get_remote_connection(ev), r);
        xpc_release(r);
      });
      xpc_connection_resume(p);
    });
    xpc_connection_resume(l);
    int p[2];
    if (pipe(p) != 0) return;
    /* Warm up (threads, buffers), then measure. */
    long objects = -1;
    int fds = -1, ok = 1;
    for (int round = 0; round < 1001; round++) {
        if (round == 1) {
            await_n(finalized, 2, 10000); /* round 0's client and server-side peer */
            objects = xpcsim_live_objects();
            fds = open_fds();
        }
        xpc_connection_t c = client_of(l, ^(xpc_object_t e) { (void)e; });
        xpc_connection_set_context(c, finalized);
        xpc_connection_set_finalizer_f(c, (xpc_finalizer_t)post);
        xpc_connection_resume(c);
        xpc_object_t m = xpc_dictionary_create(NULL, NULL, 0);
        xpc_dictionary_set_fd(m, "fd", p[1]);
        xpc_object_t r = xpc_connection_send_message_with_reply_sync(c, m);
        int back = xpc_get_type(r) == XPC_TYPE_DICTIONARY ? xpc_dictionary_dup_fd(r, "fd") : -1;
        if (back < 0) ok = 0; else close(back);
        xpc_release(r);
        xpc_release(m);
        xpc_connection_cancel(c);
        xpc_release(c);
    }
    /* Two finalizers per round (client and server-side peer). */
    int replies_ok = ok;
    ok = ok && await_n(finalized, 2 * 1001, 30000);
    long objects_after = xpcsim_live_objects();
    int fds_after = open_fds();
    /* Not equality: objects and sockets of earlier checks may still be going away (their teardown
     * is asynchronous, slower under load); a leak would show as growth, a thousand times over. */
    if (!ok || objects_after > objects || fds_after > fds) {
        fprintf(stderr, "no-leaks: replies %d, finalized %d of %d, objects %ld -> %ld, fds %d -> %d\n", replies_ok,
                finalized->n, 2 * 1001, objects, objects_after, fds, fds_after);
    }
    CHECK(ok && objects_after <= objects && fds_after <= fds,
          "1,000 connections with an fd and a reply each leave no object and no descriptor behind");
    close(p[0]);
    close(p[1]);
    xpc_connection_cancel(l);
    xpc_release(l);
}

/* Cancel: the running handler finishes, then one CONNECTION_INVALID, nothing after. */
static void test_cancel(void) {
    struct signal *entered = calloc(1, sizeof *entered), *release = calloc(1, sizeof *release), *finalized = calloc(1, sizeof *finalized);
    *entered = (struct signal)SIGNAL_INIT;
    *release = (struct signal)SIGNAL_INIT;
    *finalized = (struct signal)SIGNAL_INIT;
    __block int messages = 0, invalid = 0, after_invalid = 0, invalid_while_running = 0;
    __block atomic_int running = 0;
    xpc_connection_t l = xpc_connection_create(NULL, NULL);
    xpc_connection_set_event_handler(l, ^(xpc_object_t peer) {
      if (xpc_get_type(peer) != XPC_TYPE_CONNECTION) return;
      xpc_retain(peer);
      xpc_connection_set_context(peer, finalized);
      xpc_connection_set_finalizer_f(peer, (xpc_finalizer_t)post);
      xpc_connection_set_event_handler(peer, ^(xpc_object_t ev) {
        if (invalid) after_invalid++;
        if (ev == XPC_ERROR_CONNECTION_INVALID) {
            if (atomic_load(&running)) invalid_while_running = 1;
            invalid++;
            xpc_release(peer);
            return;
        }
        atomic_store(&running, 1);
        if (messages++ == 0) {
            post(entered);
            await_n(release, 1, 10000);
            usleep(20000);
        }
        atomic_store(&running, 0);
      });
      xpc_connection_resume(peer);
      /* Cancel the peer from another thread while its first handler runs. */
      dispatch_async(dispatch_get_global_queue(0, 0), ^{
        await_n(entered, 1, 10000);
        xpc_connection_cancel(peer);
        post(release);
      });
    });
    xpc_connection_resume(l);
    xpc_connection_t c = client_of(l, ^(xpc_object_t e) { (void)e; });
    xpc_connection_resume(c);
    for (int i = 0; i < 20; i++) {
        xpc_object_t m = xpc_dictionary_create(NULL, NULL, 0);
        xpc_connection_send_message(c, m);
        xpc_release(m);
    }
    CHECK(await_n(finalized, 1, 10000), "a cancelled connection is finalized after its last event");
    CHECK(invalid == 1 && after_invalid == 0 && !invalid_while_running && messages == 1,
          "cancel: the running handler finishes, then exactly one CONNECTION_INVALID; queued messages never run");
}

/* ---- send barriers ---- */
static struct signal *new_signal(void) {
    struct signal *s = calloc(1, sizeof *s);
    *s = (struct signal)SIGNAL_INIT;
    return s;
}

/* Apple: "if you call xpc_connection_send_message() five times and then
 * xpc_connection_send_barrier(), the barrier will be invoked after the fifth message has been sent
 * ... You may safely cancel a connection from within a barrier block", while a plain cancel
 * discards "any messages that have not yet been sent". */
static void test_send_barrier(void) {
    enum { BIG = 8, BIG_SIZE = 1 << 20 };
    struct signal *peer_invalid = new_signal(), *barrier_ran = new_signal();
    __block atomic_int received = 0;
    __block int in_order = 1;
    xpc_connection_t l = listen_anon(NULL, ^(xpc_object_t m) {
      if (xpc_dictionary_get_int64(m, "seq") != atomic_load(&received)) in_order = 0;
      atomic_fetch_add(&received, 1);
    }, peer_invalid);
    xpc_connection_t c = client_of(l, ^(xpc_object_t e) { (void)e; });
    xpc_connection_resume(c);
    char *big = calloc(1, BIG_SIZE);
    for (int i = 0; i < BIG; i++) {
        xpc_object_t m = xpc_dictionary_create(NULL, NULL, 0);
        xpc_dictionary_set_int64(m, "seq", i);
        xpc_dictionary_set_data(m, "payload", big, BIG_SIZE);
        xpc_connection_send_message(c, m);
        xpc_release(m);
    }
    free(big);
    xpc_connection_send_barrier(c, ^{
      post(barrier_ran);
      xpc_connection_cancel(c);
      xpc_release(c);
    });
    CHECK(await_n(barrier_ran, 1, 10000) && await_n(peer_invalid, 1, 10000) && received == BIG && in_order,
          "a cancel from a send barrier comes after every message sent before it: the peer gets all 8 MiB, then "
          "CONNECTION_INVALID");

    /* On a cancelled connection a barrier runs at once. */
    struct signal *at_once = new_signal();
    xpc_connection_t d = client_of(l, ^(xpc_object_t e) { (void)e; });
    xpc_connection_resume(d);
    xpc_connection_cancel(d);
    xpc_connection_send_barrier(d, ^{ post(at_once); });
    CHECK(await_n(at_once, 1, 10000), "a barrier issued on a cancelled connection is invoked");
    xpc_release(d);

    /* A barrier still waiting behind unsent messages runs as the cancelled connection unwinds. */
    struct signal *entered = new_signal(), *release = new_signal(), *unwound = new_signal(), *gone = new_signal();
    xpc_connection_t slow = listen_anon(NULL, ^(xpc_object_t m) {
      (void)m;
      post(entered);
      await_n(release, 1, 10000);
    }, gone);
    xpc_connection_t e = client_of(slow, ^(xpc_object_t ev) { (void)ev; });
    xpc_connection_resume(e);
    big = calloc(1, BIG_SIZE);
    for (int i = 0; i < 40; i++) { /* more than the peer's 16 MiB and the kernel's buffers hold */
        xpc_object_t m = xpc_dictionary_create(NULL, NULL, 0);
        xpc_dictionary_set_data(m, "payload", big, BIG_SIZE);
        xpc_connection_send_message(e, m);
        xpc_release(m);
    }
    free(big);
    await_n(entered, 1, 10000);
    xpc_connection_send_barrier(e, ^{ post(unwound); });
    xpc_connection_cancel(e);
    CHECK(await_n(unwound, 1, 10000), "a barrier behind messages a cancel discarded is still invoked");
    post(release);
    xpc_release(e);
    await_n(gone, 1, 10000);

    /* Nothing is sent while a barrier runs: a message sent meanwhile arrives after it returned. */
    struct signal *in_barrier = new_signal(), *sent_meanwhile = new_signal(), *got = new_signal();
    __block atomic_int barrier_done = 0;
    __block int arrived_after = 0;
    xpc_connection_t l2 = listen_anon(NULL, ^(xpc_object_t m) {
      (void)m;
      arrived_after = atomic_load(&barrier_done);
      post(got);
    }, NULL);
    xpc_connection_t f = client_of(l2, ^(xpc_object_t ev) { (void)ev; });
    xpc_connection_resume(f);
    xpc_connection_send_barrier(f, ^{
      post(in_barrier);
      await_n(sent_meanwhile, 1, 10000);
      usleep(50000); /* time for a send that would not wait to arrive */
      atomic_store(&barrier_done, 1);
    });
    await_n(in_barrier, 1, 10000);
    xpc_object_t m = xpc_dictionary_create(NULL, NULL, 0);
    xpc_connection_send_message(f, m);
    xpc_release(m);
    post(sent_meanwhile);
    CHECK(await_n(got, 1, 10000) && arrived_after, "no message is sent while a send barrier runs");
    xpc_connection_cancel(f);
    xpc_release(f);
}

/* ---- os_log ---- */
typedef struct os_log_s *os_log_t;
os_log_t os_log_create(const char *subsystem, const char *category);
void _os_log_impl(void *dso, os_log_t log, uint8_t type, const char *format, uint8_t *buf, uint32_t size);

/* Unified logging's defaults: a %s that is not {public} is <private>; Info and Debug are not kept. */
static void test_os_log(void) {
    char subsystem[64], path[512], line[512], expect[512];
    snprintf(subsystem, sizeof subsystem, "com.example.oslog.%d", (int)getpid());
    os_log_t log = os_log_create(subsystem, "test");
    const char *secret = "token-1234", *shown = "tunnel up";
    static const uint8_t types[] = {0x02 /* debug */, 0x01 /* info */, 0x00 /* default */};
    for (size_t i = 0; i < sizeof types; i++) {
        uint8_t buf[__builtin_os_log_format_buffer_size("%s %{public}s", secret, shown)];
        __builtin_os_log_format(buf, "%s %{public}s", secret, shown);
        _os_log_impl(NULL, log, types[i], "%s %{public}s", buf, (uint32_t)sizeof buf);
    }
    snprintf(path, sizeof path, "%s/log/unified.log", root_dir);
    snprintf(expect, sizeof expect, "Default\t%s\ttest\t<private> tunnel up\n", subsystem);
    int kept = 0, matching = 0;
    FILE *f = fopen(path, "r");
    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        char *rest = strchr(line, '\t');
        rest = rest != NULL ? strchr(rest + 1, '\t') : NULL; /* after time and pid */
        if (rest == NULL || strstr(rest, subsystem) == NULL) continue;
        kept++;
        if (strcmp(rest + 1, expect) == 0) matching++;
    }
    if (f != NULL) fclose(f);
    CHECK(kept == 1 && matching == 1, "os_log: a dynamic string that is not public is <private>; Debug and Info are not persisted");
}

/* ---- Apple's posix_spawn ---- */
int xpcsim_posix_spawn(pid_t *pid, const char *path, void *const *actions, void *const *attr, char *const argv[],
                       char *const envp[]);
int xpcsim_posix_spawn_file_actions_init(void **actions);
int xpcsim_posix_spawn_file_actions_destroy(void **actions);
int xpcsim_posix_spawn_file_actions_addclose(void **actions, int fd);
int xpcsim_posix_spawn_file_actions_adddup2(void **actions, int fd, int newfd);

/* As on macOS, a close or dup2 action on a descriptor that is not open fails the spawn (glibc
 * ignores the close): code that works here does not fail there. */
/* Apple's kqueue, as the shim's wait for a child's exit uses it: EVFILT_PROC, NOTE_EXIT, EV_ONESHOT. */
static void test_kqueue_proc(void) {
    int hold[2];
    CHECK(pipe(hold) == 0, "pipe");
    pid_t child = fork();
    if (child == 0) {
        char c;
        close(hold[1]);
        (void)read(hold[0], &c, 1);
        _exit(4);
    }
    close(hold[0]);
    int kq = kqueue();
    struct kevent change, fired;
    EV_SET(&change, (uintptr_t)child, EVFILT_PROC, EV_ADD | EV_ONESHOT, NOTE_EXIT, 0, NULL);
    CHECK(kq >= 0 && kevent(kq, &change, 1, NULL, 0, NULL) == 0, "EVFILT_PROC NOTE_EXIT registers on a running child");
    struct timespec zero = {0, 0}, ten = {10, 0};
    CHECK(kevent(kq, NULL, 0, &fired, 1, &zero) == 0, "a zero timeout only looks: nothing while the child runs");
    close(hold[1]);
    int n = kevent(kq, NULL, 0, &fired, 1, &ten);
    CHECK(n == 1 && fired.ident == (uintptr_t)child && fired.filter == EVFILT_PROC && (fired.fflags & NOTE_EXIT),
          "NOTE_EXIT names the child once it exits");
    CHECK(kevent(kq, NULL, 0, &fired, 1, &zero) == 0, "EV_ONESHOT: the event comes once");
    siginfo_t info;
    memset(&info, 0, sizeof info);
    CHECK(waitid(P_PID, (id_t)child, &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == child,
          "the event does not reap the child");
    int kq2 = kqueue();
    errno = 0;
    CHECK(kevent(kq2, &change, 1, NULL, 0, NULL) == -1 && errno == ESRCH,
          "a child that has exited (a zombie) cannot be registered: ESRCH");
    int status = 0;
    waitpid(child, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 4, "waitpid then reaps it with its status");
    errno = 0;
    CHECK(kevent(kq2, &change, 1, NULL, 0, NULL) == -1 && errno == ESRCH, "nor can a process that is gone: ESRCH");
    struct kevent other;
    EV_SET(&other, 1, EVFILT_PROC, EV_ADD, 0x20000000U, 0, NULL);
    errno = 0;
    CHECK(kevent(kq2, &other, 1, NULL, 0, NULL) == -1 && errno == EINVAL,
          "what the simulator does not model is refused, not ignored");
    close(kq);
    close(kq2);
}

static void test_spawn_actions(void) {
    int unopened = 900;
    while (fcntl(unopened, F_GETFD) >= 0) unopened++;
    char *argv[] = {"/bin/true", NULL}, *envp[] = {NULL};
    void *fa;
    pid_t pid = 0;
    xpcsim_posix_spawn_file_actions_init(&fa);
    xpcsim_posix_spawn_file_actions_addclose(&fa, unopened);
    int close_rc = xpcsim_posix_spawn(&pid, "/bin/true", &fa, NULL, argv, envp);
    xpcsim_posix_spawn_file_actions_destroy(&fa);
    if (close_rc == 0) waitpid(pid, NULL, 0);
    xpcsim_posix_spawn_file_actions_init(&fa);
    xpcsim_posix_spawn_file_actions_adddup2(&fa, unopened, 5);
    int dup_rc = xpcsim_posix_spawn(&pid, "/bin/true", &fa, NULL, argv, envp);
    xpcsim_posix_spawn_file_actions_destroy(&fa);
    if (dup_rc == 0) waitpid(pid, NULL, 0);
    CHECK(close_rc == EBADF && dup_rc == EBADF, "posix_spawn: close or dup2 of a descriptor that is not open is EBADF");
}

/* ---- launchd, named services, code signing ---- */
static char launchd_sock[256];

static int launchd_request(const char *line, char *answer, size_t cap) {
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    strcpy(sa.sun_path, launchd_sock);
    int fd;
    int rc = connect(s, (struct sockaddr *)&sa, sizeof sa) == 0 && xpcsim_send_fd_line(s, line, -1) == 0 &&
             xpcsim_recv_fd_line(s, answer, cap, &fd) == 0 ? 0 : -1;
    close(s);
    return rc == 0 && strncmp(answer, "ok", 2) == 0 ? 0 : -1;
}

static void write_plist(const char *path, const char *label, const char *program, const char *name, const char *extra) {
    FILE *f = fopen(path, "w");
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
               "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n<plist version=\"1.0\">\n<dict>\n"
               "\t<key>Label</key>\n\t<string>%s</string>\n\t<key>Program</key>\n\t<string>%s</string>\n"
               "\t<key>ProgramArguments</key>\n\t<array>\n\t\t<string>%s</string>\n\t\t<string>serve</string>\n"
               "\t\t<string>%s</string>\n%s%s%s\t</array>\n\t<key>MachServices</key>\n\t<dict>\n\t\t<key>%s</key>\n"
               "\t\t<true/>\n\t</dict>\n</dict>\n</plist>\n", label, program, program, name,
               extra != NULL ? "\t\t<string>" : "", extra != NULL ? extra : "", extra != NULL ? "</string>\n" : "", name);
    fclose(f);
}

static xpc_object_t request(xpc_connection_t c, const char *op) {
    xpc_object_t m = xpc_dictionary_create(NULL, NULL, 0);
    xpc_dictionary_set_string(m, "op", op);
    xpc_object_t r = xpc_connection_send_message_with_reply_sync(c, m);
    xpc_release(m);
    return r;
}

static atomic_int served_peers, served_refusals, served_payloads;

/* A launchd job: answers with its pid and what it has seen; "stall" blocks the handler for good.
 * With a listener requirement, peers that fail it must never reach it. */
static int serve(const char *name, const char *listener_requirement) {
    const char *nofile = getenv("XPCSIM_TEST_NOFILE"); /* launchd passes XPCSIM_* on to its jobs */
    if (nofile != NULL) {
        struct rlimit rl;
        getrlimit(RLIMIT_NOFILE, &rl);
        rl.rlim_cur = (rlim_t)atoi(nofile);
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    xpc_connection_t l = xpc_connection_create_mach_service(name, NULL, XPC_CONNECTION_MACH_SERVICE_LISTENER);
    if (listener_requirement != NULL && xpc_connection_set_peer_code_signing_requirement(l, listener_requirement) != 0) _exit(8);
    xpc_connection_set_event_handler(l, ^(xpc_object_t peer) {
      if (xpc_get_type(peer) != XPC_TYPE_CONNECTION) _exit(7); /* could not check in */
      atomic_fetch_add(&served_peers, 1);
      xpc_retain(peer);
      xpc_connection_set_event_handler(peer, ^(xpc_object_t m) {
        if (m == XPC_ERROR_PEER_CODE_SIGNING_REQUIREMENT) atomic_fetch_add(&served_refusals, 1);
        if (xpc_get_type(m) != XPC_TYPE_DICTIONARY) return;
        if (xpc_dictionary_get_data(m, "payload", NULL) != NULL) atomic_fetch_add(&served_payloads, 1);
        const char *op = xpc_dictionary_get_string(m, "op");
        if (op != NULL && strcmp(op, "exit") == 0) _exit(0);
        if (op != NULL && strcmp(op, "hang") == 0) return;
        if (op != NULL && strcmp(op, "stall") == 0) for (;;) pause();
        xpc_object_t r = xpc_dictionary_create_reply(m);
        xpc_dictionary_set_int64(r, "pid", getpid());
        xpc_dictionary_set_int64(r, "peers", atomic_load(&served_peers));
        xpc_dictionary_set_int64(r, "refusals", atomic_load(&served_refusals));
        xpc_dictionary_set_int64(r, "payloads", atomic_load(&served_payloads));
        xpc_connection_send_message(peer, r);
        xpc_release(r);
      });
      xpc_connection_resume(peer);
    });
    xpc_connection_resume(l);
    for (;;) pause();
}

/* "client NAME": one request; prints "peers=N refusals=N" or the error. */
static int client(const char *name) {
    xpc_connection_t c = xpc_connection_create_mach_service(name, NULL, XPC_CONNECTION_MACH_SERVICE_PRIVILEGED);
    xpc_connection_set_event_handler(c, ^(xpc_object_t e) { (void)e; });
    xpc_connection_resume(c);
    xpc_object_t m = xpc_dictionary_create(NULL, NULL, 0);
    xpc_dictionary_set_string(m, "op", "stats");
    xpc_object_t r = xpc_connection_send_message_with_reply_sync(c, m);
    if (xpc_get_type(r) == XPC_TYPE_DICTIONARY) {
        printf("peers=%lld refusals=%lld\n", (long long)xpc_dictionary_get_int64(r, "peers"),
               (long long)xpc_dictionary_get_int64(r, "refusals"));
    } else {
        printf("error %s\n", xpc_dictionary_get_string(r, XPC_ERROR_KEY_DESCRIPTION));
    }
    return 0;
}

/* One raw request ("stats") on sock; 1 when an answer came, 0 when the connection ended. */
static size_t put_frame(uint8_t *buf, const char *key, int type, const void *value, uint32_t len);

static int raw_request(int sock) {
    uint8_t frame[256];
    size_t n = put_frame(frame, "op", 2, "stats", 5);
    struct xpcsim_frame_header h;
    memcpy(&h, frame, sizeof h);
    h.kind = XPCSIM_F_MESSAGE_WANTS_REPLY;
    memcpy(frame, &h, sizeof h);
    if (send(sock, frame, n, MSG_NOSIGNAL) != (ssize_t)n) return 0;
    struct xpcsim_frame_header r;
    uint8_t body[4096];
    if (recv(sock, &r, sizeof r, MSG_WAITALL) != (ssize_t)sizeof r || r.magic != XPCSIM_FRAME_MAGIC ||
        r.kind != XPCSIM_F_REPLY || r.body_len > sizeof body) {
        return 0;
    }
    return recv(sock, body, r.body_len, MSG_WAITALL) == (ssize_t)r.body_len; /* the whole reply */
}

/* "handoff NAME FD": connects to NAME, makes one request, then hands the connected socket over
 * fd FD (a socket pair with the parent) and exits. */
static int handoff(const char *name, int back) {
    int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    xpcsim_service_path(sa.sun_path, sizeof sa.sun_path, name);
    int one = 1; /* the kernel then attaches the credentials of whoever sends, as XPC's own sockets do */
    if (sock < 0 || setsockopt(sock, SOL_SOCKET, SO_PASSCRED, &one, sizeof one) != 0 ||
        connect(sock, (struct sockaddr *)&sa, sizeof sa) != 0) {
        return 1;
    }
    int answered = raw_request(sock);
    return xpcsim_send_fd_line(back, answered ? "answered\n" : "refused\n", sock) == 0 ? 0 : 1;
}

/* Runs PROGRAM client NAME and returns its one line of output. */
static void run_client(const char *program, const char *name, char *out, size_t cap) {
    int p[2];
    out[0] = '\0';
    if (pipe(p) != 0) return;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(p[1], 1);
        execl(program, program, "client", name, (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    size_t used = 0;
    ssize_t n;
    while (used + 1 < cap && (n = read(p[0], out + used, cap - 1 - used)) > 0) used += (size_t)n;
    out[used] = '\0';
    close(p[0]);
    waitpid(pid, NULL, 0);
}

/* Frames by hand, as a hostile peer would write them: a dictionary of string/data entries. */
static size_t put_frame(uint8_t *buf, const char *key, int type, const void *value, uint32_t len) {
    struct xpcsim_frame_header h = {XPCSIM_FRAME_MAGIC, 0, XPCSIM_F_MESSAGE, 0, 1, 0};
    uint32_t count = 1, klen = (uint32_t)strlen(key), t = (uint32_t)type;
    size_t off = sizeof h;
    memcpy(buf + off, &count, 4); off += 4;
    memcpy(buf + off, &klen, 4); off += 4;
    memcpy(buf + off, key, klen); off += klen;
    memcpy(buf + off, &t, 4); off += 4;
    memcpy(buf + off, &len, 4); off += 4;
    memcpy(buf + off, value, len); off += len;
    h.body_len = (uint32_t)(off - sizeof h);
    memcpy(buf, &h, sizeof h);
    return off;
}

/* Stalls the server's handler, then writes 64 KiB messages until the socket stays full for
 * half a second; returns how much the server took, or 0 when it kept taking past 256 MiB. */
static size_t flood(int sock) {
    static uint8_t frame[(64 << 10) + 256], payload[64 << 10];
    size_t n = put_frame(frame, "op", 2 /* string */, "stall", 5);
    if (send(sock, frame, n, MSG_NOSIGNAL) != (ssize_t)n) return 0;
    n = put_frame(frame, "payload", 1 /* data */, payload, sizeof payload);
    size_t total = 0, off = 0;
    fcntl(sock, F_SETFL, fcntl(sock, F_GETFL) | O_NONBLOCK);
    while (total < ((size_t)256 << 20)) {
        ssize_t w = send(sock, frame + off, n - off, MSG_NOSIGNAL);
        if (w > 0) {
            total += (size_t)w;
            off = (off + (size_t)w) % n;
            continue;
        }
        if (w < 0 && errno != EAGAIN) return 0;
        struct pollfd pfd = {sock, POLLOUT, 0};
        if (poll(&pfd, 1, 500) == 0) return total;
    }
    return 0;
}

static void test_named(const char *self) {
    char answer[512], plist[512], line[1024], program[512];
    /* The job's program: a signed copy of this test binary. */
    snprintf(program, sizeof program, "%s/echo-server", root_dir);
    snprintf(line, sizeof line, "cp %s %s", self, program);
    CHECK(system(line) == 0, "copy the server program");
    char err[256];
    CHECK(xpcsim_codesign_sign(program, "com.example.echo", "TEAMAAAAAA", "apple-generic", err, sizeof err) == 0, "sign it");

    struct signal *listener_invalid = calloc(1, sizeof *listener_invalid);
    *listener_invalid = (struct signal)SIGNAL_INIT;
    xpc_connection_t l = xpc_connection_create_mach_service("TEAMAAAAAA.com.example.unloaded", NULL, XPC_CONNECTION_MACH_SERVICE_LISTENER);
    xpc_connection_set_event_handler(l, ^(xpc_object_t e) { if (e == XPC_ERROR_CONNECTION_INVALID) post(listener_invalid); });
    xpc_connection_resume(l);
    CHECK(await_n(listener_invalid, 1, 10000), "listening on a name no loaded job declares: CONNECTION_INVALID");

    struct signal *missing = calloc(1, sizeof *missing);
    *missing = (struct signal)SIGNAL_INIT;
    xpc_connection_t c = xpc_connection_create_mach_service("TEAMAAAAAA.com.example.unloaded", NULL, XPC_CONNECTION_MACH_SERVICE_PRIVILEGED);
    xpc_connection_set_event_handler(c, ^(xpc_object_t e) { if (e == XPC_ERROR_CONNECTION_INVALID) post(missing); });
    xpc_connection_resume(c);
    CHECK(!await_n(missing, 1, 200), "a client of a missing service is created and resumed without error (lazy)");
    xpc_object_t r = request(c, "ping");
    CHECK(r == XPC_ERROR_CONNECTION_INVALID && await_n(missing, 1, 10000),
          "the first send reveals the missing service: INVALID to the reply handler and the event handler");

    snprintf(plist, sizeof plist, "%s/echo.plist", root_dir);
    write_plist(plist, "com.example.echo.helper", program, "TEAMAAAAAA.com.example.echo", NULL);
    snprintf(line, sizeof line, "bootstrap %s\n", plist);
    if (geteuid() == 0) {
        pid_t other = fork();
        if (other == 0) {
            if (setgid(65534) != 0 || setuid(65534) != 0) _exit(2);
            _exit(launchd_request(line, answer, sizeof answer) == 0 ? 1 : strstr(answer, "needs root") != NULL ? 0 : 3);
        }
        int st = -1;
        waitpid(other, &st, 0);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "bootstrap from another user (not root, not the system's owner) is refused");
    }
    CHECK(launchd_request(line, answer, sizeof answer) == 0, "bootstrap the job's plist");
    CHECK(launchd_request("print com.example.echo.helper\n", answer, sizeof answer) == 0 && strstr(answer, "state=waiting") != NULL,
          "a loaded job does not run until a client needs it");

    struct signal *interrupted = calloc(1, sizeof *interrupted), *not_job = calloc(1, sizeof *not_job);
    *interrupted = (struct signal)SIGNAL_INIT;
    *not_job = (struct signal)SIGNAL_INIT;
    xpc_connection_t thief = xpc_connection_create_mach_service("TEAMAAAAAA.com.example.echo", NULL, XPC_CONNECTION_MACH_SERVICE_LISTENER);
    xpc_connection_set_event_handler(thief, ^(xpc_object_t e) { if (e == XPC_ERROR_CONNECTION_INVALID) post(not_job); });
    xpc_connection_resume(thief);
    CHECK(await_n(not_job, 1, 10000), "only the process launchd started for the job may listen on its name");

    c = xpc_connection_create_mach_service("TEAMAAAAAA.com.example.echo", NULL, XPC_CONNECTION_MACH_SERVICE_PRIVILEGED);
    xpc_connection_set_event_handler(c, ^(xpc_object_t e) { if (e == XPC_ERROR_CONNECTION_INTERRUPTED) post(interrupted); });
    CHECK(xpc_connection_set_peer_code_signing_requirement(c, "anchor apple generic and (((") == EINVAL,
          "a requirement that does not compile is EINVAL");
    CHECK(xpc_connection_set_peer_code_signing_requirement(c,
              "anchor apple generic and identifier \"com.example.echo\" and certificate leaf[subject.OU] = \"TEAMAAAAAA\"") == 0,
          "a requirement in the supported language is accepted");
    xpc_connection_resume(c);
    r = request(c, "ping");
    int64_t pid1 = xpc_get_type(r) == XPC_TYPE_DICTIONARY ? xpc_dictionary_get_int64(r, "pid") : -1;
    CHECK(pid1 > 0, "the first send launches the job on demand, and the service answers");
    CHECK(xpc_connection_get_pid(c) == pid1, "get_pid is the service's pid as of its last message");
    /* A pending reply when the service exits gets INTERRUPTED; the connection stays usable. */
    __block xpc_object_t hung = NULL;
    struct signal *hung_done = calloc(1, sizeof *hung_done);
    *hung_done = (struct signal)SIGNAL_INIT;
    xpc_object_t m = xpc_dictionary_create(NULL, NULL, 0);
    xpc_dictionary_set_string(m, "op", "hang");
    xpc_connection_send_message_with_reply(c, m, NULL, ^(xpc_object_t rr) { hung = rr; post(hung_done); });
    xpc_release(m);
    m = xpc_dictionary_create(NULL, NULL, 0);
    xpc_dictionary_set_string(m, "op", "exit");
    xpc_connection_send_message(c, m);
    xpc_release(m);
    CHECK(await_n(interrupted, 1, 10000), "the service's exit is CONNECTION_INTERRUPTED for a named service's client");
    CHECK(await_n(hung_done, 1, 10000) && hung == XPC_ERROR_CONNECTION_INTERRUPTED, "a pending reply handler gets INTERRUPTED");
    r = request(c, "ping");
    int64_t pid2 = xpc_get_type(r) == XPC_TYPE_DICTIONARY ? xpc_dictionary_get_int64(r, "pid") : -1;
    CHECK(pid2 > 0 && pid2 != pid1, "the next send relaunches the service through launchd");

    /* Messages still waiting to be sent when the service goes are discarded: the relaunched
     * service never sees them. The server stalls; 16 MiB more than it will take wait here. */
    xpc_object_t stall = xpc_dictionary_create(NULL, NULL, 0);
    xpc_dictionary_set_string(stall, "op", "stall");
    xpc_connection_send_message(c, stall);
    xpc_release(stall);
    static uint8_t chunk[1 << 20];
    for (int i = 0; i < 64; i++) {
        xpc_object_t big = xpc_dictionary_create(NULL, NULL, 0);
        xpc_dictionary_set_data(big, "payload", chunk, sizeof chunk);
        xpc_connection_send_message(c, big);
        xpc_release(big);
    }
    int before = interrupted->n;
    /* Only a pid the service itself reported: never 0 or -1 (kill would take a process group or
     * every process). */
    CHECK(pid2 > 1 && kill((pid_t)pid2, SIGKILL) == 0 && await_n(interrupted, before + 1, 10000),
          "the killed service's client is interrupted");
    r = request(c, "stats");
    CHECK(xpc_get_type(r) == XPC_TYPE_DICTIONARY && xpc_dictionary_get_int64(r, "payloads") == 0 &&
              xpc_dictionary_get_int64(r, "pid") != pid2,
          "messages not yet sent when the service went are discarded, not sent to its successor");

    struct signal *strict_events = calloc(1, sizeof *strict_events);
    *strict_events = (struct signal)SIGNAL_INIT;
    __block int strict_refused = 0, strict_invalid = 0;
    xpc_connection_t strict = xpc_connection_create_mach_service("TEAMAAAAAA.com.example.echo", NULL, 0);
    xpc_connection_set_event_handler(strict, ^(xpc_object_t e) {
      if (e == XPC_ERROR_PEER_CODE_SIGNING_REQUIREMENT && !strict_invalid) strict_refused = 1;
      if (e == XPC_ERROR_CONNECTION_INVALID) {
          strict_invalid = 1;
          post(strict_events);
      }
    });
    xpc_connection_set_peer_code_signing_requirement(strict, "anchor apple generic and certificate leaf[subject.OU] = \"TEAMBBBBBB\"");
    xpc_connection_resume(strict);
    r = request(strict, "ping");
    CHECK(r == XPC_ERROR_PEER_CODE_SIGNING_REQUIREMENT, "a reply from a peer of another team: PEER_CODE_SIGNING_REQUIREMENT instead");
    CHECK(await_n(strict_events, 1, 10000) && strict_refused,
          "the client's event handler gets PEER_CODE_SIGNING_REQUIREMENT, then CONNECTION_INVALID");

    /* A listener's requirement, across processes: the signed copy gets through, this unsigned
     * process never reaches the listener (no refusal event there), its request just fails. */
    char strict_plist[512], out[256];
    snprintf(strict_plist, sizeof strict_plist, "%s/strict.plist", root_dir);
    write_plist(strict_plist, "com.example.strict.helper", program, "TEAMAAAAAA.com.example.strict",
                "certificate leaf[subject.OU] = &quot;TEAMAAAAAA&quot;");
    snprintf(line, sizeof line, "bootstrap %s\n", strict_plist);
    CHECK(launchd_request(line, answer, sizeof answer) == 0, "bootstrap a job whose listener has a requirement");
    run_client(self, "TEAMAAAAAA.com.example.strict", out, sizeof out);
    CHECK(strncmp(out, "error ", 6) == 0, "an unsigned client of a listener with a requirement: its request fails");
    run_client(program, "TEAMAAAAAA.com.example.strict", out, sizeof out);
    CHECK(strcmp(out, "peers=1 refusals=0\n") == 0,
          "a signed client of the team gets through; the unsigned one never reached the listener");
    /* Every message is checked, not the connection: a socket a signed process opened and used,
     * then handed to this unsigned process, carries nothing more. */
    int pair[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0, "socketpair");
    pid_t h = fork();
    if (h == 0) {
        close(pair[0]);
        char fdarg[16];
        snprintf(fdarg, sizeof fdarg, "%d", pair[1]);
        execl(program, program, "handoff", "TEAMAAAAAA.com.example.strict", fdarg, (char *)NULL);
        _exit(127);
    }
    close(pair[1]);
    int handed = -1;
    char verdict[64] = "";
    xpcsim_recv_fd_line(pair[0], verdict, sizeof verdict, &handed);
    waitpid(h, NULL, 0);
    close(pair[0]);
    CHECK(strcmp(verdict, "answered") == 0 && handed >= 0, "the signed process's own request is answered");
    CHECK(handed >= 0 && !raw_request(handed), "the same connection's next message, sent by an unsigned process, is not");
    if (handed >= 0) close(handed);
    launchd_request("bootout com.example.strict.helper\n", answer, sizeof answer);

    /* Out of descriptors (the jobs run with RLIMIT_NOFILE 48), the service closes the connections it
     * cannot take instead of leaving them to wake its loop forever, and still answers afterwards. */
    int raws[64], shed = 0;
    struct pollfd watch[64];
    for (int i = 0; i < 64; i++) {
        struct sockaddr_un svc = {.sun_family = AF_UNIX};
        xpcsim_service_path(svc.sun_path, sizeof svc.sun_path, "TEAMAAAAAA.com.example.echo");
        raws[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (raws[i] >= 0 && connect(raws[i], (struct sockaddr *)&svc, sizeof svc) != 0) {
            close(raws[i]);
            raws[i] = -1;
        }
        watch[i] = (struct pollfd){raws[i], POLLIN, 0};
    }
    if (poll(watch, 64, 10000) > 0) {
        for (int i = 0; i < 64; i++) if (watch[i].revents & (POLLIN | POLLHUP)) shed++;
    }
    for (int i = 0; i < 64; i++) if (raws[i] >= 0) close(raws[i]);
    CHECK(shed > 0, "a service out of descriptors closes the connections it cannot take");
    r = request(c, "stats");
    CHECK(xpc_get_type(r) == XPC_TYPE_DICTIONARY, "and still answers once descriptors are free again");

    /* A client that floods a busy server is held back by the kernel: the server stops reading
     * instead of buffering without bound. */
    int raw = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    xpcsim_service_path(sa.sun_path, sizeof sa.sun_path, "TEAMAAAAAA.com.example.echo");
    CHECK(raw >= 0 && connect(raw, (struct sockaddr *)&sa, sizeof sa) == 0, "a raw client connects");
    size_t flooded = flood(raw);
    CHECK(flooded > 0 && flooded < ((size_t)64 << 20),
          "a stalled server takes a bounded amount from a flooding client, then the kernel pushes back");
    close(raw);

    /* kickstart -k ends the running instance and starts a new one at once (an upgrade's restart). */
    r = request(c, "ping");
    int64_t before_kick = xpc_get_type(r) == XPC_TYPE_DICTIONARY ? xpc_dictionary_get_int64(r, "pid") : -1;
    CHECK(launchd_request("kickstart -k com.example.echo.helper\n", answer, sizeof answer) == 0 &&
              strncmp(answer, "ok pid=", 7) == 0 && atol(answer + 7) > 0 && atol(answer + 7) != before_kick,
          "kickstart -k replaces the running instance with a new process");

    CHECK(launchd_request("bootout com.example.echo.helper\n", answer, sizeof answer) == 0, "bootout");
    /* launchd's override database: a disabled label cannot be bootstrapped until it is enabled. */
    snprintf(line, sizeof line, "bootstrap %s\n", plist);
    CHECK(launchd_request("disable com.example.echo.helper\n", answer, sizeof answer) == 0 &&
              launchd_request(line, answer, sizeof answer) != 0 && strstr(answer, "Bootstrap failed: 5") != NULL,
          "bootstrap of a disabled label fails (Bootstrap failed: 5: Input/output error)");
    CHECK(launchd_request("enable com.example.echo.helper\n", answer, sizeof answer) == 0 &&
              launchd_request(line, answer, sizeof answer) == 0 &&
              launchd_request("bootout com.example.echo.helper\n", answer, sizeof answer) == 0,
          "enabled again, it bootstraps");
    struct signal *gone = calloc(1, sizeof *gone);
    *gone = (struct signal)SIGNAL_INIT;
    xpc_connection_t after = xpc_connection_create_mach_service("TEAMAAAAAA.com.example.echo", NULL, 0);
    xpc_connection_set_event_handler(after, ^(xpc_object_t e) { if (e == XPC_ERROR_CONNECTION_INVALID) post(gone); });
    xpc_connection_resume(after);
    r = request(after, "ping");
    CHECK(r == XPC_ERROR_CONNECTION_INVALID, "after bootout the name no longer exists");
}

/* ---- Security on files ---- */
static void test_static_code(void) {
    char path[512], err[256];
    snprintf(path, sizeof path, "%s/signed-file", root_dir);
    FILE *f = fopen(path, "w");
    fputs("#!/bin/sh\nexec true\n", f);
    fclose(f);
    chmod(path, 0755);
    struct xpcsim_signature sig;
    char why[128];
    struct xpcsim_requirement *req = xpcsim_requirement_compile(
        "anchor apple generic and (identifier \"com.coder.cli\" or identifier other) and certificate leaf[subject.OU] = \"TEAMAAAAAA\"", why, sizeof why);
    int fd = open(path, O_RDONLY);
    xpcsim_read_signature(fd, &sig);
    close(fd);
    CHECK(req != NULL && !sig.signed_ && !xpcsim_requirement_check(req, &sig), "an unsigned file satisfies nothing");
    xpcsim_codesign_sign(path, "com.coder.cli", "TEAMAAAAAA", "apple-generic", err, sizeof err);
    fd = open(path, O_RDONLY);
    xpcsim_read_signature(fd, &sig);
    close(fd);
    CHECK(sig.signed_ && sig.intact && xpcsim_requirement_check(req, &sig), "a signed file satisfies its team's requirement");
    xpcsim_codesign_sign(path, "com.coder.cli", "TEAMBBBBBB", "apple-generic", err, sizeof err);
    fd = open(path, O_RDONLY);
    xpcsim_read_signature(fd, &sig);
    close(fd);
    CHECK(sig.intact && !xpcsim_requirement_check(req, &sig), "re-signed by another team it does not");
    struct xpcsim_requirement *other_id = xpcsim_requirement_compile("identifier \"com.coder.other\"", why, sizeof why);
    xpcsim_codesign_sign(path, "com.coder.cli", "TEAMAAAAAA", "apple-generic", err, sizeof err);
    fd = open(path, O_RDONLY);
    xpcsim_read_signature(fd, &sig);
    close(fd);
    CHECK(other_id != NULL && !xpcsim_requirement_check(other_id, &sig), "the team's code with another identifier does not satisfy identifier X");
    xpcsim_requirement_free(other_id);
    xpcsim_codesign_sign(path, "com.coder.cli", "TEAMAAAAAA", "adhoc", err, sizeof err);
    fd = open(path, O_RDONLY);
    xpcsim_read_signature(fd, &sig);
    close(fd);
    struct xpcsim_requirement *generic = xpcsim_requirement_compile("anchor apple generic", why, sizeof why);
    CHECK(!xpcsim_requirement_check(req, &sig) && generic != NULL && !xpcsim_requirement_check(generic, &sig),
          "an ad-hoc signature has no Apple anchor and no certificate");
    xpcsim_requirement_free(generic);
    xpcsim_codesign_sign(path, "com.coder.cli", "TEAMAAAAAA", "apple-generic", err, sizeof err);
    fd = open(path, O_RDWR);
    CHECK(pwrite(fd, "#", 1, 1) == 1, "modify the signed content");
    xpcsim_read_signature(fd, &sig);
    close(fd);
    CHECK(sig.signed_ && !sig.intact && !xpcsim_requirement_check(req, &sig), "a signed file modified afterwards fails validation");
    xpcsim_codesign_sign(path, "com.coder.cli", "TEAMAAAAAA", "apple-generic", err, sizeof err);
    CHECK(xpcsim_codesign_tamper(path, err, sizeof err) == 0, "tamper with a signed file");
    fd = open(path, O_RDONLY);
    xpcsim_read_signature(fd, &sig);
    close(fd);
    CHECK(sig.signed_ && !sig.intact && strcmp(sig.team, "TEAMAAAAAA") == 0 && !xpcsim_requirement_check(req, &sig),
          "content added after signing: still signed by the team, but the signature fails validation");
    CHECK(system(path) == 0, "a tampered script still runs");
    xpcsim_requirement_free(req);
    CHECK(xpcsim_requirement_compile("anchor apple generic or", why, sizeof why) == NULL &&
          xpcsim_requirement_compile("entitlement [\"x\"] exists", why, sizeof why) == NULL,
          "requirements outside the simulated subset do not compile");
}

int main(int argc, char **argv) {
    if (argc >= 3 && argc <= 4 && strcmp(argv[1], "serve") == 0) return serve(argv[2], argc == 4 ? argv[3] : NULL);
    if (argc == 3 && strcmp(argv[1], "client") == 0) return client(argv[2]);
    if (argc == 2 && strcmp(argv[1], "pool") == 0) return pool_two_items();
    if (argc == 4 && strcmp(argv[1], "handoff") == 0) return handoff(argv[2], atoi(argv[3]));
    if (argc == 3 && strcmp(argv[1], "misuse") == 0) {
        if (strcmp(argv[2], "sync_on_own_queue") == 0) sync_on_own_queue();
        if (strcmp(argv[2], "over_resume") == 0) over_resume();
        if (strcmp(argv[2], "sync_in_handler") == 0) sync_in_handler();
        if (strcmp(argv[2], "requirement_after_resume") == 0) requirement_after_resume();
        if (strcmp(argv[2], "release_inactive") == 0) release_inactive();
        if (strcmp(argv[2], "requirement_twice") == 0) requirement_twice();
        return 0;
    }
    if (argc != 3) {
        fprintf(stderr, "usage: xpcsim-test ROOT LAUNCHD\n");
        return 2;
    }
    root_dir = argv[1];
    /* A semantic broken into a hang (a reply that never comes) fails the run instead of stalling it. */
    alarm(120);
    mkdir(root_dir, 0755);
    setenv("XPCSIM_ROOT", root_dir, 1);
    setenv("XPCSIM_TEST_NOFILE", "48", 1);
    snprintf(launchd_sock, sizeof launchd_sock, "%s/launchd.sock", root_dir);
    int p[2], lifeline[2];
    if (pipe(p) != 0 || pipe2(lifeline, O_CLOEXEC) != 0) return 2;
    pid_t launchd = fork();
    if (launchd == 0) {
        dup2(p[1], 1);
        dup2(lifeline[0], 0); /* launchd exits when this process is gone, however it ends */
        execl(argv[2], argv[2], root_dir, (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    close(lifeline[0]);
    char ready[16] = "";
    if (read(p[0], ready, sizeof ready - 1) <= 0 || strncmp(ready, "ready", 5) != 0) {
        fprintf(stderr, "xpcsim-test: launchd did not start\n");
        return 2;
    }
    ssize_t n = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
    self_exe[n > 0 ? n : 0] = '\0';
    test_dispatch();
    test_xpc_local();
    test_cancel();
    test_peer_needs_resume();
    test_received_before_gone();
    test_send_barrier();
    test_peer_requirement_local();
    test_listener_requirement_local();
    test_no_leaks();
    test_static_code();
    test_spawn_actions();
    test_kqueue_proc();
    test_os_log();
    test_named(self_exe);
    kill(launchd, SIGTERM);
    waitpid(launchd, NULL, 0);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
